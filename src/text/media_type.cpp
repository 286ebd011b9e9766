#include "text/media_type.hpp"

#include <algorithm>
#include <cctype>

namespace apiserver::text {

std::string normalize_media_type(const std::string& media_type) {
  std::string out = media_type.substr(0, media_type.find(';'));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  size_t start = out.find_first_not_of(" \t");
  out = start == std::string::npos ? std::string() : out.substr(start);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_json_media_type(const std::string& normalized) {
  size_t slash = normalized.find('/');
  if (slash == std::string::npos) return false;
  std::string subtype = normalized.substr(slash + 1);
  return subtype == "json" ||
         (subtype.size() > 5 && subtype.compare(subtype.size() - 5, 5, "+json") == 0);
}

bool media_range_covers(const std::string& range, const std::string& type) {
  if (range == type || range == "*/*") return true;
  // "image/*" covers "image/png": the range up to and with its slash starts the type.
  return range.size() > 2 && range.compare(range.size() - 2, 2, "/*") == 0 &&
         type.compare(0, range.size() - 1, range, 0, range.size() - 1) == 0;
}

}  // namespace apiserver::text
