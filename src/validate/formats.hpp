// Checks of the `format` keyword for strings and numbers, written by hand: linear time,
// no std::regex (std::regex recurses per character and overflows the stack on long input),
// no allocation on the success path where avoidable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace apiserver::validate {

enum class FormatKind { kString, kNumber, kUnchecked };

// What `format` applies to: string formats (date, time, date-time, duration, email, hostname,
// ipv4, ipv6, uri, uri-reference, iri, iri-reference, uri-template, json-pointer,
// relative-json-pointer, uuid, byte), number formats (int32, int64, float, double),
// or unchecked (password, binary, regex, idn-email, idn-hostname, unknown names: annotations only).
FormatKind format_kind(std::string_view format);

// nullopt when `value` satisfies string format `format`; otherwise a short message for an API
// client, e.g. "must be a date-time as in RFC 3339, e.g. 2024-05-01T12:00:00Z".
// Formats that are not string formats always pass.
std::optional<std::string> check_string_format(std::string_view format, std::string_view value);

// For number formats: int32/int64 check range of an integer; float/double check finiteness/range.
// `is_integer` says whether the JSON value was an integer literal; `as_int` valid when it is.
// Otherwise `as_double` holds the value (also for integer literals too large for long long).
// Formats that are not number formats always pass.
std::optional<std::string> check_number_format(std::string_view format, bool is_integer,
                                               long long as_int, double as_double);

}  // namespace apiserver::validate
