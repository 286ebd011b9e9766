// Strings of string formats (see format_strings.hpp).
#include "mock/format_strings.hpp"

#include <algorithm>
#include <cstdint>

#include "mock/name_hints.hpp"
#include "text/base64.hpp"
#include "text/utf8.hpp"

namespace apiserver::mock::detail {
namespace {

std::string two_digits(int64_t n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

}  // namespace

std::optional<std::string> format_string(const std::string& format, const std::string& name,
                                         Rng& rng, size_t min_len, size_t max_len) {
  const std::string word = random_word(rng);
  const int64_t n = rng.between(1, 999);
  auto date = [&] {
    return std::to_string(rng.between(2020, 2025)) + "-" + two_digits(rng.between(1, 12)) + "-" +
           two_digits(rng.between(1, 28));
  };
  auto time = [&] {
    return two_digits(rng.between(0, 23)) + ":" + two_digits(rng.between(0, 59)) + ":" +
           two_digits(rng.between(0, 59));
  };
  // `base` of `fixed` characters, then `pad` repeated to reach the length bounds; nullopt when
  // `base` alone is too long.
  auto stretch = [&](const std::string& head, char pad,
                     const std::string& tail) -> std::optional<std::string> {
    size_t base = text::code_point_count(head) + text::code_point_count(tail);
    if (base > max_len) return std::nullopt;
    size_t fill = min_len > base ? min_len - base : 0;
    return head + std::string(fill, pad) + tail;
  };
  auto in_bounds = [&](const std::string& s) {
    size_t length = text::code_point_count(s);
    return length >= min_len && length <= max_len;
  };
  std::string natural;
  if (format == "date-time") {
    natural = date() + "T" + time() + "Z";
    if (!in_bounds(natural) && min_len > natural.size())  // fractional seconds lengthen it
      return stretch(natural.substr(0, 19) + ".0", '0', "Z");
  } else if (format == "date") {
    natural = date();
  } else if (format == "time") {
    natural = time() + "Z";
    if (!in_bounds(natural) && min_len > natural.size())
      return stretch(natural.substr(0, 8) + ".0", '0', "Z");
  } else if (format == "duration") {
    const char* const kDurations[] = {"P1D", "PT1H", "P3DT12H", "PT30M", "P1Y2M", "P2W", "PT45S"};
    natural = pick(kDurations, rng);
    if (!in_bounds(natural)) return stretch("P", '1', "D");
  } else if (format == "email" || format == "idn-email") {
    natural = hint_string("email", rng);
    if (!in_bounds(natural)) {
      // Local parts hold up to 64 characters; "a@b" is the shortest address.
      if (max_len >= 13 && min_len <= 76) {
        size_t local = std::clamp<size_t>(min_len > 12 ? min_len - 12 : 1, 1, 64);
        return std::string(local, 'a') + "@example.com";
      }
      if (max_len >= 3 && min_len <= 66)
        return std::string(min_len > 2 ? min_len - 2 : 1, 'a') + "@b";
      return std::nullopt;
    }
  } else if (format == "hostname" || format == "idn-hostname") {
    const char* const kHosts[] = {"api.example.com", "www.example.org", "mail.example.net",
                                  "example.com"};
    natural = pick(kHosts, rng);
    if (!in_bounds(natural)) {
      if (min_len > 63) {
        // Labels of up to 63 characters joined by dots.
        std::string host;
        while (host.size() + 64 < min_len) host += std::string(63, 'a') + ".";
        size_t rest = min_len - host.size();
        host += std::string(std::max<size_t>(rest, 1), 'a');
        if (host.size() > 253 || !in_bounds(host)) return std::nullopt;
        return host;
      }
      return stretch("", 'a', "a");
    }
  } else if (format == "ipv4") {
    natural = "192.0.2." + std::to_string(rng.between(1, 254));
    if (!in_bounds(natural)) natural = "10.0.0.1";
  } else if (format == "ipv6") {
    natural = "2001:db8::" + hex(rng, 1) + hex(rng, 2);
    if (!in_bounds(natural)) natural = min_len > 20 ? "2001:db8:0:0:0:0:0:1" : "::1";
  } else if (format == "uri" || format == "iri" || format == "url") {
    natural = "https://example.com/" + word + "/" + std::to_string(n);
    if (!in_bounds(natural))
      return natural.size() < min_len ? stretch(natural, 'a', "") : stretch("a:", 'b', "");
  } else if (format == "uri-reference" || format == "iri-reference") {
    natural = "/" + word + "/" + std::to_string(n);
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "uri-template") {
    natural = "https://example.com/" + word + "/{id}";
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "json-pointer") {
    natural = "/" + word + "/0";
    if (!in_bounds(natural)) return stretch("/", 'a', "");
  } else if (format == "relative-json-pointer") {
    natural = "0/" + word;
    if (!in_bounds(natural)) return stretch("0/", 'a', "");
  } else if (format == "uuid") {
    natural = hex(rng, 8) + "-" + hex(rng, 4) + "-4" + hex(rng, 3) + "-a" + hex(rng, 3) + "-" +
              hex(rng, 12);
  } else if (format == "byte") {
    natural = text::base64_encode(hint_string(name, rng));
    if (!in_bounds(natural)) {
      // Base64 lengths are multiples of 4.
      size_t length = (min_len + 3) / 4 * 4;
      if (length > max_len) return std::nullopt;
      return text::base64_encode(std::string(length / 4 * 3, 'a'));
    }
  } else if (format == "password") {
    natural = "s3cret-" + word + "-" + std::to_string(n);
  } else if (format == "binary") {
    natural = "binary content " + std::to_string(n);
  } else if (format == "regex") {
    natural = "^[a-z]+$";
  } else if (format == "int32" || format == "int64" || format == "integer") {
    natural = std::to_string(n);
  } else if (format == "float" || format == "double" || format == "decimal" || format == "number") {
    natural = std::to_string(n) + ".5";
  } else if (format == "phone") {
    natural = hint_string("phone", rng);
  } else {
    return std::nullopt;
  }
  if (in_bounds(natural)) return natural;
  return fit_length(natural, min_len, max_len);
}

}  // namespace apiserver::mock::detail
