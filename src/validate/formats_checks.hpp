// The checkers behind check_string_format (formats.hpp), one file per family of formats:
// formats_dates.cpp (RFC 3339), formats_network.cpp (IP addresses, host names, e-mail),
// formats_uri.cpp (URIs, IRIs, URI templates) and formats.cpp (the rest and the registry).
// Also the ASCII character classes they share. Internal to the validate module.
#pragma once

#include <cstddef>
#include <string_view>

namespace apiserver::validate::format_checks {

using std::string_view;
constexpr size_t npos = string_view::npos;

// ASCII character classes. Non-ASCII bytes never match, whatever the locale.

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

inline bool iequals(string_view a, string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  }
  return true;
}

// True when s[i..] starts with a percent-encoded octet ("%" HEXDIG HEXDIG).
inline bool is_pct_encoded_at(string_view s, size_t i) {
  return s.size() - i >= 3 && s[i] == '%' && is_hex(s[i + 1]) && is_hex(s[i + 2]);
}

// Dates and times (formats_dates.cpp).
bool is_date(string_view s);
bool is_time(string_view s);
bool is_date_time(string_view s);
bool is_duration(string_view s);

// IP addresses, host names and e-mail addresses (formats_network.cpp).
bool is_ipv4(string_view s);
bool is_ipv6(string_view s);
bool is_hostname(string_view s);
bool is_email(string_view s);

// URIs, IRIs and URI templates (formats_uri.cpp).
bool is_uri(string_view s);
bool is_uri_reference(string_view s);
bool is_iri(string_view s);
bool is_iri_reference(string_view s);
bool is_uri_template(string_view s);

}  // namespace apiserver::validate::format_checks
