// JSON string literals (RFC 8259 section 7) written without building a JSON value: the store
// writes stored text into response bodies with it and the access log writes request fields.
#pragma once

#include <string>
#include <string_view>

namespace apiserver::text {

// Appends `s` as a quoted JSON string. '"' and '\' are escaped, the control characters
// U+0000..U+001F become \b \t \n \f \r or \u00xx (lower-case hex), and everything else,
// DEL and non-ASCII included, is copied. Each byte that does not begin a well-formed UTF-8
// sequence becomes U+FFFD, so the output is valid JSON (and UTF-8) whatever `s` holds.
void append_json_string(std::string_view s, std::string& out);

}  // namespace apiserver::text
