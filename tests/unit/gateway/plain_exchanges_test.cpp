// Unit tests of the loop's own upstream client where a name is concerned: a name with several
// addresses is reached at the first that takes the connection, a name with none is left to
// libcurl, and a name none of whose addresses answer fails as a connect failure.
#include "gateway/plain_exchanges.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace apiserver::gateway {
namespace {

using namespace std::chrono_literals;

// What an event loop does for the client: poll the sockets it asks for, tell it which are ready.
class PollLoop final : public SocketWatcher {
 public:
  void watch(int socket, bool in, bool out) override {
    if (in || out)
      watched_[socket] = {in, out};
    else
      watched_.erase(socket);
  }
  void closing(int socket) override { watched_.erase(socket); }

  // Runs `client` until `finished` holds, or for at most 5 s.
  template <typename Finished>
  void run(PlainExchanges& client, Finished finished) {
    const auto limit = std::chrono::steady_clock::now() + 5s;
    while (!finished() && std::chrono::steady_clock::now() < limit) {
      client.act();
      if (finished()) return;
      std::vector<pollfd> fds;
      for (const auto& [socket, wanted] : watched_)
        fds.push_back(
            {socket,
             static_cast<short>((wanted.first ? POLLIN : 0) | (wanted.second ? POLLOUT : 0)), 0});
      ::poll(fds.data(), fds.size(), 20);
      for (const pollfd& fd : fds)
        if (fd.revents != 0)
          client.socket_ready(fd.fd, (fd.revents & POLLIN) != 0, (fd.revents & POLLOUT) != 0,
                              (fd.revents & (POLLERR | POLLHUP)) != 0);
    }
  }

 private:
  std::map<int, std::pair<bool, bool>> watched_;
};

int listening_socket(uint16_t& port) {
  int socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(socket, reinterpret_cast<sockaddr*>(&address), length);
  ::listen(socket, 16);
  ::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length);
  port = ntohs(address.sin_port);
  return socket;
}

// A loopback port nothing listens on: connections to it are refused.
uint16_t refused_port() {
  uint16_t port = 0;
  ::close(listening_socket(port));
  return port;
}

// Answers "ok" to each request on each connection it accepts, and counts the connections.
class OkUpstream {
 public:
  OkUpstream() : socket_(listening_socket(port_)), thread_([this] { serve(); }) {}
  ~OkUpstream() {
    ::shutdown(socket_, SHUT_RDWR);
    ::close(socket_);
    thread_.join();
    for (std::thread& t : connections_) t.join();
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_; }

 private:
  void serve() {
    for (int client; (client = ::accept(socket_, nullptr, nullptr)) >= 0;) {
      ++accepted_;
      connections_.emplace_back([client] {
        std::string input;
        char buffer[4096];
        for (ssize_t got; (got = ::recv(client, buffer, sizeof buffer, 0)) > 0;) {
          input.append(buffer, static_cast<size_t>(got));
          for (size_t end; (end = input.find("\r\n\r\n")) != std::string::npos;) {
            input.erase(0, end + 4);
            const std::string answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
            ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
          }
        }
        ::close(client);
      });
    }
  }

  uint16_t port_ = 0;
  int socket_;
  std::atomic<int> accepted_{0};
  std::vector<std::thread> connections_;
  std::thread thread_;
};

struct Outcome {
  std::optional<UpstreamReply> reply;
};

// Sends GET `url` through `client`; false when the client leaves it to another.
bool get(PlainExchanges& client, uint64_t id, const std::string& url, Outcome& outcome) {
  UpstreamRequest request;
  request.method = "GET";
  request.url = url;
  request.connect_timeout = 1000ms;
  request.timeout = 3000ms;
  UpstreamDone done = [&outcome](UpstreamReply reply) { outcome.reply = std::move(reply); };
  return client.send(id, request, done);
}

TEST(PlainExchanges, ReachesANameAtTheFirstOfItsAddressesThatTakesTheConnection) {
  OkUpstream upstream;
  NameResolver resolver(1h);
  resolver.remember(
      "model.test", 9000,
      {*address_of("127.0.0.1", refused_port()), *address_of("127.0.0.1", upstream.port())});
  PollLoop loop;
  PlainExchanges client(loop, resolver, 1 << 20);
  for (uint64_t id = 1; id <= 3; ++id) {
    Outcome outcome;
    ASSERT_TRUE(get(client, id, "http://model.test:9000/x", outcome));
    loop.run(client, [&] { return outcome.reply.has_value(); });
    ASSERT_TRUE(outcome.reply);
    EXPECT_EQ(outcome.reply->failure, UpstreamReply::Failure::kNone) << outcome.reply->error;
    EXPECT_EQ(outcome.reply->status, 200);
    EXPECT_EQ(outcome.reply->body, "ok");
  }
  EXPECT_EQ(upstream.accepted(), 1) << "the connection is kept for the next requests";
}

TEST(PlainExchanges, FailsAsAConnectFailureWhenNoAddressTakesTheConnection) {
  NameResolver resolver(1h);
  resolver.remember(
      "down.test", 80,
      {*address_of("127.0.0.1", refused_port()), *address_of("127.0.0.1", refused_port())});
  PollLoop loop;
  PlainExchanges client(loop, resolver, 1 << 20);
  Outcome outcome;
  ASSERT_TRUE(get(client, 1, "http://down.test/x", outcome));
  loop.run(client, [&] { return outcome.reply.has_value(); });
  ASSERT_TRUE(outcome.reply);
  EXPECT_EQ(outcome.reply->failure, UpstreamReply::Failure::kConnect);
  EXPECT_NE(outcome.reply->error.find("refused"), std::string::npos) << outcome.reply->error;
}

TEST(PlainExchanges, LeavesANameWithoutAddressesAndHttpsToTheGeneralClient) {
  NameResolver resolver(1h);
  PollLoop loop;
  PlainExchanges client(loop, resolver, 1 << 20);
  Outcome outcome;
  EXPECT_FALSE(get(client, 1, "http://no-such-host.invalid/x", outcome));
  EXPECT_FALSE(get(client, 2, "https://127.0.0.1/x", outcome));
  EXPECT_FALSE(outcome.reply);
}

}  // namespace
}  // namespace apiserver::gateway
