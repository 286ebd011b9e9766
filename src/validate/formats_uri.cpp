// The `format` checkers for URIs and URI references (RFC 3986), IRIs (RFC 3987) and URI
// templates (RFC 6570).
#include "text/utf8.hpp"
#include "validate/formats_checks.hpp"

namespace apiserver::validate::format_checks {
namespace {

// ucschar and iprivate of RFC 3987 section 2.2: the non-ASCII code points IRIs may hold.
bool is_ucschar(char32_t cp) {
  if (cp < 0x10000) {
    return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
           (cp >= 0xFDF0 && cp <= 0xFFEF);
  }
  const char32_t plane = cp >> 16;
  const char32_t low = cp & 0xFFFF;
  return low <= 0xFFFD && (plane <= 13 || (plane == 14 && low >= 0x1000));
}
bool is_iprivate(char32_t cp) {
  return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && (cp & 0xFFFF) <= 0xFFFD);
}

bool is_unreserved(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return string_view("!$&'()*+,;=").find(c) != npos;
}

// The component grammars differ only in which ASCII delimiters they admit.
enum class Part { kRegName, kUserInfo, kPath, kQuery, kFragment };

bool ascii_allowed(char c, Part part) {
  if (is_unreserved(c) || is_sub_delim(c)) return true;
  switch (part) {
    case Part::kRegName:
      return false;
    case Part::kUserInfo:
      return c == ':';
    case Part::kPath:
      return c == ':' || c == '@' || c == '/';
    case Part::kQuery:
    case Part::kFragment:
      return c == ':' || c == '@' || c == '/' || c == '?';
  }
  return false;
}

// True when all of `s` is characters of `part`, percent-encodings and, for IRIs, ucschar
// (iprivate too in a query).
bool all_in_part(string_view s, Part part, bool iri) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '%') {
      if (!is_pct_encoded_at(s, i)) return false;
      i += 3;
    } else if (static_cast<unsigned char>(c) < 0x80) {
      if (!ascii_allowed(c, part)) return false;
      ++i;
    } else {
      char32_t cp;
      if (!iri || !text::next_code_point(s, i, cp)) return false;
      if (!is_ucschar(cp) && !(part == Part::kQuery && is_iprivate(cp))) return false;
    }
  }
  return true;
}

// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
bool is_ipv_future(string_view s) {
  if (s.empty() || (s[0] != 'v' && s[0] != 'V')) return false;
  size_t i = 1;
  while (i < s.size() && is_hex(s[i])) ++i;
  if (i == 1 || i >= s.size() || s[i] != '.' || i + 1 == s.size()) return false;
  for (++i; i < s.size(); ++i) {
    if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':') return false;
  }
  return true;
}

// authority = [ userinfo "@" ] host [ ":" port ]
bool is_authority(string_view a, bool iri) {
  const size_t at = a.find('@');
  if (at != npos) {
    if (!all_in_part(a.substr(0, at), Part::kUserInfo, iri)) return false;
    a.remove_prefix(at + 1);
  }
  string_view port;
  if (!a.empty() && a[0] == '[') {
    const size_t close = a.find(']');
    if (close == npos) return false;
    const string_view literal = a.substr(1, close - 1);
    if (!is_ipv6(literal) && !is_ipv_future(literal)) return false;
    a.remove_prefix(close + 1);
    if (!a.empty()) {
      if (a[0] != ':') return false;
      port = a.substr(1);
    }
  } else {
    // An IPv4 address is also a reg-name, so out-of-range octets are not an error here.
    const size_t colon = a.find(':');
    if (!all_in_part(a.substr(0, colon), Part::kRegName, iri)) return false;
    if (colon != npos) port = a.substr(colon + 1);
  }
  for (const char c : port) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// URI-reference (or, with `absolute`, URI) of RFC 3986 section 4.1; IRI variants with `iri`.
bool is_uri_ref(string_view s, bool absolute, bool iri) {
  size_t i = 0;
  bool has_scheme = false;
  if (!s.empty() && is_alpha(s[0])) {
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ended by ":".
    size_t j = 1;
    while (j < s.size() && (is_alnum(s[j]) || s[j] == '+' || s[j] == '-' || s[j] == '.')) ++j;
    if (j < s.size() && s[j] == ':') {
      has_scheme = true;
      i = j + 1;
    }
  }
  if (absolute && !has_scheme) return false;
  // "#" appears in no component and "?" in none before the query, so the first of each splits.
  const size_t hash = s.find('#', i);
  if (hash != npos && !all_in_part(s.substr(hash + 1), Part::kFragment, iri)) return false;
  const string_view rest = s.substr(0, hash);
  const size_t qmark = rest.find('?', i);
  if (qmark != npos && !all_in_part(rest.substr(qmark + 1), Part::kQuery, iri)) return false;
  const string_view hier = rest.substr(i, qmark == npos ? npos : qmark - i);
  if (hier.substr(0, 2) == "//") {
    const size_t slash = hier.find('/', 2);
    if (!is_authority(hier.substr(2, slash == npos ? npos : slash - 2), iri)) return false;
    return slash == npos || all_in_part(hier.substr(slash), Part::kPath, iri);
  }
  // path-noscheme: a relative reference's first segment must not look like a scheme.
  if (!has_scheme && hier.substr(0, hier.find('/')).find(':') != npos) return false;
  return all_in_part(hier, Part::kPath, iri);
}

// expression body of RFC 6570: [ operator ] varspec *( "," varspec ), where
// varspec = varname [ ":" max-length / "*" ] and varname = varchar *( ["."] varchar ).
bool is_template_expression(string_view e) {
  if (e.empty()) return false;
  size_t i = string_view("+#./;?&=,!@|").find(e[0]) != npos ? 1 : 0;
  while (true) {
    bool need_varchar = true;
    while (i < e.size()) {
      const char c = e[i];
      if (is_alnum(c) || c == '_') {
        ++i;
      } else if (c == '%') {
        if (!is_pct_encoded_at(e, i)) return false;
        i += 3;
      } else if (c == '.' && !need_varchar) {
        ++i;
        need_varchar = true;
        continue;
      } else {
        break;
      }
      need_varchar = false;
    }
    if (need_varchar) return false;  // Empty name, "..", or a trailing ".".
    if (i < e.size() && e[i] == '*') {
      ++i;
    } else if (i < e.size() && e[i] == ':') {
      const size_t start = ++i;
      while (i < e.size() && is_digit(e[i])) ++i;
      if (i == start || i - start > 4 || e[start] == '0') return false;
    }
    if (i == e.size()) return true;
    if (e[i++] != ',') return false;
  }
}

}  // namespace

bool is_uri(string_view s) {
  return is_uri_ref(s, true, false);
}
bool is_uri_reference(string_view s) {
  return is_uri_ref(s, false, false);
}
bool is_iri(string_view s) {
  return is_uri_ref(s, true, true);
}
bool is_iri_reference(string_view s) {
  return is_uri_ref(s, false, true);
}

// URI-Template of RFC 6570 section 2: literals and {expressions}. The apostrophe counts as a
// literal, as the JSON-Schema-Test-Suite expects (it is a sub-delim in RFC 3986).
bool is_uri_template(string_view s) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '{') {
      const size_t close = s.find('}', i + 1);
      if (close == npos || !is_template_expression(s.substr(i + 1, close - i - 1))) return false;
      i = close + 1;
    } else if (c == '%') {
      if (!is_pct_encoded_at(s, i)) return false;
      i += 3;
    } else if (u >= 0x80) {
      char32_t cp;
      if (!text::next_code_point(s, i, cp) || !(is_ucschar(cp) || is_iprivate(cp))) return false;
    } else {
      // Excluded: CTL, SP, '"', '<', '>', '\', '^', '`', '|', '}' (and '{', '%' above).
      if (u <= 0x20 || u == 0x7F || string_view("\"<>\\^`|}").find(c) != npos) return false;
      ++i;
    }
  }
  return true;
}

}  // namespace apiserver::validate::format_checks
