// Incremental HTTP/1.1 request parser (RFC 9112) for one connection.
//
// Pistache 0.0.5's own parser loses repeated query keys, does not answer
// pipelined requests, `Expect: 100-continue`, malformed request lines or bad
// Content-Length values properly, so the server parses requests itself and
// uses Pistache only for sockets and the event loop.
//
// The parser reads from the connection's input buffer, which only grows at the
// end until a request is complete; it keeps its position between calls, so a
// request delivered a byte at a time is scanned once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "http/request.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {

struct ParserLimits {
  size_t max_head_bytes = 16 * 1024;  // request line + header fields
  size_t max_header_count = 100;
  size_t max_body_bytes = 1024 * 1024;
};

enum class ParseStatus {
  kIncomplete,  // need more bytes
  kComplete,    // request() is whole; consumed() bytes of input belong to it
  kError,       // error() says why; the connection must close
};

class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits) : limits_(limits) {}

  // Continues parsing `input`, which starts at the first byte of this request
  // and holds at least the bytes seen by earlier calls.
  ParseStatus parse(std::string_view input);

  // True once the head is parsed and the client waits for "100 Continue"
  // before sending the body. Cleared by continue_sent().
  bool wants_continue() const { return wants_continue_; }
  void continue_sent() { wants_continue_ = false; }
  // True once the head has been parsed (the body may still be arriving).
  bool head_done() const { return stage_ != Stage::kHead; }

  Request& request() { return request_; }
  size_t consumed() const { return pos_; }
  // The problem that ended parsing (after kError); null otherwise. The server answers it through
  // the one error writer, like every other error.
  const Problem* error() const { return error_ ? &*error_ : nullptr; }

  // Prepares for the next request on the same connection.
  void reset();

 private:
  enum class Stage { kHead, kFixedBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kDone };

  // Record the error; `reject` returns false for the head-parsing steps,
  // `fail` returns kError for parse() itself.
  bool reject(ProblemCode code, std::string detail);
  ParseStatus fail(ProblemCode code, std::string detail) {
    reject(code, std::move(detail));
    return ParseStatus::kError;
  }
  bool parse_head(std::string_view head);
  bool parse_request_line(std::string_view line);
  bool parse_header_line(std::string_view line);
  bool decide_framing();
  ParseStatus parse_chunked(std::string_view input);

  ParserLimits limits_;
  Stage stage_ = Stage::kHead;
  size_t pos_ = 0;         // next unexamined byte of the input
  size_t head_start_ = 0;  // first byte of the request line (after stray CRLFs)
  size_t remaining_ = 0;   // body bytes still expected (fixed length or current chunk)
  bool wants_continue_ = false;
  Request request_;
  std::optional<Problem> error_;
};

}  // namespace apiserver::http
