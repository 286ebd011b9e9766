// The keywords this project validates itself instead of leaving them to
// valijson, and the schema-compiler side of that contract.
//
// valijson checks `pattern` and `format` with std::regex, which recurses per
// character and overflows the stack on strings of a few tens of kilobytes, so
// a request body within the size limit could kill the server. The schema
// translator renames those keywords to the names below, and custom valijson
// constraints check them: patterns with RE2 (linear time, no recursion) or,
// for the ECMA-262 features RE2 lacks, PCRE2 under match limits
// (pattern_engine.hpp), formats with hand-written parsers. String lengths are counted here over the
// whole string. `type` is checked here too so that errors
// name the expected type and an integral 1.0 counts as an integer, as JSON
// Schema draft 6 and later say.
#pragma once

namespace apiserver::validate {

inline constexpr const char* kPatternKeyword = "x-apiserver-pattern";
inline constexpr const char* kFormatKeyword = "x-apiserver-format";
inline constexpr const char* kTypeKeyword = "x-apiserver-type";
// valijson counts string length on the C string, stopping at the first "\u0000".
inline constexpr const char* kMinLengthKeyword = "x-apiserver-minLength";
inline constexpr const char* kMaxLengthKeyword = "x-apiserver-maxLength";

}  // namespace apiserver::validate
