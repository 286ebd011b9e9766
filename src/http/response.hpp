// An HTTP response before serialization, and the one function that writes it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::http {

class EventLoop;
class LaterAnswer;

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Send this much later (mock delays); the connection's later responses wait behind it.
  std::chrono::milliseconds delay{0};
  // Set by the server for handle(): the event loop handling the request (null elsewhere).
  EventLoop* loop = nullptr;
  // Set when handle() took the answer to send later (answer_later.hpp): this response is
  // then not sent, the later one is.
  std::shared_ptr<LaterAnswer> later;
  // The head of a streamed answer (LaterAnswer::send): the body follows in pieces.
  bool stream = false;
  // An answer to HEAD whose body is not at hand (an upstream's): the length GET's would have.
  std::optional<uint64_t> head_length;

  void add_header(std::string name, std::string value) {
    reserve_headers();
    headers.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every header of that name (case-insensitive), or adds it.
  void set_header(std::string name, std::string value);
  // The value of the first header of that name (case-insensitive; not Content-Type, which is
  // content_type), or null.
  const std::string* header(std::string_view name) const;

 private:
  // Room for the headers most answers carry (ETag, Location, X-Request-Id and one more) in one
  // allocation, rather than a vector growing by one, two, four.
  static constexpr size_t kUsualHeaders = 4;
  void reserve_headers() {
    if (headers.empty()) headers.reserve(kUsualHeaders);
  }
};

// Standard reason phrase of `status` ("OK", "Not Found", ...).
const char* reason_phrase(int status);

// Appends the wire form of `response` to `out`. `omit_body` is for HEAD: the
// headers, including Content-Length, describe the body that GET would send.
// `connection_header` is "close", "keep-alive" or empty.
void serialize_response(const Response& response, bool omit_body, const char* connection_header,
                        std::string& out);

// Appends the head of a streamed answer: its body, which follows, is framed in chunks when
// `chunked` (an HTTP/1.1 client), else ends when the connection closes.
void serialize_stream_head(const Response& response, bool chunked, const char* connection_header,
                           std::string& out);

// Appends `piece` of a streamed body, framed as a chunk when `chunked`.
void append_stream_piece(std::string_view piece, bool chunked, std::string& out);

}  // namespace apiserver::http
