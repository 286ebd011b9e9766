#include "pipeline/content_negotiation.hpp"

#include <cstdlib>
#include <optional>

#include "text/header_values.hpp"
#include "text/media_type.hpp"

namespace apiserver::pipeline {

namespace {

struct Range {
  std::string type;  // "text/*", "*/*", "application/json"
  double q = 1;
};

// A qvalue (RFC 9110 12.4.2): "0" to "1" with at most three decimals; nullopt when malformed.
std::optional<double> read_qvalue(const std::string& text) {
  bool well_formed = !text.empty() && text.size() <= 5 && (text[0] == '0' || text[0] == '1') &&
                     (text.size() == 1 || text[1] == '.');
  for (size_t i = 2; well_formed && i < text.size(); ++i) {
    well_formed = text[i] >= '0' && text[i] <= '9' && (text[0] == '0' || text[i] == '0');
  }
  if (!well_formed) return std::nullopt;
  return std::strtod(text.c_str(), nullptr);
}

// The ranges of an Accept field. Parameters are read as such (a quoted value may hold ',' or
// ';'); an element whose q is malformed is dropped rather than guessed.
std::vector<Range> parse_accept(const std::string& text) {
  std::vector<Range> ranges;
  for (const std::string& element : text::split_unquoted(text, ',')) {
    std::vector<std::string> parts = text::split_unquoted(element, ';');
    Range range;
    range.type = text::normalize_media_type(parts.front());
    if (range.type.empty()) continue;
    bool malformed = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      size_t eq = parts[i].find('=');
      if (eq == std::string::npos ||
          text::ascii_lower(text::trim_blanks(parts[i].substr(0, eq))) != "q")
        continue;
      std::optional<double> q = read_qvalue(text::trim_blanks(parts[i].substr(eq + 1)));
      malformed = !q.has_value();
      if (q) range.q = *q;
      break;  // what follows q is accept-ext, not media type parameters
    }
    if (!malformed) ranges.push_back(range);
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

bool accepts_json(const std::string* accept) {
  if (accept == nullptr || accept->empty()) return true;
  std::vector<Range> ranges = parse_accept(*accept);
  // application/json by the most specific range naming it, or a +json type asked for by name.
  if (quality(ranges, "application/json") > 0) return true;
  for (const Range& range : ranges) {
    if (range.q > 0 && !is_range(range.type) && text::is_json_media_type(range.type)) return true;
  }
  return false;
}

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
