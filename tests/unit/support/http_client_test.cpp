// Tests for the end-to-end test helpers' HTTP client, against a tiny canned-response server
// running on a thread in this process, and for parse_responses on byte strings.
#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace apiserver::test {
namespace {

using std::chrono::milliseconds;

// Serves one connection at a time on 127.0.0.1 (ephemeral port). Each complete request (head
// plus Content-Length body) is passed to the handler, whose reply is written back verbatim.
class TinyServer {
 public:
  struct Reply {
    std::string bytes;   // may be empty: say nothing
    bool close = false;  // close the connection after writing
  };
  using Handler = std::function<Reply(const std::string& request)>;

  explicit TinyServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ||
        ::listen(listen_fd_, 16)) {
      throw std::runtime_error("TinyServer: cannot listen");
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~TinyServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  // Waits for `fd` to become readable, giving up when the server is stopping.
  bool wait_readable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  void serve() {
    while (wait_readable(listen_fd_)) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      handle(fd);
      ::close(fd);
    }
  }

  void handle(int fd) {
    std::string buf;
    for (;;) {
      std::size_t end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = content_length(buf.substr(0, end));
        if (buf.size() >= end + 4 + length) {
          std::string request = buf.substr(0, end + 4 + length);
          buf.erase(0, request.size());
          {
            std::lock_guard<std::mutex> lock(mutex_);
            requests_.push_back(request);
          }
          Reply reply = handler_(request);
          if (!reply.bytes.empty()) {
            ::send(fd, reply.bytes.data(), reply.bytes.size(), MSG_NOSIGNAL);
          }
          if (reply.close) return;
          continue;
        }
      }
      if (!wait_readable(fd)) return;
      char chunk[4096];
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static std::size_t content_length(const std::string& head) {
    for (const char* name : {"\r\nContent-Length: ", "\r\ncontent-length: "}) {
      std::size_t at = head.find(name);
      if (at != std::string::npos) return std::stoul(head.substr(at + std::strlen(name)));
    }
    return 0;
  }

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

std::string request_line(const std::string& request) {
  return request.substr(0, request.find("\r\n"));
}

TinyServer::Reply ok(std::string body) {
  return {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body};
}

TEST(HttpClientTest, ReusesKeepAliveConnection) {
  TinyServer server([](const std::string&) { return ok("ok"); });
  HttpClient client(server.port());

  EXPECT_EQ(client.get("/a").body, "ok");
  EXPECT_FALSE(client.last_reused());
  HttpResponse second = client.get("/b");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.reason, "OK");
  EXPECT_EQ(second.version, "HTTP/1.1");
  EXPECT_TRUE(client.last_reused());
  client.get("/c");
  EXPECT_TRUE(client.last_reused());

  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpClientTest, ReconnectsAfterServerClosesIdleConnection) {
  // The server closes after each reply without saying so, like an idle timeout would.
  TinyServer server([](const std::string&) {
    TinyServer::Reply reply = ok("once");
    reply.close = true;
    return reply;
  });
  HttpClient client(server.port());

  EXPECT_EQ(client.get("/").body, "once");
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(client.get("/").body, "once");
  EXPECT_FALSE(client.last_reused());
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientTest, RetriesWhenReusedConnectionClosesRightAfterTheRequest) {
  // No pause: the close may race with the second request, which must still succeed.
  TinyServer server([](const std::string&) {
    TinyServer::Reply reply = ok("x");
    reply.close = true;
    return reply;
  });
  HttpClient client(server.port());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.get("/").status, 200);
  EXPECT_EQ(server.connections(), 20);
}

TEST(HttpClientTest, HonoursConnectionClose) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye",
                             true};
  });
  HttpClient client(server.port());

  EXPECT_EQ(client.get("/").body, "bye");
  EXPECT_EQ(client.get("/").body, "bye");
  EXPECT_FALSE(client.last_reused());
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST(HttpClientTest, DecodesChunkedBodyAndKeepsConnection) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"};
  });
  HttpClient client(server.port());

  HttpResponse response = client.get("/");
  EXPECT_EQ(response.body, "hello, world");
  EXPECT_EQ(response.header("transfer-encoding"), "chunked");
  EXPECT_EQ(client.get("/").body, "hello, world");
  EXPECT_TRUE(client.last_reused());
}

TEST(HttpClientTest, ReadsUnframedBodyUntilClose) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{"HTTP/1.1 200 OK\r\n\r\nall of it", true};
  });
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/").body, "all of it");
}

TEST(HttpClientTest, KnowsWhichResponsesHaveNoBody) {
  TinyServer server([](const std::string& request) {
    std::string line = request_line(request);
    if (line.rfind("HEAD", 0) == 0) {
      return TinyServer::Reply{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"};
    }
    if (line.find("/204") != std::string::npos) {
      return TinyServer::Reply{"HTTP/1.1 204 No Content\r\n\r\n"};
    }
    if (line.find("/304") != std::string::npos) {
      return TinyServer::Reply{"HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"};
    }
    return ok("0123456789");
  });
  HttpClient client(server.port());

  HttpResponse head = client.head("/");
  EXPECT_EQ(head.header("content-length"), "10");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(client.del("/204").status, 204);
  EXPECT_EQ(client.get("/304").status, 304);
  // Had any of those been read as having a body, this would be out of step.
  EXPECT_EQ(client.get("/").body, "0123456789");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST(HttpClientTest, SkipsInterimResponses) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"};
  });
  HttpClient client(server.port());
  EXPECT_EQ(client.post("/", "{}").status, 201);
  EXPECT_EQ(client.get("/").status, 201);
}

TEST(HttpClientTest, AddsHostContentLengthAndContentType) {
  TinyServer server([](const std::string&) { return ok(""); });
  HttpClient client(server.port());
  std::string host = "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n";

  client.get("/get");
  client.post("/post", R"({"a":1})");
  client.post_json("/json", {{"b", 2}});
  client.post("/empty", "");
  client.put("/text", "plain", {{"Content-Type", "text/plain"}, {"Host", "example.test"}});
  client.request("DELETE", "/del");

  std::vector<std::string> requests = server.requests();
  ASSERT_EQ(requests.size(), 6u);
  EXPECT_EQ(requests[0], "GET /get HTTP/1.1\r\n" + host + "\r\n");
  EXPECT_EQ(requests[1], "POST /post HTTP/1.1\r\n" + host +
                             "content-type: application/json\r\nContent-Length: 7\r\n\r\n"
                             R"({"a":1})");
  EXPECT_NE(requests[2].find("content-type: application/json\r\n"), std::string::npos);
  EXPECT_NE(requests[2].find("\r\n\r\n{\"b\":2}"), std::string::npos);
  EXPECT_EQ(requests[3], "POST /empty HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n");
  EXPECT_EQ(requests[4],
            "PUT /text HTTP/1.1\r\nContent-Type: text/plain\r\nHost: example.test\r\n"
            "Content-Length: 5\r\n\r\nplain");
  EXPECT_EQ(requests[5], "DELETE /del HTTP/1.1\r\n" + host + "\r\n");
}

TEST(HttpClientTest, LooksUpHeadersCaseInsensitivelyAndParsesJson) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{
        "HTTP/1.1 404 Not Found\r\nContent-Type: application/problem+json\r\n"
        "Vary: Accept\r\nvary: Origin\r\nContent-Length: 14\r\n\r\n{\"status\":404}"};
  });
  HttpClient client(server.port());

  HttpResponse response = client.get("/missing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.reason, "Not Found");
  EXPECT_EQ(response.header("CONTENT-TYPE"), "application/problem+json");
  EXPECT_EQ(response.header("x-absent"), std::nullopt);
  EXPECT_EQ(response.header_values("Vary"), (std::vector<std::string>{"Accept", "Origin"}));
  EXPECT_EQ(response.json()["status"], 404);

  response.body = "not json";
  EXPECT_THROW(response.json(), std::runtime_error);
}

TEST(HttpClientTest, TimesOutInsteadOfHanging) {
  TinyServer server([](const std::string&) { return TinyServer::Reply{}; });
  HttpClient client(server.port());
  client.set_timeout(milliseconds(200));

  auto start = std::chrono::steady_clock::now();
  try {
    client.get("/silent");
    FAIL() << "expected a timeout";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("GET /silent"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpClientTest, ConnectionRefusedThrows) {
  uint16_t port;
  {
    // A port that was free a moment ago and has no listener now.
    TinyServer gone([](const std::string&) { return TinyServer::Reply{}; });
    port = gone.port();
  }
  HttpClient client(port);
  EXPECT_THROW(client.get("/"), std::runtime_error);
}

TEST(HttpClientTest, SendRawReturnsPipelinedResponses) {
  TinyServer server([](const std::string& request) {
    std::string line = request_line(request);
    if (line.rfind("HEAD", 0) == 0) {
      return TinyServer::Reply{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"};
    }
    if (line.find("/last") != std::string::npos) {
      return TinyServer::Reply{
          "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
          "4\r\nlast\r\n0\r\n\r\n",
          true};
    }
    return ok(line.substr(4, line.find(' ', 4) - 4));
  });
  HttpClient client(server.port());

  std::string raw = client.send_raw(
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /second HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /last HTTP/1.1\r\nHost: x\r\n\r\n",
      milliseconds(5000));
  std::vector<HttpResponse> responses = HttpClient::parse_responses(raw, {"GET", "HEAD", "GET"});
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].body, "/first");
  EXPECT_EQ(responses[1].header("content-length"), "5");
  EXPECT_EQ(responses[1].body, "");
  EXPECT_EQ(responses[2].body, "last");
}

TEST(HttpClientTest, SendRawStopsWaitingWhenServerStaysOpen) {
  TinyServer server([](const std::string&) { return ok("still here"); });
  HttpClient client(server.port());
  auto start = std::chrono::steady_clock::now();
  std::string raw = client.send_raw("GET / HTTP/1.1\r\n\r\n", milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(HttpClient::parse_responses(raw).at(0).body, "still here");
}

TEST(ParseResponsesTest, SplitsMixedFraming) {
  std::string raw =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nhi"
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n"
      "HTTP/1.0 400 Bad Request\r\n\r\nrest until close";
  std::vector<HttpResponse> responses = HttpClient::parse_responses(raw);
  ASSERT_EQ(responses.size(), 5u);
  EXPECT_EQ(responses[0].status, 100);
  EXPECT_EQ(responses[1].body, "hi");
  EXPECT_EQ(responses[2].body, "abc");
  EXPECT_EQ(responses[3].status, 204);
  EXPECT_EQ(responses[4].version, "HTTP/1.0");
  EXPECT_EQ(responses[4].body, "rest until close");
}

TEST(ParseResponsesTest, HeadMethodsApplyToFinalResponsesInOrder) {
  std::string raw =
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"
      "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
  std::vector<HttpResponse> responses = HttpClient::parse_responses(raw, {"POST", "HEAD"});
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[1].body, "body");
  EXPECT_EQ(responses[2].body, "");
}

TEST(ParseResponsesTest, EmptyStreamHasNoResponses) {
  EXPECT_TRUE(HttpClient::parse_responses("").empty());
}

TEST(ParseResponsesTest, RejectsTruncatedOrMalformedStreams) {
  EXPECT_THROW(HttpClient::parse_responses("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabc"),
               std::runtime_error);
  EXPECT_THROW(HttpClient::parse_responses("HTTP/1.1 200 OK\r\nContent-Le"), std::runtime_error);
  EXPECT_THROW(HttpClient::parse_responses("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           "5\r\nab"),
               std::runtime_error);
  EXPECT_THROW(HttpClient::parse_responses("garbage\r\n\r\n"), std::runtime_error);
  EXPECT_THROW(HttpClient::parse_responses("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"),
               std::runtime_error);
  EXPECT_THROW(HttpClient::parse_responses("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"),
               std::runtime_error);
}

TEST(RawConnectionTest, WritesSlowlyAndReadsResponse) {
  TinyServer server([](const std::string& request) { return ok(request_line(request)); });
  RawConnection connection(server.port());

  EXPECT_EQ(connection.read_available(milliseconds(50)), "");
  EXPECT_TRUE(connection.write_slowly("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", 3, milliseconds(1)));
  EXPECT_EQ(connection.read_response().body, "GET /slow HTTP/1.1");
  EXPECT_FALSE(connection.is_closed_by_peer(milliseconds(50)));
}

TEST(RawConnectionTest, NoticesWhenPeerCloses) {
  TinyServer server([](const std::string&) {
    return TinyServer::Reply{"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", true};
  });
  RawConnection connection(server.port());

  connection.write("GET / HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(connection.is_closed_by_peer(milliseconds(5000)));
  // What arrived before the close is still there to read.
  EXPECT_EQ(HttpClient::parse_responses(connection.read_available(milliseconds(0))).at(0).status,
            400);
  EXPECT_FALSE(connection.write_slowly("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2, milliseconds(5)));
}

TEST(RawConnectionTest, ReadResponseOrCloseReportsSilentClose) {
  TinyServer server([](const std::string&) { return TinyServer::Reply{"", true}; });
  RawConnection connection(server.port());
  connection.write("GET / HTTP/1.1\r\n\r\n");
  EXPECT_FALSE(connection.read_response_or_close(milliseconds(5000)).has_value());
}

}  // namespace
}  // namespace apiserver::test
