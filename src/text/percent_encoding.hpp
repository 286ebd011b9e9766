// Percent-encoding (RFC 3986) of paths and query strings, and HTML form encoding.
#pragma once

#include <string>
#include <string_view>

namespace apiserver::text {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Returns false on
// a malformed escape; `out` is then unspecified.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view in);

}  // namespace apiserver::text
