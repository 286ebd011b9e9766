// Slowloris: 5,000 connections that each send part of a request head and then hold, while a
// normal client asks for a stored todo. The server accepts them all without making any wait
// (a listen backlog of SOMAXCONN, not Pistache's 128), keeps every one open (until its header
// timeout) and still answers the normal client in under 50 ms (the median of several
// requests, so that one scheduling hiccup on a loaded machine does not decide). The test raises
// its own descriptor limit with setrlimit before it starts the server, which inherits it.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

using std::chrono::milliseconds;

constexpr int kSlowConnections = 5000;
// Both ends of every slow connection live on this machine: ours here, the server's in its
// process; a few hundred more for everything else.
constexpr rlim_t kDescriptorsNeeded = kSlowConnections + 512;

// Raises the soft descriptor limit to at least `wanted`; false if the hard limit is lower.
bool raise_descriptor_limit(rlim_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
  if (limit.rlim_cur >= wanted) return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted) return false;
  limit.rlim_cur = wanted;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

int open_descriptors(pid_t pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  int count = 0;
  while (dirent* entry = readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  closedir(dir);
  return count;
}

TEST(HostileSlowlorisTest, FiveThousandSlowConnectionsDoNotStarveANormalClient) {
  if (!raise_descriptor_limit(kDescriptorsNeeded))
    GTEST_SKIP() << "the hard RLIMIT_NOFILE is below " << kDescriptorsNeeded;
  TempDir dir;
  ServerProcess server(
      std::vector<std::string>{source_path("examples/todo.yaml"), "--db", dir.file("s.db")});
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);

  std::vector<RawConnection> slow;
  slow.reserve(kSlowConnections);
  const auto opening = std::chrono::steady_clock::now();
  for (int i = 0; i < kSlowConnections; ++i) {
    slow.emplace_back(server.port(), "127.0.0.1", milliseconds(5000));
    slow.back().write("GET /todos/1 HTTP/1.1\r\nHost: t\r\nX-Slow-" + std::to_string(i) + ": ");
  }
  const auto opened_in = std::chrono::steady_clock::now() - opening;
  // Every one of them is open on the server's side too, unless opening them took so long (a
  // loaded machine) that the first ones reached the 10 s header timeout and were answered 408.
  // The server accepts from its backlog at its own pace (slower in an instrumented build).
  int server_descriptors = 0;
  wait_until(
      [&] {
        server_descriptors = open_descriptors(server.pid());
        return server_descriptors >= kSlowConnections;
      },
      milliseconds(3000), milliseconds(50));
  if (opened_in < std::chrono::seconds(8)) {
    EXPECT_GE(server_descriptors, kSlowConnections) << "the server dropped slow connections";
  }

  std::vector<double> latencies_ms;
  for (int i = 0; i < 9; ++i) {
    const auto start = std::chrono::steady_clock::now();
    HttpResponse r = client.get("/todos/1");
    latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"id":1,"title":"milk","done":false,"due":null})");
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  EXPECT_LT(latencies_ms[latencies_ms.size() / 2], 50.0)
      << "median of " << latencies_ms.size() << "; slowest " << latencies_ms.back() << " ms";
  // A new connection is accepted and served too.
  HttpClient newcomer(server.port());
  EXPECT_EQ(newcomer.get("/todos/1").status, 200);

  // The slow ones were never answered but for a 408 at their header timeout.
  const std::string first = slow.front().read_available(milliseconds(1));
  EXPECT_TRUE(first.empty() || first.rfind("HTTP/1.1 408 ", 0) == 0) << first;
  EXPECT_EQ(slow.back().read_available(milliseconds(1)), "");
  slow.clear();
  HttpClient after(server.port());
  EXPECT_EQ(after.get("/todos/1").status, 200);
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace apiserver::test
