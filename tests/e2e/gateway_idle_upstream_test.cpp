// An upstream that closes a kept-alive connection once it is idle (uvicorn after
// --keep-alive): the gateway's pooled socket then reads as closed while no exchange uses it.
// The event loop must let go of it (not wake for it again and again) and the next forwarded
// request must go over a new connection. And under load, the connections to an upstream are
// kept: not closed and opened again as the number of exchanges under way rises and falls.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using std::chrono::milliseconds;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Idle upstream, version: "1"}
x-apiserver:
  upstream: {url: "${ECHO_URL}"}
paths:
  /echo/{rest}:
    parameters: [{name: rest, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: What reached the upstream, content: {application/json: {schema: {type: object}}}}
)";

// The CPU time `pid` has used so far (user and system), in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The fields after the command name (which may hold spaces) start after its ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long user = 0;
  long long system = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) user = std::stoll(field);
    if (i == 15) system = std::stoll(field);
  }
  return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TEST(GatewayIdleUpstream, AClosedIdleConnectionIsLetGoAndTheNextRequestConnectsAgain) {
  TempDir dir;
  ServerProcess upstream = ServerProcess::with_binary(
      "/usr/bin/python3",
      {test_data_path("e2e/upstreams/echo_upstream.py"), "--keep-alive", "0.2"});
  ServerProcess server({write_file(dir, "idle.yaml", kDocument), "--db", dir.file("idle.db")},
                       {{"ECHO_URL", upstream.url()}});
  HttpClient client(server.port());

  HttpResponse first = client.get("/echo/one");
  ASSERT_EQ(first.status, 200) << first.body;
  const nlohmann::json first_port = first.json()["peer_port"];
  // A second request at once reuses the kept-alive connection.
  HttpResponse again = client.get("/echo/two");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["peer_port"], first_port);

  std::this_thread::sleep_for(milliseconds(600));  // the upstream has closed it by now
  const double before = cpu_seconds(server.pid());
  std::this_thread::sleep_for(milliseconds(1000));
  const double busy = cpu_seconds(server.pid()) - before;
  EXPECT_LT(busy, 0.3) << "the server kept busy for " << busy << " s of a quiet second";

  HttpResponse after = client.get("/echo/three");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.json()["peer_port"], first_port) << "a new connection to the upstream";
  EXPECT_EQ(after.json()["path"], "/echo/three");
}

TEST(GatewayIdleUpstream, ConnectionsStayOpenWhileTheLoadRisesAndFalls) {
  TempDir dir;
  ServerProcess upstream = ServerProcess::with_binary(
      "/usr/bin/python3", {test_data_path("e2e/upstreams/echo_upstream.py")});
  // One event loop: every exchange shares one pool of upstream connections.
  ServerProcess server(
      {write_file(dir, "pool.yaml", kDocument), "--db", dir.file("pool.db"), "--threads", "1"},
      {{"ECHO_URL", upstream.url()}});
  constexpr int kClients = 16;
  constexpr int kRounds = 6;
  std::vector<RawConnection> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(server.port());
  std::set<int> upstream_ports;
  // Each round rises to kClients exchanges at once and falls back to none.
  for (int round = 0; round < kRounds; ++round) {
    for (RawConnection& c : clients) c.write("GET /echo/pool HTTP/1.1\r\nHost: test\r\n\r\n");
    for (RawConnection& c : clients) {
      HttpResponse r = c.read_response();
      ASSERT_EQ(r.status, 200) << r.body;
      upstream_ports.insert(r.json()["peer_port"].get<int>());
    }
  }
  EXPECT_LE(upstream_ports.size(), static_cast<size_t>(kClients))
      << "connections to the upstream were closed and opened again between rounds";
}

}  // namespace
}  // namespace apiserver::test
