// The incremental HTTP/1.1 request parser (see request_parser.hpp). A little over 400 lines:
// it is one state machine (head, fixed body, chunked body, trailer) whose framing rules and
// limits are easier to check against RFC 9112 side by side than split across files.
#include "http/request_parser.hpp"

#include <algorithm>
#include <cctype>

#include "text/header_values.hpp"

namespace apiserver::http {
namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True if the comma-separated list `value` holds `token` (case-insensitive).
bool list_contains(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trim_ows(value.substr(0, comma));
    if (text::ascii_iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// Strict decimal: digits only, at most 18 of them so it cannot overflow.
bool parse_content_length(std::string_view s, size_t& out) {
  s = trim_ows(s);
  if (s.empty() || s.size() > 18) return false;
  size_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  out = value;
  return true;
}

// Longest chunk-size line (size and extensions) accepted.
constexpr size_t kMaxChunkSizeLine = 1024;

// One message for every trailer bound (a line, or all that is held): which bound is hit first
// depends on how the bytes arrived, and the answer must not (found by fuzzing).
constexpr const char* kTrailerTooLarge = "the trailer fields are too large";

// The input of a connection is kept until its request is whole, so what it holds of a request
// besides the body (empty lines before it, the head, chunk-size lines, trailer fields: the
// first `held` bytes hold `body_bytes` of body) is bounded too. Else tiny chunks with long
// extensions, or endless trailer fields, would fill memory until the body timeout.
bool framing_within(size_t held, size_t body_bytes, const ParserLimits& limits) {
  return held - body_bytes <= limits.max_head_bytes + limits.max_body_bytes;
}

// Finds the next line in `input` from `from`; returns the index of its '\n' or npos.
size_t find_newline(std::string_view input, size_t from) {
  return input.find('\n', from);
}

// The line [begin, newline) without a trailing '\r'.
std::string_view line_at(std::string_view input, size_t begin, size_t newline) {
  std::string_view line = input.substr(begin, newline - begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

constexpr size_t kUsualHeaderCount = 8;

}  // namespace

void RequestParser::reset() {
  stage_ = Stage::kHead;
  pos_ = 0;
  head_start_ = 0;
  remaining_ = 0;
  wants_continue_ = false;
  request_ = Request{};
  // Most requests have a handful of header fields: one allocation, not one per doubling.
  request_.headers.reserve(kUsualHeaderCount);
  error_.reset();
}

bool RequestParser::reject(ProblemCode code, std::string detail) {
  error_ = Problem::make(code, std::move(detail));
  return false;
}

ParseStatus RequestParser::parse(std::string_view input) {
  if (stage_ == Stage::kHead) {
    // RFC 9112 2.2: ignore empty lines before the request line.
    if (pos_ == head_start_) {
      while (head_start_ < input.size() &&
             (input[head_start_] == '\r' || input[head_start_] == '\n'))
        ++head_start_;
      pos_ = head_start_;
      // They are kept in the input until the request is whole: a flood of them is refused.
      if (head_start_ > limits_.max_head_bytes)
        return fail(ProblemCode::kBadRequest, "more than " +
                                                  std::to_string(limits_.max_head_bytes) +
                                                  " bytes of empty lines before the request line");
    }
    // Look for the empty line that ends the head, resuming where the last call stopped.
    size_t body_start = std::string_view::npos;
    size_t scan = pos_;
    while (true) {
      size_t nl = find_newline(input, scan);
      if (nl == std::string_view::npos) break;
      size_t next = nl + 1;
      if (next < input.size() && input[next] == '\n') {
        body_start = next + 1;
        break;
      }
      if (next + 1 < input.size() && input[next] == '\r' && input[next + 1] == '\n') {
        body_start = next + 2;
        break;
      }
      if (next >= input.size() || (input[next] == '\r' && next + 1 >= input.size())) {
        scan = nl;  // cannot tell yet whether the following line is empty
        break;
      }
      scan = next;
    }
    if (body_start == std::string_view::npos) {
      pos_ = std::max(pos_, scan);
      if (input.size() - head_start_ > limits_.max_head_bytes)
        return fail(ProblemCode::kHeadersTooLarge, "the request line and header fields exceed " +
                                                       std::to_string(limits_.max_head_bytes) +
                                                       " bytes");
      return ParseStatus::kIncomplete;
    }
    if (body_start - head_start_ > limits_.max_head_bytes)
      return fail(ProblemCode::kHeadersTooLarge, "the request line and header fields exceed " +
                                                     std::to_string(limits_.max_head_bytes) +
                                                     " bytes");
    if (!parse_head(input.substr(head_start_, body_start - head_start_)))
      return ParseStatus::kError;
    pos_ = body_start;
    if (!decide_framing()) return ParseStatus::kError;
  }

  switch (stage_) {
    case Stage::kFixedBody:
      if (input.size() - pos_ < remaining_) return ParseStatus::kIncomplete;
      request_.body.assign(input.substr(pos_, remaining_));
      pos_ += remaining_;
      remaining_ = 0;
      stage_ = Stage::kDone;
      return ParseStatus::kComplete;
    case Stage::kDone:
      return ParseStatus::kComplete;
    default:
      return parse_chunked(input);
  }
}

bool RequestParser::parse_head(std::string_view head) {
  size_t nl = find_newline(head, 0);
  if (!parse_request_line(line_at(head, 0, nl))) return false;
  size_t begin = nl + 1;
  while (begin < head.size()) {
    nl = find_newline(head, begin);
    std::string_view line = line_at(head, begin, nl);
    begin = nl + 1;
    if (line.empty()) break;  // the blank line that ends the head
    if (!parse_header_line(line)) return false;
  }
  return true;
}

bool RequestParser::parse_request_line(std::string_view line) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return reject(ProblemCode::kBadRequest, "the request line is not 'METHOD target HTTP/1.1'");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!text::is_token(method) || method.size() > 32)
    return reject(ProblemCode::kBadRequest, "the request method is not a valid token");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) ||
      !std::isdigit(static_cast<unsigned char>(version[7])))
    return reject(ProblemCode::kBadRequest, "the request line does not end with an HTTP version");
  if (version[5] != '1')
    return reject(ProblemCode::kHttpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served");
  if (target.empty()) return reject(ProblemCode::kBadRequest, "the request target is empty");
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return reject(ProblemCode::kBadRequest, "the request target holds a control character");
  }
  // Absolute-form (RFC 9112 3.2.2) is accepted and reduced to its path and query.
  std::string absolute_without_path;
  if (target.front() != '/' && target != "*") {
    size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos)
      return reject(ProblemCode::kBadRequest, "the request target is not a path");
    size_t path_start = target.find_first_of("/?", scheme_end + 3);
    if (path_start == std::string_view::npos) {
      target = "/";
    } else if (target[path_start] == '?') {
      absolute_without_path = std::string("/") + std::string(target.substr(path_start));
      target = absolute_without_path;
    } else {
      target = target.substr(path_start);
    }
  }
  request_.method.assign(method);
  request_.target.assign(target);
  request_.version_minor = version[7] - '0';
  size_t q = target.find('?');
  size_t hash = target.find('#');  // a fragment is never sent, but tolerate it
  std::string_view path = target.substr(0, std::min(q, hash));
  request_.path.assign(path);
  if (q != std::string_view::npos)
    request_.query.assign(target.substr(
        q + 1, hash == std::string_view::npos ? std::string_view::npos : hash - q - 1));
  return true;
}

bool RequestParser::parse_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t')
    return reject(ProblemCode::kBadRequest,
                  "obsolete line folding in header fields is not accepted");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return reject(ProblemCode::kBadRequest, "a header line has no ':'");
  std::string_view name = line.substr(0, colon);
  if (!text::is_token(name))
    return reject(ProblemCode::kBadRequest, "a header field name is not a valid token");
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f)
      return reject(ProblemCode::kBadRequest, "a header field value holds a control character");
  }
  if (request_.headers.size() >= limits_.max_header_count)
    return reject(ProblemCode::kHeadersTooLarge,
                  "more than " + std::to_string(limits_.max_header_count) + " header fields");
  request_.headers.emplace_back(text::ascii_lower(name), std::string(value));
  return true;
}

bool RequestParser::decide_framing() {
  const std::string* transfer_encoding = nullptr;
  bool has_length = false;
  size_t length = 0;
  bool has_host = false;
  for (const auto& [field_name, value] : request_.headers) {
    // As a view: compared with literals without measuring them at run time.
    std::string_view name = field_name;
    if (name == "content-length") {
      // "5, 5" and repeated fields are allowed only when every value agrees.
      std::string_view rest = value;
      while (true) {
        size_t comma = rest.find(',');
        size_t one = 0;
        if (!parse_content_length(rest.substr(0, comma), one))
          return reject(ProblemCode::kBadRequest,
                        "Content-Length is not a non-negative decimal number");
        if (has_length && one != length)
          return reject(ProblemCode::kBadRequest, "conflicting Content-Length values");
        has_length = true;
        length = one;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (name == "transfer-encoding") {
      if (transfer_encoding != nullptr)
        return reject(ProblemCode::kBadRequest, "repeated Transfer-Encoding fields");
      transfer_encoding = &value;
    } else if (name == "host") {
      // RFC 9112 3.2: two Host fields are a 400 (a proxy in front could have believed the
      // other one).
      if (has_host) return reject(ProblemCode::kBadRequest, "more than one Host header field");
      has_host = true;
    } else if (name == "expect") {
      if (!list_contains(value, "100-continue"))
        return reject(ProblemCode::kExpectationFailed, "only 'Expect: 100-continue' is supported");
      wants_continue_ = true;
    }
  }
  if (request_.version_minor == 1 && !has_host)
    return reject(ProblemCode::kBadRequest, "an HTTP/1.1 request must have a Host header");
  if (transfer_encoding != nullptr) {
    // A message with both framings is a request-smuggling vector (RFC 9112 6.3).
    if (has_length)
      return reject(ProblemCode::kBadRequest,
                    "both Transfer-Encoding and Content-Length are present");
    if (request_.version_minor == 0)
      return reject(ProblemCode::kBadRequest, "Transfer-Encoding is not defined for HTTP/1.0");
    if (text::ascii_lower(trim_ows(*transfer_encoding)) != "chunked")
      return reject(ProblemCode::kNotImplemented,
                    "only the 'chunked' transfer coding is supported");
    stage_ = Stage::kChunkSize;
    return true;
  }
  if (length > limits_.max_body_bytes)
    return reject(ProblemCode::kPayloadTooLarge, "the body has " + std::to_string(length) +
                                                     " bytes; the limit is " +
                                                     std::to_string(limits_.max_body_bytes));
  if (length == 0) {
    wants_continue_ = false;
    stage_ = Stage::kDone;
    return true;
  }
  remaining_ = length;
  stage_ = Stage::kFixedBody;
  return true;
}

ParseStatus RequestParser::parse_chunked(std::string_view input) {
  while (true) {
    switch (stage_) {
      case Stage::kChunkSize: {
        size_t nl = find_newline(input, pos_);
        if (nl == std::string_view::npos) {
          if (input.size() - pos_ > kMaxChunkSizeLine)
            return fail(ProblemCode::kBadRequest, "a chunk-size line is too long");
          return ParseStatus::kIncomplete;
        }
        if (nl - pos_ > kMaxChunkSizeLine)
          return fail(ProblemCode::kBadRequest, "a chunk-size line is too long");
        if (!framing_within(nl + 1, request_.body.size(), limits_))
          return fail(ProblemCode::kPayloadTooLarge,
                      "the chunk sizes and extensions of the body are too long");
        std::string_view line = line_at(input, pos_, nl);
        line = line.substr(0, line.find(';'));  // chunk extensions are ignored
        line = trim_ows(line);
        if (line.empty() || line.size() > 15)
          return fail(ProblemCode::kBadRequest, "a chunk size is not valid hex");
        size_t size = 0;
        for (char c : line) {
          int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                  : -1;
          if (digit < 0) return fail(ProblemCode::kBadRequest, "a chunk size is not valid hex");
          size = size * 16 + static_cast<size_t>(digit);
        }
        pos_ = nl + 1;
        if (size == 0) {
          stage_ = Stage::kTrailer;
          break;
        }
        if (request_.body.size() + size > limits_.max_body_bytes)
          return fail(ProblemCode::kPayloadTooLarge, "the chunked body exceeds the limit of " +
                                                         std::to_string(limits_.max_body_bytes) +
                                                         " bytes");
        remaining_ = size;
        stage_ = Stage::kChunkData;
        break;
      }
      case Stage::kChunkData: {
        size_t take = std::min(remaining_, input.size() - pos_);
        request_.body.append(input.substr(pos_, take));
        pos_ += take;
        remaining_ -= take;
        if (remaining_ > 0) return ParseStatus::kIncomplete;
        stage_ = Stage::kChunkDataEnd;
        break;
      }
      case Stage::kChunkDataEnd: {
        if (input.size() - pos_ < 1) return ParseStatus::kIncomplete;
        if (input[pos_] == '\n') {
          pos_ += 1;
        } else if (input[pos_] == '\r') {
          if (input.size() - pos_ < 2) return ParseStatus::kIncomplete;
          if (input[pos_ + 1] != '\n')
            return fail(ProblemCode::kBadRequest, "a chunk is not followed by CRLF");
          pos_ += 2;
        } else {
          return fail(ProblemCode::kBadRequest, "a chunk is longer than its declared size");
        }
        stage_ = Stage::kChunkSize;
        break;
      }
      case Stage::kTrailer: {
        // Trailer fields are read and dropped, up to the empty line.
        size_t nl = find_newline(input, pos_);
        if (!framing_within(nl == std::string_view::npos ? input.size() : nl + 1,
                            request_.body.size(), limits_))
          return fail(ProblemCode::kHeadersTooLarge, kTrailerTooLarge);
        if (nl == std::string_view::npos) {
          if (input.size() - pos_ > limits_.max_head_bytes)
            return fail(ProblemCode::kHeadersTooLarge, kTrailerTooLarge);
          return ParseStatus::kIncomplete;
        }
        // The same bound whether the line arrived whole or in pieces (found by fuzzing).
        if (nl - pos_ > limits_.max_head_bytes)
          return fail(ProblemCode::kHeadersTooLarge, kTrailerTooLarge);
        std::string_view line = line_at(input, pos_, nl);
        pos_ = nl + 1;
        if (line.empty()) {
          stage_ = Stage::kDone;
          return ParseStatus::kComplete;
        }
        break;
      }
      default:
        return ParseStatus::kComplete;
    }
  }
}

}  // namespace apiserver::http
