// Whether a text is one JSON value (RFC 8259), checked without building it: for text the server
// did not write itself (a JSON column edited outside it) on every read that answers it.
#pragma once

#include <string_view>

namespace apiserver::text {

// True when `text` is exactly one JSON value, with optional whitespace around it, that
// nlohmann::json would parse: strings well-formed UTF-8 with valid escapes (surrogates paired),
// numbers within a double's range. Unlike nlohmann, a NUL byte anywhere makes it false (nlohmann
// stops reading there, and the text after it would be sent as if it were JSON). Allocates
// nothing.
bool is_json_text(std::string_view text);

}  // namespace apiserver::text
