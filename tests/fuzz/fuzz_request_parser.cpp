// Fuzz target: the HTTP/1.1 request parser (src/http/request_parser). The input is a byte
// stream from a client, possibly several pipelined requests. It is parsed twice: whole, and
// delivered in pieces whose sizes the input's first byte chooses (the parser keeps its place
// between calls). Both must end the same way, request for request; a difference aborts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "http/request_parser.hpp"

namespace {

using apiserver::Problem;
using apiserver::http::ParserLimits;
using apiserver::http::ParseStatus;
using apiserver::http::RequestParser;

// Small limits, so that the fuzzer reaches them with short inputs.
ParserLimits small_limits() {
  ParserLimits limits;
  limits.max_head_bytes = 512;
  limits.max_header_count = 8;
  limits.max_body_bytes = 256;
  return limits;
}

// What became of every request of `stream`, as one string to compare.
std::string parse_stream(std::string_view stream, size_t piece) {
  RequestParser parser(small_limits());
  std::string outcome;
  std::string buffer;  // the connection's input buffer: grows at the end, loses whole requests
  size_t delivered = 0;
  while (true) {
    if (delivered < stream.size()) {
      const size_t next = std::min(stream.size() - delivered, piece);
      buffer.append(stream.substr(delivered, next));
      delivered += next;
    }
    ParseStatus status = parser.parse(buffer);
    if (status == ParseStatus::kIncomplete) {
      if (delivered == stream.size()) return outcome + "incomplete\n";
      continue;
    }
    if (status == ParseStatus::kError) {
      const Problem* problem = parser.error();
      return outcome + "error " + std::to_string(problem->status()) + " " + problem->detail + "\n";
    }
    const auto& request = parser.request();
    outcome += request.method + " " + request.target + " [" + request.path + "] [" + request.query +
               "] 1." + std::to_string(request.version_minor) + "\n";
    for (const auto& [name, value] : request.headers) outcome += name + ": " + value + "\n";
    outcome += "body " + std::to_string(request.body.size()) + " " + request.body + "\n";
    if (parser.consumed() == 0 || parser.consumed() > buffer.size()) {
      std::fprintf(stderr, "consumed %zu of %zu bytes\n", parser.consumed(), buffer.size());
      std::abort();
    }
    buffer.erase(0, parser.consumed());
    parser.reset();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 16;
  const std::string_view stream = apiserver::fuzz::as_text(data + 1, size - 1);
  const std::string whole = parse_stream(stream, stream.size() + 1);
  const std::string pieces = parse_stream(stream, piece);
  if (whole != pieces) {
    std::fprintf(stderr, "whole:\n%s\nin pieces of %zu:\n%s\n", whole.c_str(), piece,
                 pieces.c_str());
    std::abort();
  }
  return 0;
}
