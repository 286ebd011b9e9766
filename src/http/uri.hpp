// Query strings: split into decoded name/value pairs (HTML form encoding).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Splits `raw` ("a=1&b=2&a=3") into decoded pairs, keeping order and
// repetitions. A key without '=' gets an empty value. Returns false on a
// malformed escape.
bool parse_query(std::string_view raw, QueryParams& out);

}  // namespace apiserver::http
