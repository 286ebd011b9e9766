// Hand-written checkers for the JSON Schema / OpenAPI `format` keyword (see formats.hpp): the
// registry of formats, the number formats, and the string formats too small for a file of their
// own (JSON pointers, UUIDs, base64); the others live in formats_dates.cpp,
// formats_network.cpp and formats_uri.cpp. Every checker makes a few left-to-right passes at
// most, or rejects on a small length limit first, so any input, including megabytes of
// arbitrary bytes, is answered in linear time, without recursion; only a failure allocates (its
// message).
#include "validate/formats.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "validate/formats_checks.hpp"

namespace apiserver::validate {
namespace {

using namespace format_checks;

// ---------------------------------------------------------------------------------------------
// JSON pointers, UUIDs and base64.

// RFC 6901: empty, or "/"-prefixed reference tokens where "~" is always "~0" or "~1".
bool is_json_pointer(string_view s) {
  if (s.empty()) return true;
  if (s[0] != '/') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~') {
      if (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1')) return false;
      ++i;
    }
  }
  return true;
}

// Relative JSON Pointer (draft-handrews-relative-json-pointer-01): a non-negative integer
// without leading zeros, then "#" or a JSON pointer.
bool is_relative_json_pointer(string_view s) {
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == 0 || (s[0] == '0' && i > 1)) return false;
  const string_view rest = s.substr(i);
  return rest == "#" || is_json_pointer(rest);
}

// RFC 4122 string form 8-4-4-4-12, hex digits of either case.
bool is_uuid(string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// RFC 4648 section 4 base64: alphabet A-Z a-z 0-9 + /, length a multiple of 4, and "=" only as
// one or two padding characters at the end.
bool is_base64(string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t end = s.size();
  for (int pad = 0; pad < 2 && end > 0 && s[end - 1] == '='; ++pad) --end;
  for (size_t i = 0; i < end; ++i) {
    const char c = s[i];
    if (!is_alnum(c) && c != '+' && c != '/') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Format registry.

struct StringFormat {
  string_view name;
  bool (*valid)(string_view);
  const char* message;
};

constexpr StringFormat kStringFormats[] = {
    {"date", is_date, "must be a date as in RFC 3339, e.g. 2024-05-01"},
    {"time", is_time, "must be a time with offset as in RFC 3339, e.g. 12:00:00Z"},
    {"date-time", is_date_time, "must be a date-time as in RFC 3339, e.g. 2024-05-01T12:00:00Z"},
    {"duration", is_duration, "must be a duration as in RFC 3339 Appendix A, e.g. P1DT12H"},
    {"email", is_email, "must be an e-mail address, e.g. user@example.com"},
    {"hostname", is_hostname, "must be a host name as in RFC 1123, e.g. api.example.com"},
    {"ipv4", is_ipv4, "must be an IPv4 address in dotted-quad form, e.g. 192.0.2.1"},
    {"ipv6", is_ipv6, "must be an IPv6 address as in RFC 4291, e.g. 2001:db8::1"},
    {"uri", is_uri, "must be an absolute URI as in RFC 3986, e.g. https://example.com/a"},
    {"uri-reference", is_uri_reference, "must be a URI reference as in RFC 3986, e.g. /a?b=c"},
    {"iri", is_iri, "must be an absolute IRI as in RFC 3987, e.g. https://example.com/a"},
    {"iri-reference", is_iri_reference, "must be an IRI reference as in RFC 3987, e.g. /a?b=c"},
    {"uri-template", is_uri_template, "must be a URI template as in RFC 6570, e.g. /users/{id}"},
    {"json-pointer", is_json_pointer, "must be a JSON Pointer as in RFC 6901, e.g. /items/0"},
    {"relative-json-pointer", is_relative_json_pointer,
     "must be a relative JSON Pointer, e.g. 1/name"},
    {"uuid", is_uuid, "must be a UUID, e.g. 123e4567-e89b-12d3-a456-426614174000"},
    {"byte", is_base64, "must be base64 as in RFC 4648 with padding, e.g. aGk="},
};

constexpr string_view kNumberFormats[] = {"int32", "int64", "float", "double"};

const StringFormat* find_string_format(string_view name) {
  for (const StringFormat& f : kStringFormats) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

FormatKind format_kind(std::string_view format) {
  if (find_string_format(format) != nullptr) return FormatKind::kString;
  for (const string_view name : kNumberFormats) {
    if (name == format) return FormatKind::kNumber;
  }
  return FormatKind::kUnchecked;
}

std::optional<std::string> check_string_format(std::string_view format, std::string_view value) {
  const StringFormat* f = find_string_format(format);
  if (f == nullptr || f->valid(value)) return std::nullopt;
  return std::string(f->message);
}

std::optional<std::string> check_number_format(std::string_view format, bool is_integer,
                                               long long as_int, double as_double) {
  if (format == "int32") {
    // A literal such as 1.0 or 1e3 still denotes an integer, as in JSON Schema.
    const bool ok = is_integer ? as_int >= INT32_MIN && as_int <= INT32_MAX
                               : std::trunc(as_double) == as_double && as_double >= -2147483648.0 &&
                                     as_double <= 2147483647.0;
    if (ok) return std::nullopt;
    return std::string("must be an integer from -2147483648 to 2147483647 (int32)");
  }
  if (format == "int64") {
    // Integer literals outside long long arrive as doubles, and those just below -2^63 round
    // to -2^63; keep both bounds exclusive so such overflows are rejected.
    const bool ok = is_integer || (std::trunc(as_double) == as_double && as_double > -0x1p63 &&
                                   as_double < 0x1p63);
    if (ok) return std::nullopt;
    return std::string(
        "must be an integer from -9223372036854775808 to 9223372036854775807 (int64)");
  }
  if (format == "float") {
    // Values below FLT_MAX plus half an ulp still round to FLT_MAX rather than infinity.
    if (is_integer || std::fabs(as_double) < 0x1.ffffffp+127) return std::nullopt;
    return std::string("must be a finite number within float range (about 3.4e38)");
  }
  if (format == "double") {
    if (is_integer || std::isfinite(as_double)) return std::nullopt;
    return std::string("must be a finite number within double range (about 1.8e308)");
  }
  return std::nullopt;
}

}  // namespace apiserver::validate
