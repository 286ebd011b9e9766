#include "pipeline/content_negotiation.hpp"

#include <cstdlib>

#include "text/media_type.hpp"

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
    std::string type = text::normalize_media_type(range);
    if (type == "*/*" || type == "application/*" || text::is_json_media_type(type)) return true;
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
    range.type = text::normalize_media_type(part);
    if (range.type.empty()) continue;
    size_t q = part.find("q=");
    if (q != std::string::npos) range.q = std::strtod(part.c_str() + q + 2, nullptr);
    ranges.push_back(range);
  }
  return ranges;
}

bool is_range(const std::string& type) {
  return type.size() >= 2 && type.compare(type.size() - 2, 2, "/*") == 0;
}

// True when `range` (*/*, text/*, or a type) includes `type` (itself a type or a range).
bool covers(const std::string& range, const std::string& type) {
  if (range == type || range == "*/*") return true;
  size_t slash = range.find('/');
  return slash != std::string::npos && range.compare(slash, std::string::npos, "/*") == 0 &&
         type.compare(0, slash + 1, range, 0, slash + 1) == 0;
}

// The quality `ranges` give `type`: that of the most specific range covering it (RFC 9110
// 12.5.1); 0 when none does.
double quality(const std::vector<Range>& ranges, const std::string& type) {
  int most_specific = 0;
  double q = 0;
  for (const Range& r : ranges) {
    if (!covers(r.type, type)) continue;
    int specificity = r.type == type ? 3 : r.type == "*/*" ? 1 : 2;
    if (specificity > most_specific) {
      most_specific = specificity;
      q = r.q;
    }
  }
  return q;
}

}  // namespace

MediaPick negotiate_media_type(const std::string* accept,
                               const std::vector<std::string>& media_types) {
  MediaPick pick;
  if (media_types.empty()) return pick;
  if (accept == nullptr || accept->empty()) return {0, media_types.front()};
  std::vector<Range> ranges = parse_accept(*accept);
  double best_q = 0;
  for (size_t i = 0; i < media_types.size(); ++i) {
    const std::string& declared = media_types[i];
    // A declared range (image/*) also serves any narrower type the client names in it, so a
    // client asking for image/png gets image/png rather than a 406.
    std::vector<std::string> candidates = {declared};
    if (is_range(declared)) {
      for (const Range& r : ranges) {
        if (r.type != declared && covers(declared, r.type)) candidates.push_back(r.type);
      }
    }
    for (const std::string& candidate : candidates) {
      double q = quality(ranges, candidate);
      // Ties go to the earlier declared type, and within one to the more concrete candidate.
      bool narrower = pick.index == static_cast<int>(i) && is_range(pick.type) &&
                      !is_range(candidate) && covers(pick.type, candidate);
      if (q > best_q || (q > 0 && q == best_q && narrower)) {
        pick = {static_cast<int>(i), candidate};
        best_q = q;
      }
    }
  }
  return pick;
}

}  // namespace apiserver::pipeline
