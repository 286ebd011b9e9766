// UTF-8 (RFC 3629): one strict decoder and encoder for the whole server. Strict means overlong
// forms, surrogates (U+D800..U+DFFF) and values above U+10FFFF are malformed, as RFC 3629 and
// JSON (RFC 8259) require.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace apiserver::text {

// Decodes the sequence starting at s[i] into `out` and moves `i` past it; false (with `i`
// and `out` unchanged) when the bytes there are not well-formed UTF-8. REQUIRES: i < s.size().
bool next_code_point(std::string_view s, size_t& i, char32_t& out);

// Length of the well-formed sequence starting at s[i], or 0 when it is malformed.
size_t sequence_length(std::string_view s, size_t i);

// True when all of `s` is well-formed UTF-8.
bool is_valid_utf8(std::string_view s);

// Decodes all of `s`, appending to `out`; false on the first malformed sequence.
bool decode_utf8(std::string_view s, std::u32string& out);

// Appends the encoding of `cp`. REQUIRES: cp is a Unicode scalar value.
void append_utf8(char32_t cp, std::string& out);

// Code points in well-formed `s` (what JSON Schema's minLength and maxLength count).
size_t code_point_count(std::string_view s);

}  // namespace apiserver::text
