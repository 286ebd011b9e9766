#include "pipeline/prefer.hpp"

#include "text/header_values.hpp"

namespace apiserver::pipeline {
Preferences read_preferences(const http::Request& request) {
  Preferences out;
  for (const auto& [name, value] : request.headers) {
    if (name != "prefer") continue;
    for (const std::string& preference : text::split_unquoted(value, ',')) {
      // Parameters after ';' refine a preference; none matter here.
      std::string head = text::split_unquoted(preference, ';').front();
      size_t eq = head.find('=');
      std::string key = text::ascii_lower(text::trim_blanks(head.substr(0, eq)));
      std::string val =
          eq == std::string::npos ? "" : text::unquote(text::trim_blanks(head.substr(eq + 1)));
      const std::string lower_val = text::ascii_lower(val);
      if (key == "code" && !val.empty()) out.code = val;
      if (key == "example" && !val.empty()) out.example = val;
      if (key == "dynamic") out.dynamic = lower_val == "true";
      if (key == "count") out.count_exact = lower_val == "exact";
      if (key == "return") out.return_minimal = lower_val == "minimal";
    }
  }
  return out;
}

}  // namespace apiserver::pipeline
