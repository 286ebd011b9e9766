#include "text/media_type.hpp"

#include <string_view>

#include "text/header_values.hpp"

namespace apiserver::text {

std::string normalize_media_type(const std::string& media_type) {
  // Trimmed as a view first, so that the result is the only string made (per request).
  std::string_view type(media_type);
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return ascii_lower(type);
}

bool is_json_media_type(const std::string& normalized) {
  size_t slash = normalized.find('/');
  if (slash == std::string::npos) return false;
  std::string_view subtype = std::string_view(normalized).substr(slash + 1);
  return subtype == "json" || (subtype.size() > 5 && subtype.substr(subtype.size() - 5) == "+json");
}

bool media_range_covers(const std::string& range, const std::string& type) {
  if (range == type || range == "*/*") return true;
  // "image/*" covers "image/png": the range up to and with its slash starts the type.
  return range.size() > 2 && range.compare(range.size() - 2, 2, "/*") == 0 &&
         type.compare(0, range.size() - 1, range, 0, range.size() - 1) == 0;
}

}  // namespace apiserver::text
