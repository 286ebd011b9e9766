// Reading list-valued HTTP header fields (RFC 9110 5.6): elements separated by commas,
// parameters by semicolons, and quoted strings that may hold either separator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace apiserver::text {

// The parts of `text` between `separator`s that are not inside a double-quoted string
// (a backslash escapes the next character there). Parts are trimmed of blanks; empty ones are
// kept, so "a;;b" has three.
std::vector<std::string> split_unquoted(std::string_view text, char separator);

// `text` without leading and trailing spaces and tabs.
std::string trim_blanks(std::string_view text);

// True when `text` is an RFC 9110 token (a method, a header field name): one or more tchars.
bool is_token(std::string_view text);

// True when `a` and `b` are the same but for the case of ASCII letters (header names).
bool ascii_iequals(std::string_view a, std::string_view b);

// `text` with ASCII letters lower-cased (header names, tokens).
std::string ascii_lower(std::string_view text);

// The value of a `name=value` parameter with its quotes and escapes removed: `"a\"b"` -> `a"b`.
std::string unquote(std::string_view value);

}  // namespace apiserver::text
