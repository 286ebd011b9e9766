#include "pipeline/prefer.hpp"

#include <cctype>

namespace apiserver::pipeline {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Splits on `separator` outside double quotes.
template <typename Visit>
void split_unquoted(const std::string& text, char separator, Visit&& visit) {
  std::string part;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == separator && !quoted) {
      visit(part);
      part.clear();
    } else {
      part += c;
    }
  }
  visit(part);
}

}  // namespace

Preferences read_preferences(const http::Request& request) {
  Preferences out;
  for (const auto& [name, value] : request.headers) {
    if (name != "prefer") continue;
    split_unquoted(value, ',', [&](const std::string& preference) {
      // Parameters after ';' refine a preference; none matter here.
      std::string head = preference.substr(0, preference.find(';'));
      size_t eq = head.find('=');
      std::string key = lower(trim(head.substr(0, eq)));
      std::string val = eq == std::string::npos ? "" : trim(head.substr(eq + 1));
      if (val.size() >= 2 && val.front() == '"' && val.back() == '"')
        val = val.substr(1, val.size() - 2);
      if (key == "code" && !val.empty()) out.code = val;
      if (key == "example" && !val.empty()) out.example = val;
      if (key == "dynamic") out.dynamic = lower(val) == "true";
      if (key == "count") out.count_exact = lower(val) == "exact";
    });
  }
  return out;
}

}  // namespace apiserver::pipeline
