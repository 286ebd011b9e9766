// Blocking HTTP/1.1 test client: sockets are non-blocking underneath so that every wait is a
// poll() with a deadline, and a misbehaving server turns into an exception, not a hung test.
#include "support/http_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <thread>

namespace apiserver::test {
namespace {

using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True if the comma-separated header value list contains `token` (case-insensitive).
bool has_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return iequals(h.first, name); });
}

// Quotes bytes for an error message: printable ASCII as is, the rest escaped, capped in length.
std::string preview(std::string_view bytes, std::size_t limit = 400) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return "\"" + out + "\"";
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  // Round up so that a sub-millisecond remainder still waits rather than spinning.
  return static_cast<int>(std::max<int64_t>(0, left.count() + (left.count() >= 0 ? 1 : 0)));
}

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Incremental response parser over a buffer that `more` extends (from a socket or not at all).
class ResponseParser {
 public:
  ResponseParser(std::string& buf, std::function<bool()> more)
      : buf_(buf), more_(std::move(more)) {}

  // Parses one response starting at pos(). Returns nullopt if the stream ended before the
  // first byte of a response; throws if it ends inside one or the bytes are not HTTP.
  std::optional<HttpResponse> parse(bool head_request) {
    if (pos_ == buf_.size() && !more_()) return std::nullopt;
    std::size_t start = pos_;
    HttpResponse r;
    parse_status_line(read_line(), r);
    for (std::string line = read_line(); !line.empty(); line = read_line()) {
      r.headers.push_back(parse_header(line));
    }
    if (head_request || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304) {
      return r;
    }
    auto te = r.header("transfer-encoding");
    if (te && has_token(*te, "chunked")) {
      read_chunked(r);
    } else if (r.header("content-length")) {
      std::size_t length = content_length(r);
      need(length, start);
      r.body = buf_.substr(pos_, length);
      pos_ += length;
    } else {
      // No framing: the body runs until the server closes the connection.
      while (more_()) {
      }
      r.body = buf_.substr(pos_);
      pos_ = buf_.size();
      delimited_by_close_ = true;
    }
    return r;
  }

  std::size_t pos() const { return pos_; }
  bool delimited_by_close() const { return delimited_by_close_; }

 private:
  // Makes sure `n` bytes from pos_ are buffered, or throws (quoting from `start`).
  void need(std::size_t n, std::size_t start) {
    while (buf_.size() - pos_ < n) {
      if (!more_()) {
        throw std::runtime_error("stream ended inside a response (needed " + std::to_string(n) +
                                 " more bytes, have " + std::to_string(buf_.size() - pos_) +
                                 "): " + preview(std::string_view(buf_).substr(start)));
      }
    }
  }

  // Returns the next CRLF-terminated line without its CRLF.
  std::string read_line() {
    std::size_t searched = pos_;
    for (;;) {
      std::size_t crlf = buf_.find("\r\n", searched);
      if (crlf != std::string::npos) {
        std::string line = buf_.substr(pos_, crlf - pos_);
        pos_ = crlf + 2;
        return line;
      }
      // A CR at the very end may be waiting for its LF.
      searched = std::max(pos_, buf_.empty() ? std::size_t{0} : buf_.size() - 1);
      if (!more_()) {
        throw std::runtime_error("stream ended inside a response line: " +
                                 preview(std::string_view(buf_).substr(pos_)));
      }
    }
  }

  static void parse_status_line(const std::string& line, HttpResponse& r) {
    // HTTP-version SP 3DIGIT SP [reason]; tolerate a missing final SP for an empty reason.
    if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0 || line[8] != ' ' ||
        !std::isdigit(static_cast<unsigned char>(line[9])) ||
        !std::isdigit(static_cast<unsigned char>(line[10])) ||
        !std::isdigit(static_cast<unsigned char>(line[11])) ||
        (line.size() > 12 && line[12] != ' ')) {
      throw std::runtime_error("malformed status line: " + preview(line));
    }
    r.version = line.substr(0, 8);
    r.status = std::stoi(line.substr(9, 3));
    r.reason = line.size() > 13 ? line.substr(13) : "";
  }

  static std::pair<std::string, std::string> parse_header(const std::string& line) {
    std::size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
      throw std::runtime_error("malformed header line: " + preview(line));
    }
    return {line.substr(0, colon), std::string(trim(std::string_view(line).substr(colon + 1)))};
  }

  static std::size_t content_length(const HttpResponse& r) {
    std::optional<std::size_t> length;
    for (const std::string& value : r.header_values("content-length")) {
      if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        throw std::runtime_error("malformed Content-Length: " + preview(value));
      }
      std::size_t n = std::stoull(value);
      if (length && *length != n) throw std::runtime_error("conflicting Content-Length headers");
      length = n;
    }
    return *length;
  }

  void read_chunked(HttpResponse& r) {
    std::size_t start = pos_;
    for (;;) {
      std::string line = read_line();
      std::string_view size_text = trim(std::string_view(line).substr(0, line.find(';')));
      if (size_text.empty() || size_text.size() > 15 ||
          !std::all_of(size_text.begin(), size_text.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
        throw std::runtime_error("malformed chunk size line: " + preview(line));
      }
      std::size_t size = std::stoull(std::string(size_text), nullptr, 16);
      if (size == 0) break;
      need(size + 2, start);
      r.body.append(buf_, pos_, size);
      if (buf_.compare(pos_ + size, 2, "\r\n") != 0) {
        throw std::runtime_error("chunk data not followed by CRLF");
      }
      pos_ += size + 2;
    }
    // Trailer fields, which tests have no use for, end at an empty line.
    while (!read_line().empty()) {
    }
  }

  std::string& buf_;
  std::function<bool()> more_;
  std::size_t pos_ = 0;
  bool delimited_by_close_ = false;
};

// Connects with a deadline; returns a non-blocking, close-on-exec socket.
int connect_to(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    throw std::runtime_error("cannot resolve " + host + ": " + ::gai_strerror(rc));
  }
  std::string error = "no address";
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    int fd =
        ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int ok = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (ok != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int n;
      do {
        n = ::poll(&p, 1, remaining_ms(deadline));
      } while (n < 0 && errno == EINTR);
      int so_error = ETIMEDOUT;
      socklen_t len = sizeof so_error;
      if (n > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      ok = so_error == 0 ? 0 : -1;
      errno = so_error;
    }
    if (ok == 0) {
      ::freeaddrinfo(found);
      // Slow-client tests write a few bytes at a time; they must leave at once.
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }
    error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + error);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// HttpResponse

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) values.push_back(value);
  }
  return values;
}

nlohmann::json HttpResponse::json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("response body (status " + std::to_string(status) +
                             ") is not JSON: " + e.what() + "; body: " + preview(body, 2000));
  }
}

// ---------------------------------------------------------------------------------------------
// RawConnection

RawConnection::RawConnection(uint16_t port, std::string host, std::chrono::milliseconds timeout)
    : fd_(connect_to(host, port, timeout)), timeout_(timeout) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      eof_(other.eof_),
      timeout_(other.timeout_),
      buffer_(std::move(other.buffer_)) {}

RawConnection& RawConnection::operator=(RawConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    eof_ = other.eof_;
    timeout_ = other.timeout_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

bool RawConnection::try_write(std::string_view bytes) {
  if (fd_ < 0) throw std::runtime_error("RawConnection: write on a closed connection");
  auto deadline = Clock::now() + timeout_;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EPIPE || errno == ECONNRESET) return false;
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw_errno("RawConnection: send");
    // The server is not reading; wait for room, but not forever.
    pollfd p{fd_, POLLOUT, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) throw_errno("RawConnection: poll");
    if (ready == 0) {
      throw std::runtime_error("RawConnection: timed out after " +
                               std::to_string(timeout_.count()) + " ms writing " +
                               std::to_string(bytes.size()) + " bytes (server not reading)");
    }
  }
  return true;
}

void RawConnection::write(std::string_view bytes) {
  if (!try_write(bytes)) {
    throw std::runtime_error("RawConnection: peer closed the connection while writing");
  }
}

bool RawConnection::write_slowly(std::string_view bytes, std::size_t chunk,
                                 std::chrono::milliseconds delay) {
  chunk = std::max<std::size_t>(chunk, 1);
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    // A write after the peer's FIN still succeeds locally, so look for the close first.
    if (is_closed_by_peer(std::chrono::milliseconds(0))) return false;
    if (!try_write(bytes.substr(at, chunk))) return false;
    if (at + chunk < bytes.size()) std::this_thread::sleep_for(delay);
  }
  return true;
}

void RawConnection::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool RawConnection::fill(Clock::time_point deadline) {
  if (fd_ < 0) eof_ = true;  // a moved-from connection reads as closed
  if (eof_) return true;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw_errno("RawConnection: poll");
    }
    if (ready == 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(n));
      return true;
    }
    if (n == 0 || errno == ECONNRESET) {
      eof_ = true;
      return true;
    }
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      throw_errno("RawConnection: recv");
    }
  }
}

std::string RawConnection::read_available(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  if (buffer_.empty()) fill(deadline);
  // Then take whatever else is already here, without waiting.
  std::size_t before;
  do {
    before = buffer_.size();
    fill(Clock::now());
  } while (buffer_.size() > before);
  return std::exchange(buffer_, std::string());
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_ && fill(deadline)) {
  }
  return std::exchange(buffer_, std::string());
}

bool RawConnection::is_closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline)) return false;
  }
  return true;
}

std::optional<HttpResponse> RawConnection::read_response_or_close(std::chrono::milliseconds timeout,
                                                                  bool head_request) {
  auto deadline = Clock::now() + timeout;
  ResponseParser parser(buffer_, [&] {
    for (;;) {
      if (eof_) return false;
      std::size_t before = buffer_.size();
      if (!fill(deadline)) {
        throw std::runtime_error(
            "timed out after " + std::to_string(timeout.count()) +
            " ms waiting for a response; received so far: " + preview(buffer_));
      }
      if (buffer_.size() > before) return true;
    }
  });
  std::optional<HttpResponse> response = parser.parse(head_request);
  buffer_.erase(0, parser.pos());
  return response;
}

HttpResponse RawConnection::read_response(std::chrono::milliseconds timeout, bool head_request) {
  std::optional<HttpResponse> response = read_response_or_close(timeout, head_request);
  if (!response) {
    throw std::runtime_error("RawConnection: peer closed the connection without a response");
  }
  return std::move(*response);
}

// ---------------------------------------------------------------------------------------------
// HttpClient

HttpClient::HttpClient(uint16_t port, std::string host) : port_(port), host_(std::move(host)) {}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&& other) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&& other) noexcept = default;

void HttpClient::close() {
  connection_.reset();
  exchanges_on_connection_ = 0;
}

std::string HttpClient::build_request(const std::string& method, const std::string& target,
                                      const std::string& body, const Headers& headers) const {
  std::string out = method + " " + target + " HTTP/1.1\r\n";
  if (!has_header(headers, "host")) {
    bool ipv6 = host_.find(':') != std::string::npos;
    out += "Host: " + (ipv6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_) + "\r\n";
  }
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() && !has_header(headers, "content-type")) {
    out += "content-type: application/json\r\n";
  }
  bool wants_length = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (wants_length && !has_header(headers, "content-length") &&
      !has_header(headers, "transfer-encoding")) {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  out += "\r\n";
  out += body;
  return out;
}

HttpResponse HttpClient::request(std::string method, std::string target, std::string body,
                                 Headers headers) {
  const std::string context =
      "HttpClient: " + method + " " + target + " on " + host_ + ":" + std::to_string(port_) + ": ";
  const std::string wire = build_request(method, target, body, headers);
  const bool head = method == "HEAD";

  for (int attempt = 0;; ++attempt) {
    if (connection_) {
      // The server may have closed the idle connection since the last exchange.
      bool closed = connection_->is_closed_by_peer(std::chrono::milliseconds(0));
      std::string stray = connection_->read_available(std::chrono::milliseconds(0));
      if (!stray.empty()) {
        std::vector<HttpResponse> parsed;
        try {
          parsed = parse_responses(stray);
        } catch (const std::exception&) {
        }
        // A 408 before closing an idle connection is legitimate; anything else is a bug.
        if (parsed.size() != 1 || parsed[0].status != 408) {
          close();
          throw std::runtime_error(
              context + "unsolicited bytes after the previous response: " + preview(stray));
        }
        closed = true;
      }
      if (closed) close();
    }
    if (!connection_) {
      try {
        connection_.emplace(port_, host_, timeout_);
      } catch (const std::exception& e) {
        throw std::runtime_error(context + e.what());
      }
      ++connections_opened_;
    }
    const bool reused = exchanges_on_connection_ > 0;

    std::optional<HttpResponse> response;
    try {
      if (connection_->try_write(wire)) {
        // Skip interim responses (100 Continue, 103 Early Hints); 101 is final.
        do {
          response = connection_->read_response_or_close(timeout_, head);
        } while (response && response->status >= 100 && response->status < 200 &&
                 response->status != 101);
      }
    } catch (const std::exception& e) {
      close();
      throw std::runtime_error(context + e.what());
    }
    if (!response) {
      close();
      // The server closed a reused connection just as we sent: retry once on a fresh one.
      if (reused && attempt == 0) continue;
      throw std::runtime_error(context + "server closed the connection without responding");
    }

    last_reused_ = reused;
    ++exchanges_on_connection_;
    auto connection = response->header("connection");
    bool keep_alive = response->version == "HTTP/1.1"
                          ? !(connection && has_token(*connection, "close"))
                          : (connection && has_token(*connection, "keep-alive"));
    if (!keep_alive || response->status == 101 ||
        connection_->is_closed_by_peer(std::chrono::milliseconds(0))) {
      close();
    }
    return std::move(*response);
  }
}

HttpResponse HttpClient::get(std::string target, Headers headers) {
  return request("GET", std::move(target), "", std::move(headers));
}
HttpResponse HttpClient::head(std::string target, Headers headers) {
  return request("HEAD", std::move(target), "", std::move(headers));
}
HttpResponse HttpClient::options(std::string target, Headers headers) {
  return request("OPTIONS", std::move(target), "", std::move(headers));
}
HttpResponse HttpClient::del(std::string target, Headers headers) {
  return request("DELETE", std::move(target), "", std::move(headers));
}
HttpResponse HttpClient::post(std::string target, std::string body, Headers headers) {
  return request("POST", std::move(target), std::move(body), std::move(headers));
}
HttpResponse HttpClient::put(std::string target, std::string body, Headers headers) {
  return request("PUT", std::move(target), std::move(body), std::move(headers));
}
HttpResponse HttpClient::patch(std::string target, std::string body, Headers headers) {
  return request("PATCH", std::move(target), std::move(body), std::move(headers));
}
HttpResponse HttpClient::post_json(std::string target, const nlohmann::json& body,
                                   Headers headers) {
  return request("POST", std::move(target), body.dump(), std::move(headers));
}
HttpResponse HttpClient::put_json(std::string target, const nlohmann::json& body, Headers headers) {
  return request("PUT", std::move(target), body.dump(), std::move(headers));
}
HttpResponse HttpClient::patch_json(std::string target, const nlohmann::json& body,
                                    Headers headers) {
  return request("PATCH", std::move(target), body.dump(), std::move(headers));
}

std::string HttpClient::send_raw(std::string_view bytes, std::chrono::milliseconds wait) {
  RawConnection connection(port_, host_, timeout_);
  try {
    connection.try_write(bytes);
  } catch (const std::exception&) {
    // The server may stop reading hostile input; what it answered is still of interest.
  }
  return connection.read_until_close(wait);
}

std::vector<HttpResponse> HttpClient::parse_responses(std::string_view raw,
                                                      const std::vector<std::string>& methods) {
  std::string buf(raw);
  ResponseParser parser(buf, [] { return false; });
  std::vector<HttpResponse> responses;
  std::size_t final_responses = 0;  // interim 1xx replies do not use up a request
  for (;;) {
    bool head = final_responses < methods.size() && methods[final_responses] == "HEAD";
    std::optional<HttpResponse> response = parser.parse(head);
    if (!response) break;
    if (response->status < 100 || response->status >= 200 || response->status == 101) {
      ++final_responses;
    }
    responses.push_back(std::move(*response));
  }
  return responses;
}

}  // namespace apiserver::test
