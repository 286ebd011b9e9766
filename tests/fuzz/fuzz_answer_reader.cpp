// Fuzz target: the reader of upstream answers (src/gateway/answer_reader). The input is what an
// upstream sends on a connection, which then ends. It is read twice: whole, and in pieces whose
// sizes the input's first byte chooses (the second byte: whether the request was a HEAD). Both
// must end the same way: failed, or done with the same status, fields, body and keep-alive.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "gateway/answer_reader.hpp"

namespace {

using apiserver::gateway::AnswerReader;

// What became of the answer in `stream`, as one string to compare.
std::string read_stream(std::string_view stream, size_t piece, bool to_head) {
  AnswerReader reader(to_head);
  std::string buffer;  // the connection's input: grows at the end, loses what the reader takes
  std::string outcome;
  size_t delivered = 0;
  while (!reader.done() && !reader.failed()) {
    if (delivered == stream.size()) {
      reader.read_end();
      break;
    }
    const size_t next = std::min(stream.size() - delivered, piece);
    buffer.append(stream.substr(delivered, next));
    delivered += next;
    for (;;) {
      const size_t taken = reader.read(buffer);
      if (taken > buffer.size()) {
        std::fprintf(stderr, "took %zu of %zu bytes\n", taken, buffer.size());
        std::abort();
      }
      buffer.erase(0, taken);
      if (reader.head_in() && outcome.empty()) {
        outcome = "status " + std::to_string(reader.status()) + "\n";
        for (const auto& [name, value] : reader.take_fields())
          outcome += name + ": " + value + "\n";
      }
      outcome += reader.take_body();
      if (taken == 0 || reader.done() || reader.failed()) break;
    }
  }
  outcome += reader.take_body();
  if (reader.failed()) return "failed";
  return outcome + (reader.keep_alive() ? "\nkeep-alive" : "\nclose");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t piece = 1 + data[0] % 16;
  const bool to_head = data[1] % 2 == 1;
  const std::string_view stream = apiserver::fuzz::as_text(data + 2, size - 2);
  const std::string whole = read_stream(stream, stream.size() + 1, to_head);
  const std::string pieces = read_stream(stream, piece, to_head);
  if (whole != pieces) {
    std::fprintf(stderr, "whole:\n%s\nin pieces of %zu:\n%s\n", whole.c_str(), piece,
                 pieces.c_str());
    std::abort();
  }
  return 0;
}
