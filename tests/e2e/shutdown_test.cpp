// Graceful shutdown, end to end (specs/operations.md "Shutdown"): on SIGTERM or SIGINT the
// server stops accepting connections at once (a new one is refused), answers what it has
// already received (a mock answer waiting out its delay included) and exits 0; idle keep-alive
// connections do not hold the exit up, and a second signal stops without waiting.
//
// Timing assertions are lower bounds, with generous upper bounds only.
//
// Fixture: specs/shutdown.yaml (/slow delayed 1 s, /slower 6 s, /fast at once).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A deadline for what should happen soon: only a server that never does it reaches it, so it
// can be generous for a loaded machine.
constexpr milliseconds kGenerous{20000};

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

std::string get_request(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

// The access log line of a request to `route`: the server has handled it (a delayed answer
// is then waiting on its timer).
std::string logged(const std::string& route) {
  return "\"route\":\"" + route + "\"";
}

TEST(GracefulShutdown, SigtermAnswersADelayedRequestRefusesNewConnectionsAndExitsZero) {
  ServerProcess server({spec("shutdown.yaml"), "--threads", "1"});
  RawConnection waiting(server.port());
  Clock::time_point start = Clock::now();
  waiting.write(get_request("/slow"));
  ASSERT_TRUE(server.wait_for_log(logged("/slow"))) << server.log();

  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  ASSERT_TRUE(server.wait_for_log("no longer accepting connections")) << server.log();
  EXPECT_THROW(RawConnection late(server.port()), std::runtime_error)
      << "a connection after SIGTERM is refused";

  HttpResponse r = waiting.read_response(kGenerous);
  milliseconds waited = since(start);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"speed":"slow","done":true})"));
  EXPECT_GE(waited, milliseconds(1000));
  EXPECT_TRUE(waiting.is_closed_by_peer(kGenerous)) << "the connection closes after the answer";

  std::optional<int> code = server.wait_for_exit(kGenerous);
  ASSERT_TRUE(code.has_value()) << "still running after the delayed answer: " << server.log();
  EXPECT_EQ(*code, 0) << server.log();
}

TEST(GracefulShutdown, SigintDrainsToo) {
  ServerProcess server({spec("shutdown.yaml")});
  RawConnection waiting(server.port());
  waiting.write(get_request("/slow"));
  ASSERT_TRUE(server.wait_for_log(logged("/slow"))) << server.log();
  ASSERT_EQ(::kill(server.pid(), SIGINT), 0);
  HttpResponse r = waiting.read_response(kGenerous);
  EXPECT_EQ(r.status, 200) << r.body;
  std::optional<int> code = server.wait_for_exit(kGenerous);
  ASSERT_TRUE(code.has_value()) << server.log();
  EXPECT_EQ(*code, 0) << server.log();
}

TEST(GracefulShutdown, IdleKeepAliveConnectionsDoNotHoldUpTheExit) {
  ServerProcess server({spec("shutdown.yaml")});
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/fast").status, 200);  // the connection stays open, idle
  RawConnection silent(server.port());         // and one that never sends anything

  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  std::optional<int> code = server.wait_for_exit(kGenerous);
  ASSERT_TRUE(code.has_value()) << server.log();
  EXPECT_EQ(*code, 0) << server.log();
  EXPECT_TRUE(silent.is_closed_by_peer(kGenerous));
}

TEST(GracefulShutdown, ASecondSignalStopsWithoutWaiting) {
  ServerProcess server({spec("shutdown.yaml")});
  RawConnection waiting(server.port());
  waiting.write(get_request("/slower"));
  ASSERT_TRUE(server.wait_for_log(logged("/slower"))) << server.log();
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  ASSERT_TRUE(server.wait_for_log("no longer accepting connections")) << server.log();
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  std::optional<int> code = server.wait_for_exit(kGenerous);
  ASSERT_TRUE(code.has_value()) << server.log();
  EXPECT_EQ(*code, 0) << server.log();
  // A server that waited out the 6 s delay would have sent the answer before exiting.
  EXPECT_EQ(waiting.read_until_close(kGenerous), "") << "the delayed answer is dropped";
}

}  // namespace
}  // namespace apiserver::test
