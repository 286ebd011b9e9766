// Fuzz target: text::is_json_text, the allocation-free check of a stored JSON column's text,
// against nlohmann::json::accept as the oracle. They must agree on every input, except where
// the check is stricter on purpose: a NUL byte (nlohmann stops reading there) and a leading
// UTF-8 byte order mark (nlohmann skips it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "text/json_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool checked = apiserver::text::is_json_text(text);
  bool expected = nlohmann::json::accept(text);
  if (text.find('\0') != std::string_view::npos || text.substr(0, 3) == "\xEF\xBB\xBF")
    expected = false;
  if (checked != expected) {
    std::fprintf(stderr, "is_json_text says %d, nlohmann::json::accept %d\n", checked, expected);
    std::abort();
  }
  return 0;
}
