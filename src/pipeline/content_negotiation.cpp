#include "pipeline/content_negotiation.hpp"

#include <cstdlib>

#include "compile/operation_compiler.hpp"

namespace apiserver::pipeline {

bool accepts_json(const std::string* accept) {
  if (accept == nullptr || accept->empty()) return true;
  size_t start = 0;
  const std::string& text = *accept;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string range = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    // A range with q=0 is a refusal.
    size_t q = range.find("q=");
    if (q != std::string::npos && std::strtod(range.c_str() + q + 2, nullptr) <= 0) continue;
    std::string type = compile::normalize_media_type(range);
    if (type == "*/*" || type == "application/*" || compile::is_json_media_type(type)) return true;
  }
  return false;
}

}  // namespace apiserver::pipeline
