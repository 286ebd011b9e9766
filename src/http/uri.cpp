#include "http/uri.hpp"

#include "text/percent_encoding.hpp"

namespace apiserver::http {

using text::percent_decode;

bool parse_query(std::string_view raw, QueryParams& out) {
  out.clear();
  std::string name;
  std::string value;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (!percent_decode(pair.substr(0, eq), name, true)) return false;
    if (eq == std::string_view::npos) {
      value.clear();
    } else if (!percent_decode(pair.substr(eq + 1), value, true)) {
      return false;
    }
    out.emplace_back(name, value);
  }
  return true;
}

}  // namespace apiserver::http
