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
    std::string range =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    // A range with q=0 is a refusal.
    size_t q = range.find("q=");
    if (q != std::string::npos && std::strtod(range.c_str() + q + 2, nullptr) <= 0) continue;
    std::string type = compile::normalize_media_type(range);
    if (type == "*/*" || type == "application/*" || compile::is_json_media_type(type)) return true;
  }
  return false;
}

namespace {

struct Range {
  std::string type;  // "text/*", "*/*", "application/json"
  double q = 1;
};

std::vector<Range> parse_accept(const std::string& text) {
  std::vector<Range> ranges;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    Range range;
    range.type = compile::normalize_media_type(part);
    if (range.type.empty()) continue;
    size_t q = part.find("q=");
    if (q != std::string::npos) range.q = std::strtod(part.c_str() + q + 2, nullptr);
    ranges.push_back(range);
  }
  return ranges;
}

// How well `range` matches `type`: 3 exact, 2 "type/*", 1 "*/*", 0 not at all.
int specificity(const std::string& range, const std::string& type) {
  if (range == type) return 3;
  if (range == "*/*") return 1;
  size_t slash = range.find('/');
  if (slash != std::string::npos && range.compare(slash, std::string::npos, "/*") == 0 &&
      type.compare(0, slash + 1, range, 0, slash + 1) == 0)
    return 2;
  return 0;
}

}  // namespace

int pick_media_type(const std::string* accept, const std::vector<std::string>& media_types) {
  if (media_types.empty()) return -1;
  if (accept == nullptr || accept->empty()) return 0;
  std::vector<Range> ranges = parse_accept(*accept);
  int best = -1;
  double best_q = 0;
  for (size_t i = 0; i < media_types.size(); ++i) {
    // The most specific matching range decides the quality (RFC 9110 12.5.1).
    int most_specific = 0;
    double q = 0;
    for (const Range& r : ranges) {
      int s = specificity(r.type, media_types[i]);
      if (s > most_specific) {
        most_specific = s;
        q = r.q;
      }
    }
    if (most_specific > 0 && q > best_q) {
      best = static_cast<int>(i);
      best_q = q;
    }
  }
  return best;
}

}  // namespace apiserver::pipeline
