// A server started with a low soft limit on open descriptors (as services often are: 1024)
// raises it to the hard limit, and serves more clients at once than the soft limit allowed.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

constexpr rlim_t kLowSoftLimit = 64;
constexpr int kClients = 150;  // more than kLowSoftLimit descriptors

// The soft "Max open files" of process `pid`, from /proc.
std::string soft_open_files(pid_t pid) {
  std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(limits, line)) {
    if (line.rfind("Max open files", 0) != 0) continue;
    std::istringstream fields(line.substr(std::string("Max open files").size()));
    std::string soft;
    fields >> soft;
    return soft;
  }
  return "";
}

TEST(OpenFileLimit, ALowSoftLimitIsRaisedAndMoreClientsThanItAreServed) {
  rlimit ours{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &ours), 0);
  if (ours.rlim_max != RLIM_INFINITY && ours.rlim_max < 2 * kClients + 64)
    GTEST_SKIP() << "the hard limit here (" << ours.rlim_max << ") leaves nothing to show";
  TempDir dir;
  // The server inherits the low soft limit; this process gets its own back at once.
  rlimit low = ours;
  low.rlim_cur = kLowSoftLimit;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::optional<ServerProcess> server;
  try {
    server.emplace(std::vector<std::string>{source_path("examples/todo.yaml"), "--db",
                                            dir.file("todo.db"), "--threads", "1"});
  } catch (...) {
    ::setrlimit(RLIMIT_NOFILE, &ours);
    throw;
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &ours), 0);

  EXPECT_NE(soft_open_files(server->pid()), std::to_string(kLowSoftLimit));
  EXPECT_TRUE(server->wait_for_log("open files: limit raised from 64")) << server->log();
  std::vector<RawConnection> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(server->port());
  for (RawConnection& c : clients) c.write("GET /todos HTTP/1.1\r\nHost: test\r\n\r\n");
  for (RawConnection& c : clients) EXPECT_EQ(c.read_response().status, 200);
}

}  // namespace
}  // namespace apiserver::test
