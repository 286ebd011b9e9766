// Percent-decoding of paths and query strings (RFC 3986, HTML form encoding).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::http {

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Returns false on
// a malformed escape; `out` is then unspecified.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percent_encode(std::string_view in);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits `raw` ("a=1&b=2&a=3") into decoded pairs, keeping order and
// repetitions. A key without '=' gets an empty value. Returns false on a
// malformed escape.
bool parse_query(std::string_view raw, QueryParams& out);

}  // namespace apiserver::http
