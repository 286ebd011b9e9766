// Unit tests of what the server does to connections from outside their event loop: the reaper
// ending those past their deadline, the drain closing idle ones at shutdown, and finding the
// listening socket Pistache keeps to itself. Connections are socket pairs: the test reads
// what the client end would receive.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "http/connection.hpp"
#include "http/drain.hpp"
#include "http/listener.hpp"
#include "http/reaper.hpp"

namespace apiserver::http {
namespace {

// A connection whose server end is registered in `registry`.
class TestConnection {
 public:
  TestConnection(Registry& registry, Phase phase, int64_t deadline_ms) : registry_(registry) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client_ = fds[1];
    connection_ = std::make_unique<Connection>(fds[0], 1, "127.0.0.1", ParserLimits{});
    connection_->phase = phase;
    connection_->deadline_ms = deadline_ms;
    std::lock_guard<std::mutex> lock(registry_.mutex);
    registry_.connections[fds[0]] = connection_.get();
  }
  ~TestConnection() {
    {
      std::lock_guard<std::mutex> lock(registry_.mutex);
      registry_.connections.erase(connection_->fd);
    }
    ::close(connection_->fd);
    ::close(client_);
  }

  Connection& connection() { return *connection_; }

  // What the client has received, and whether the server end was closed (end of stream);
  // does not wait for more.
  std::string received(bool& closed) {
    std::string out;
    closed = false;
    char buffer[4096];
    while (true) {
      ssize_t n = ::recv(client_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) {
        out.append(buffer, static_cast<size_t>(n));
        continue;
      }
      closed = n == 0;
      return out;
    }
  }

 private:
  Registry& registry_;
  std::unique_ptr<Connection> connection_;
  int client_ = -1;
};

TEST(HttpReaper, AnswersARequestStalledPastItsDeadlineWith408AndCloses) {
  Registry registry;
  TestConnection stalled(registry, Phase::kBody, 100);
  reap_expired(registry, 200);
  bool closed = false;
  std::string bytes = stalled.received(closed);
  EXPECT_EQ(bytes.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(closed);
  EXPECT_EQ(stalled.connection().deadline_ms.load(), 0);
}

TEST(HttpReaper, ClosesAnIdleConnectionPastItsDeadlineWithoutAnAnswer) {
  Registry registry;
  TestConnection idle(registry, Phase::kIdle, 100);
  reap_expired(registry, 100);
  bool closed = false;
  EXPECT_EQ(idle.received(closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpReaper, LeavesConnectionsBeforeTheirDeadlineOrWithNone) {
  Registry registry;
  TestConnection early(registry, Phase::kHead, 300);
  TestConnection reaped(registry, Phase::kHead, 0);
  reap_expired(registry, 200);
  bool closed = true;
  EXPECT_EQ(early.received(closed), "");
  EXPECT_FALSE(closed);
  EXPECT_EQ(reaped.received(closed), "");
  EXPECT_FALSE(closed);
}

TEST(HttpDrain, ClosesIdleConnectionsAndCountsBusyOnes) {
  Registry registry;
  TestConnection idle(registry, Phase::kIdle, 0);
  TestConnection answered(registry, Phase::kClosing, 0);
  TestConnection reading(registry, Phase::kHead, 0);
  TestConnection delaying(registry, Phase::kIdle, 0);
  delaying.connection().delayed.hold("HTTP/1.1 200 OK\r\n\r\n", now_ms() + 60'000, false);
  TestConnection writing(registry, Phase::kIdle, 0);
  *writing.connection().queued_writes = 1;

  EXPECT_EQ(close_idle_connections(registry), 3u);
  bool closed = false;
  idle.received(closed);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(idle.connection().drained);
  answered.received(closed);
  EXPECT_TRUE(closed);
  for (TestConnection* busy : {&reading, &delaying, &writing}) {
    busy->received(closed);
    EXPECT_FALSE(closed);
    EXPECT_FALSE(busy->connection().drained);
  }
  // Closed ones are not counted again.
  EXPECT_EQ(close_idle_connections(registry), 3u);
}

TEST(HttpDrain, AConnectionBeingWorkedOnIsBusy) {
  Registry registry;
  TestConnection handling(registry, Phase::kIdle, 0);
  std::promise<void> locked;
  std::promise<void> release;
  std::thread event_loop([&] {
    std::lock_guard<std::mutex> work(handling.connection().work);
    locked.set_value();
    release.get_future().wait();
  });
  locked.get_future().wait();
  EXPECT_EQ(close_idle_connections(registry), 1u);
  release.set_value();
  event_loop.join();
  EXPECT_EQ(close_idle_connections(registry), 0u);
}

TEST(HttpDrain, WaitsForBusyConnectionsUntilTheTimeoutOrGivingUp) {
  Registry registry;
  EXPECT_TRUE(drain_connections(registry, std::chrono::milliseconds(0), {}));
  TestConnection reading(registry, Phase::kBody, 0);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(drain_connections(registry, std::chrono::milliseconds(30), {}));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
  EXPECT_FALSE(drain_connections(registry, std::chrono::hours(1), [] { return true; }));
}

TEST(HttpListener, FindsTheSocketListeningOnAPort) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const uint16_t port = ntohs(address.sin_port);
  EXPECT_EQ(find_listening_socket(port), -1);  // bound, not listening yet
  ASSERT_EQ(::listen(fd, 1), 0);
  EXPECT_EQ(find_listening_socket(port), fd);
  ::close(fd);
}

}  // namespace
}  // namespace apiserver::http
