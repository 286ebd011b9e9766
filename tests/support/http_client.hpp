// A small blocking HTTP/1.1 client over POSIX sockets, for tests that talk to the real server.
//
// HttpClient keeps one keep-alive connection and reuses it, so tests can check connection
// handling; RawConnection and HttpClient::send_raw give hostile tests byte-level control.
// Every read has a deadline, so a misbehaving server fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::test {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::chrono::milliseconds kDefaultTimeout{10000};

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::string version;  // "HTTP/1.1"
  Headers headers;      // as received, in order; the body below is already de-chunked
  std::string body;

  // First header named `name` (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // Every header named `name` (case-insensitive), in order.
  std::vector<std::string> header_values(std::string_view name) const;
  // The body parsed as JSON; throws std::runtime_error (quoting the body) if it is not JSON.
  nlohmann::json json() const;
};

// One TCP connection under the test's direct control, for slow or malformed clients.
class RawConnection {
 public:
  // Connects at once; throws std::runtime_error if that fails. `timeout` bounds the connect and
  // each write (a server that stops reading cannot block the test).
  explicit RawConnection(uint16_t port, std::string host = "127.0.0.1",
                         std::chrono::milliseconds timeout = kDefaultTimeout);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes all of `bytes`; throws std::runtime_error if the peer closed or reset.
  void write(std::string_view bytes);
  // Like write(), but returns false instead of throwing when the peer closed or reset.
  bool try_write(std::string_view bytes);
  // Writes `bytes` in pieces of `chunk` bytes with `delay` between them. Returns false (and
  // stops) as soon as the peer has closed the connection; true if every byte was written.
  bool write_slowly(std::string_view bytes, std::size_t chunk, std::chrono::milliseconds delay);
  // Half-closes: the server sees end of input, we can still read.
  void shutdown_write();

  // Waits up to `timeout` for data, then returns what has arrived (without blocking further).
  // Returns "" if nothing arrived; never throws on timeout.
  std::string read_available(std::chrono::milliseconds timeout);
  // Reads until the peer closes or `timeout` elapses; returns everything read. Never throws.
  std::string read_until_close(std::chrono::milliseconds timeout);
  // Reads one complete response; throws std::runtime_error on timeout or early close.
  // `head_request`: the response has no body whatever its headers say.
  HttpResponse read_response(std::chrono::milliseconds timeout = kDefaultTimeout,
                             bool head_request = false);
  // Like read_response(), but returns nullopt if the peer closed before sending any byte.
  std::optional<HttpResponse> read_response_or_close(
      std::chrono::milliseconds timeout = kDefaultTimeout, bool head_request = false);
  // True if the peer closes (FIN or RST) within `timeout`. Data that arrives meanwhile is kept
  // and returned by the next read.
  bool is_closed_by_peer(std::chrono::milliseconds timeout);

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

 private:
  // Reads once into buffer_, waiting until `deadline`. Returns false on timeout; sets eof_.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool eof_ = false;  // the peer closed (FIN or RST)
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // received but not yet handed to the caller
};

class HttpClient {
 public:
  explicit HttpClient(uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(HttpClient&& other) noexcept;
  HttpClient& operator=(HttpClient&& other) noexcept;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (opening one if needed) and reads the reply.
  // Adds Host unless given; Content-Length when there is a body or the method is POST, PUT or
  // PATCH (unless Content-Length or Transfer-Encoding is given); content-type:
  // application/json when there is a body and no content-type is given. Interim 1xx replies
  // are skipped. If the server closes a reused connection without answering, the request is
  // retried once on a new connection. Throws std::runtime_error if it cannot connect, on
  // timeout, on a malformed response, or on bytes that arrived unasked between responses (a
  // 408 before an idle close excepted).
  HttpResponse request(std::string method, std::string target, std::string body = "",
                       Headers headers = {});

  HttpResponse get(std::string target, Headers headers = {});
  HttpResponse head(std::string target, Headers headers = {});
  HttpResponse options(std::string target, Headers headers = {});
  HttpResponse del(std::string target, Headers headers = {});
  HttpResponse post(std::string target, std::string body, Headers headers = {});
  HttpResponse put(std::string target, std::string body, Headers headers = {});
  HttpResponse patch(std::string target, std::string body, Headers headers = {});
  // Serializes `body` as the request body (content-type application/json by default).
  HttpResponse post_json(std::string target, const nlohmann::json& body, Headers headers = {});
  HttpResponse put_json(std::string target, const nlohmann::json& body, Headers headers = {});
  HttpResponse patch_json(std::string target, const nlohmann::json& body, Headers headers = {});

  // True if the last request() went over a connection that had already carried an exchange.
  bool last_reused() const { return last_reused_; }
  // How many TCP connections this client has opened so far.
  int connections_opened() const { return connections_opened_; }
  // Drops the kept-alive connection; the next request opens a new one.
  void close();
  // Deadline for connecting and for each response (default 10 s).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }

  // Opens a fresh connection, writes `bytes`, and returns everything read until the server
  // closes or `wait` elapses. Write errors (the server hanging up early) are ignored.
  std::string send_raw(std::string_view bytes, std::chrono::milliseconds wait);

  // Splits a byte stream holding several responses (e.g. replies to pipelined requests).
  // `methods` optionally lists the request methods in order, so that replies to HEAD are known
  // to have no body. Interim 1xx replies are returned as responses too. Throws
  // std::runtime_error if the stream is malformed or ends inside a response.
  static std::vector<HttpResponse> parse_responses(std::string_view raw,
                                                   const std::vector<std::string>& methods = {});

 private:
  std::string build_request(const std::string& method, const std::string& target,
                            const std::string& body, const Headers& headers) const;

  uint16_t port_;
  std::string host_;
  std::chrono::milliseconds timeout_ = kDefaultTimeout;
  std::optional<RawConnection> connection_;
  int exchanges_on_connection_ = 0;
  bool last_reused_ = false;
  int connections_opened_ = 0;
};

}  // namespace apiserver::test
