// Hand-written checkers for the JSON Schema / OpenAPI `format` keyword (see formats.hpp).
// Every checker makes a few left-to-right passes at most, or rejects on a small length limit
// first, so any input, including megabytes of arbitrary bytes, is answered in linear time,
// without recursion; only a failure allocates (its message).
#include "validate/formats.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace apiserver::validate {
namespace {

using std::string_view;
constexpr size_t npos = string_view::npos;

// ---------------------------------------------------------------------------------------------
// ASCII character classes. Non-ASCII bytes never match, whatever the locale.

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
}
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

bool iequals(string_view a, string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (to_upper(a[i]) != to_upper(b[i])) return false;
  }
  return true;
}

// True when s[i..] starts with a percent-encoded octet ("%" HEXDIG HEXDIG).
bool is_pct_encoded_at(string_view s, size_t i) {
  return s.size() - i >= 3 && s[i] == '%' && is_hex(s[i + 1]) && is_hex(s[i + 2]);
}

// Decodes one UTF-8 sequence at s[*i] and advances *i. Rejects overlong forms, surrogates and
// values above U+10FFFF, so only well-formed text gets through.
bool next_utf8(string_view s, size_t* i, char32_t* out) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  // Sequence length, payload bits of the lead byte, and the smallest value of that length.
  size_t len = 1;
  char32_t cp = b0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else if (b0 >= 0x80) {
    return false;
  }
  if (s.size() - *i < len) return false;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *i += len;
  *out = cp;
  return true;
}

// ucschar and iprivate of RFC 3987 section 2.2: the non-ASCII code points IRIs may hold.
bool is_ucschar(char32_t cp) {
  if (cp < 0x10000) {
    return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
           (cp >= 0xFDF0 && cp <= 0xFFEF);
  }
  const char32_t plane = cp >> 16;
  const char32_t low = cp & 0xFFFF;
  return low <= 0xFFFD && (plane <= 13 || (plane == 14 && low >= 0x1000));
}
bool is_iprivate(char32_t cp) {
  return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && (cp & 0xFFFF) <= 0xFFFD);
}

// ---------------------------------------------------------------------------------------------
// Dates and times (RFC 3339 section 5.6, durations from its Appendix A).

// Reads exactly `count` ASCII digits at s[pos..]; false if any is missing or not a digit.
bool read_digits(string_view s, size_t pos, size_t count, int* out) {
  if (pos > s.size() || s.size() - pos < count) return false;
  int v = 0;
  for (size_t k = 0; k < count; ++k) {
    const char c = s[pos + k];
    if (!is_digit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool is_leap_year(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// full-date = date-fullyear "-" date-month "-" date-mday
bool is_date(string_view s) {
  int y, m, d;
  return s.size() == 10 && read_digits(s, 0, 4, &y) && s[4] == '-' && read_digits(s, 5, 2, &m) &&
         s[7] == '-' && read_digits(s, 8, 2, &d) && m >= 1 && m <= 12 && d >= 1 &&
         d <= days_in_month(y, m);
}

// full-time = hh ":" mm ":" ss ["." 1*DIGIT] ("Z" / ("+" / "-") hh ":" mm)
bool is_time(string_view s) {
  int h, mi, sec;
  if (!read_digits(s, 0, 2, &h) || s.size() < 9 || s[2] != ':' || !read_digits(s, 3, 2, &mi) ||
      s[5] != ':' || !read_digits(s, 6, 2, &sec) || h > 23 || mi > 59 || sec > 60) {
    return false;
  }
  size_t i = 8;
  if (s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i >= s.size()) return false;
  int offset = 0;  // Minutes east of UTC.
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int oh, om;
    if (s.size() - i != 6 || !read_digits(s, i + 1, 2, &oh) || s[i + 3] != ':' ||
        !read_digits(s, i + 4, 2, &om) || oh > 23 || om > 59) {
      return false;
    }
    offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
    i += 6;
  } else {
    return false;
  }
  if (i != s.size()) return false;
  if (sec == 60) {
    // Leap seconds are inserted at the end of a UTC day only.
    const int utc = ((h * 60 + mi - offset) % 1440 + 1440) % 1440;
    if (utc != 23 * 60 + 59) return false;
  }
  return true;
}

// date-time = full-date "T" full-time; RFC 3339 permits a lower-case "t".
bool is_date_time(string_view s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && is_date(s.substr(0, 10)) &&
         is_time(s.substr(11));
}

// duration = "P" (dur-date / dur-time / dur-week) as in the ABNF of RFC 3339 Appendix A:
// units come in order without gaps (P1Y2M, not P1Y2D) and weeks stand alone. ABNF literals are
// case-insensitive, so lower-case designators are accepted too.
bool is_duration(string_view s) {
  if (s.size() < 3 || to_upper(s[0]) != 'P') return false;
  size_t i = 1;
  // Reads one "1*DIGIT designator" element; returns the upper-cased designator, 0 if malformed.
  const auto element = [&s, &i]() -> char {
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start || i == s.size()) return 0;
    return to_upper(s[i++]);
  };
  // Consumes consecutive elements whose units follow each other in `units`; counts them.
  const auto run = [&](string_view units, size_t* count) -> bool {
    size_t expect = npos;  // Index in `units` the next element must use; npos: any.
    while (i < s.size() && to_upper(s[i]) != 'T') {
      const char unit = element();
      const size_t pos = unit == 0 ? npos : units.find(unit);
      if (pos == npos || (expect != npos && pos != expect)) return false;
      expect = pos + 1;
      ++*count;
    }
    return true;
  };
  if (to_upper(s[1]) != 'T') {
    // A week count is the only element of its duration.
    const size_t start = i;
    if (element() == 'W' && i == s.size()) return true;
    i = start;
  }
  size_t date_count = 0;
  if (!run("YMD", &date_count)) return false;
  if (i == s.size()) return date_count > 0;
  ++i;  // The "T" before the time units.
  size_t time_count = 0;
  return run("HMS", &time_count) && i == s.size() && time_count > 0;
}

// ---------------------------------------------------------------------------------------------
// IP addresses.

// Dotted quad of decimal octets without leading zeros (leading zeros read as octal elsewhere).
bool is_ipv4(string_view s) {
  if (s.size() < 7 || s.size() > 15) return false;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
    const size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    const size_t len = i - start;
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
  }
  return i == s.size();
}

// Text forms of RFC 4291 section 2.2: eight groups of 1-4 hex digits, at most one "::" standing
// for one or more zero groups, optionally ending in a dotted quad worth two groups. No zone ids.
bool is_ipv6(string_view s) {
  const size_t n = s.size();
  if (n < 2 || n > 45) return false;  // 45: six full groups plus the longest dotted quad.
  size_t i = 0;
  int groups = 0;
  bool compressed = false;
  if (s[0] == ':') {
    if (s[1] != ':') return false;
    compressed = true;
    i = 2;
    if (i == n) return true;
  }
  while (true) {
    const size_t start = i;
    while (i < n && is_hex(s[i])) ++i;
    if (i < n && s[i] == '.') {
      if (!is_ipv4(s.substr(start))) return false;
      groups += 2;
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == n) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < n && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == n) break;
    } else if (i == n) {
      return false;  // A single trailing colon.
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

// ---------------------------------------------------------------------------------------------
// IDNA A-labels ("xn--" labels in host names). The Punycode must decode (RFC 3492) to a U-label
// that obeys RFC 5891 section 4.2.3.1, the exceptions of RFC 5892 section 2.6 and the
// contextual rules of RFC 5892 Appendix A that need only small tables. The full IDNA2008 code
// point table (PVALID / DISALLOWED) is not reproduced, so some invalid U-labels pass.

struct Range {
  char32_t lo, hi;
};

template <size_t N>
bool in_ranges(char32_t cp, const Range (&ranges)[N]) {
  for (const Range& r : ranges) {
    if (cp >= r.lo && cp <= r.hi) return true;
  }
  return false;
}

// Canonical_Combining_Class = Virama (9), from the Unicode 14 character database.
constexpr Range kVirama[] = {
    {0x094D, 0x094D},   {0x09CD, 0x09CD},   {0x0A4D, 0x0A4D},   {0x0ACD, 0x0ACD},
    {0x0B4D, 0x0B4D},   {0x0BCD, 0x0BCD},   {0x0C4D, 0x0C4D},   {0x0CCD, 0x0CCD},
    {0x0D3B, 0x0D3C},   {0x0D4D, 0x0D4D},   {0x0DCA, 0x0DCA},   {0x0E3A, 0x0E3A},
    {0x0EBA, 0x0EBA},   {0x0F84, 0x0F84},   {0x1039, 0x103A},   {0x1714, 0x1715},
    {0x1734, 0x1734},   {0x17D2, 0x17D2},   {0x1A60, 0x1A60},   {0x1B44, 0x1B44},
    {0x1BAA, 0x1BAB},   {0x1BF2, 0x1BF3},   {0x2D7F, 0x2D7F},   {0xA806, 0xA806},
    {0xA82C, 0xA82C},   {0xA8C4, 0xA8C4},   {0xA953, 0xA953},   {0xA9C0, 0xA9C0},
    {0xAAF6, 0xAAF6},   {0xABED, 0xABED},   {0x10A3F, 0x10A3F}, {0x11046, 0x11046},
    {0x11070, 0x11070}, {0x1107F, 0x1107F}, {0x110B9, 0x110B9}, {0x11133, 0x11134},
    {0x111C0, 0x111C0}, {0x11235, 0x11235}, {0x112EA, 0x112EA}, {0x1134D, 0x1134D},
    {0x11442, 0x11442}, {0x114C2, 0x114C2}, {0x115BF, 0x115BF}, {0x1163F, 0x1163F},
    {0x116B6, 0x116B6}, {0x1172B, 0x1172B}, {0x11839, 0x11839}, {0x1193D, 0x1193E},
    {0x119E0, 0x119E0}, {0x11A34, 0x11A34}, {0x11A47, 0x11A47}, {0x11A99, 0x11A99},
    {0x11C3F, 0x11C3F}, {0x11D44, 0x11D45}, {0x11D97, 0x11D97},
};

// Scripts of Unicode Scripts.txt for the contextual rules; unassigned gaps are folded in.
constexpr Range kGreek[] = {
    {0x0370, 0x0373},   {0x0375, 0x0377},   {0x037A, 0x037D},   {0x037F, 0x037F}, {0x0384, 0x0384},
    {0x0386, 0x0386},   {0x0388, 0x03E1},   {0x03F0, 0x03FF},   {0x1D26, 0x1D2A}, {0x1D5D, 0x1D61},
    {0x1D66, 0x1D6A},   {0x1DBF, 0x1DBF},   {0x1F00, 0x1FFE},   {0x2126, 0x2126}, {0xAB65, 0xAB65},
    {0x10140, 0x1018E}, {0x101A0, 0x101A0}, {0x1D200, 0x1D245},
};
constexpr Range kHebrew[] = {{0x0591, 0x05F4}, {0xFB1D, 0xFB4F}};
constexpr Range kHiragana[] = {
    {0x3041, 0x3096}, {0x309D, 0x309F}, {0x1B001, 0x1B11F}, {0x1B150, 0x1B152}, {0x1F200, 0x1F200},
};
// U+30FB KATAKANA MIDDLE DOT itself is Common, not Katakana.
constexpr Range kKatakana[] = {
    {0x30A1, 0x30FA},   {0x30FD, 0x30FF},   {0x31F0, 0x31FF},   {0x32D0, 0x32FE},
    {0x3300, 0x3357},   {0xFF66, 0xFF6F},   {0xFF71, 0xFF9D},   {0x1AFF0, 0x1AFFE},
    {0x1B000, 0x1B000}, {0x1B120, 0x1B122}, {0x1B164, 0x1B167},
};
constexpr Range kHan[] = {
    {0x2E80, 0x2FD5},   {0x3005, 0x3005},   {0x3007, 0x3007},   {0x3021, 0x3029},
    {0x3038, 0x303B},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xF900, 0xFAD9},
    {0x16FE2, 0x16FE3}, {0x16FF0, 0x16FF1}, {0x20000, 0x3134F},
};

// RFC 5892 section 2.6: exceptions that are DISALLOWED whatever their properties.
constexpr Range kDisallowedExceptions[] = {
    {0x0640, 0x0640}, {0x07FA, 0x07FA}, {0x302E, 0x302F}, {0x3031, 0x3035}, {0x303B, 0x303B},
};

constexpr size_t kMaxLabelCodePoints = 63;

uint32_t punycode_digit(char c) {
  if (c >= '0' && c <= '9') return static_cast<uint32_t>(c - '0') + 26;
  if (c >= 'a' && c <= 'z') return static_cast<uint32_t>(c - 'a');
  if (c >= 'A' && c <= 'Z') return static_cast<uint32_t>(c - 'A');
  return 36;
}

// RFC 3492 section 6.2 decoding of an ASCII label body into out[kMaxLabelCodePoints]. False on
// malformed input, overflow or a result too long for a label.
bool punycode_decode(string_view in, char32_t* out, size_t* out_len) {
  constexpr uint32_t kBase = 36, kTMin = 1, kTMax = 26, kSkew = 38, kDamp = 700;
  size_t len = 0;
  size_t pos = 0;
  const size_t delim = in.rfind('-');
  if (delim != npos) {
    if (delim > kMaxLabelCodePoints) return false;
    for (; pos < delim; ++pos) out[len++] = static_cast<unsigned char>(in[pos]);
    pos = delim + 1;
  }
  uint32_t n = 128, i = 0, bias = 72;
  bool first = true;
  while (pos < in.size()) {
    const uint32_t old_i = i;
    uint32_t w = 1;
    for (uint32_t k = kBase;; k += kBase) {
      if (pos >= in.size()) return false;
      const uint32_t digit = punycode_digit(in[pos++]);
      if (digit >= kBase || digit > (UINT32_MAX - i) / w) return false;
      i += digit * w;
      const uint32_t t = k <= bias ? kTMin : (k >= bias + kTMax ? kTMax : k - bias);
      if (digit < t) break;
      if (w > UINT32_MAX / (kBase - t)) return false;
      w *= kBase - t;
    }
    const auto count = static_cast<uint32_t>(len + 1);
    // Bias adaptation, RFC 3492 section 6.1.
    uint32_t delta = first ? (i - old_i) / kDamp : (i - old_i) / 2;
    first = false;
    delta += delta / count;
    uint32_t k = 0;
    while (delta > ((kBase - kTMin) * kTMax) / 2) {
      delta /= kBase - kTMin;
      k += kBase;
    }
    bias = k + (kBase - kTMin + 1) * delta / (delta + kSkew);
    if (i / count > 0x10FFFF - n) return false;
    n += i / count;
    i %= count;
    if (len >= kMaxLabelCodePoints) return false;
    for (size_t j = len; j > i; --j) out[j] = out[j - 1];
    out[i++] = n;
    ++len;
  }
  *out_len = len;
  return true;
}

// RFC 5892 Appendix A rules for the code point u[k] of a U-label of n code points.
bool context_rules_hold(const char32_t* u, size_t n, size_t k) {
  const char32_t cp = u[k];
  const char32_t before = k > 0 ? u[k - 1] : 0;
  const char32_t after = k + 1 < n ? u[k + 1] : 0;
  const auto label_has = [u, n](auto pred) {
    for (size_t j = 0; j < n; ++j) {
      if (pred(u[j])) return true;
    }
    return false;
  };
  switch (cp) {
    case 0x200C:  // ZERO WIDTH NON-JOINER.
      // The alternative to a preceding virama is a regexp over Joining_Type, which needs
      // Unicode tables; approximate it leniently by requiring other non-ASCII neighbours.
      return in_ranges(before, kVirama) ||
             (before >= 0x80 && after >= 0x80 && before != 0x200D && after != 0x200D);
    case 0x200D:  // ZERO WIDTH JOINER.
      return in_ranges(before, kVirama);
    case 0x00B7:  // MIDDLE DOT, as in Catalan "l·l".
      return before == 'l' && after == 'l';
    case 0x0375:  // GREEK LOWER NUMERAL SIGN (KERAIA).
      return in_ranges(after, kGreek);
    case 0x05F3:  // HEBREW PUNCTUATION GERESH.
    case 0x05F4:  // HEBREW PUNCTUATION GERSHAYIM.
      return in_ranges(before, kHebrew);
    case 0x30FB:  // KATAKANA MIDDLE DOT.
      return label_has([](char32_t c) {
        return in_ranges(c, kHiragana) || in_ranges(c, kKatakana) || in_ranges(c, kHan);
      });
    default:
      break;
  }
  // Arabic-Indic and Extended Arabic-Indic digits must not be mixed.
  if (cp >= 0x0660 && cp <= 0x0669) {
    return !label_has([](char32_t c) { return c >= 0x06F0 && c <= 0x06F9; });
  }
  if (cp >= 0x06F0 && cp <= 0x06F9) {
    return !label_has([](char32_t c) { return c >= 0x0660 && c <= 0x0669; });
  }
  return true;
}

// `encoded` is an LDH label without its "xn--" prefix.
bool is_a_label_body(string_view encoded) {
  char32_t u[kMaxLabelCodePoints + 1];
  size_t n = 0;
  if (!punycode_decode(encoded, u, &n) || n == 0) return false;
  bool non_ascii = false;
  for (size_t k = 0; k < n; ++k) non_ascii = non_ascii || u[k] >= 0x80;
  if (!non_ascii) return false;  // ToASCII never encodes an all-ASCII label.
  // RFC 5891 section 4.2.3.1: no "--" in positions 3 and 4, no leading or trailing hyphen.
  if ((n >= 4 && u[2] == '-' && u[3] == '-') || u[0] == '-' || u[n - 1] == '-') return false;
  for (size_t k = 0; k < n; ++k) {
    const char32_t cp = u[k];
    if (cp >= 'A' && cp <= 'Z') return false;  // U-labels are lower case.
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (in_ranges(cp, kDisallowedExceptions) || !context_rules_hold(u, n, k)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Host names and e-mail addresses.

// RFC 1123 section 2.1: letters, digits and inner hyphens, 1 to 63 characters.
bool is_ldh_label(string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (const char c : label) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

bool is_hostname(string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const string_view label = s.substr(start, dot == npos ? npos : dot - start);
    if (!is_ldh_label(label)) return false;
    if (label.size() > 4 && iequals(label.substr(0, 4), "xn--") &&
        !is_a_label_body(label.substr(4))) {
      return false;
    }
    if (dot == npos) return true;
    start = dot + 1;
  }
}

bool is_atext(char c) {
  return is_alnum(c) || string_view("!#$%&'*+-/=?^_`{|}~").find(c) != npos;
}

// Mailbox of RFC 5321 section 4.1.2: Local-part "@" (Domain / address-literal), where the
// local part is a dot-string or a quoted string; length limits of section 4.5.3.1.
bool is_email(string_view s) {
  if (s.size() > 254) return false;  // A path is at most 256 octets including "<" and ">".
  size_t i = 0;
  if (!s.empty() && s[0] == '"') {
    // Quoted-string: printable ASCII, with '"' and '\' only as quoted pairs.
    for (i = 1;; ++i) {
      if (i >= s.size()) return false;
      const char c = s[i];
      if (c == '"') break;
      if (c == '\\') {
        if (++i >= s.size()) return false;
        if (s[i] < 32 || s[i] > 126) return false;
      } else if (c < 32 || c > 126) {
        return false;
      }
    }
    ++i;
  } else {
    // Dot-string: atoms of atext separated by single dots.
    bool need_atext = true;
    for (; i < s.size() && s[i] != '@'; ++i) {
      if (s[i] == '.') {
        if (need_atext) return false;
        need_atext = true;
      } else if (is_atext(s[i])) {
        need_atext = false;
      } else {
        return false;
      }
    }
    if (need_atext) return false;
  }
  if (i > 64 || i >= s.size() || s[i] != '@') return false;
  const string_view domain = s.substr(i + 1);
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    const string_view literal = domain.substr(1, domain.size() - 2);
    if (literal.size() > 5 && iequals(literal.substr(0, 5), "IPv6:")) {
      return is_ipv6(literal.substr(5));
    }
    return is_ipv4(literal);
  }
  return is_hostname(domain);
}

// ---------------------------------------------------------------------------------------------
// URIs (RFC 3986) and IRIs (RFC 3987).

bool is_unreserved(char c) {
  return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool is_sub_delim(char c) {
  return string_view("!$&'()*+,;=").find(c) != npos;
}

// The component grammars differ only in which ASCII delimiters they admit.
enum class Part { kRegName, kUserInfo, kPath, kQuery, kFragment };

bool ascii_allowed(char c, Part part) {
  if (is_unreserved(c) || is_sub_delim(c)) return true;
  switch (part) {
    case Part::kRegName:
      return false;
    case Part::kUserInfo:
      return c == ':';
    case Part::kPath:
      return c == ':' || c == '@' || c == '/';
    case Part::kQuery:
    case Part::kFragment:
      return c == ':' || c == '@' || c == '/' || c == '?';
  }
  return false;
}

// True when all of `s` is characters of `part`, percent-encodings and, for IRIs, ucschar
// (iprivate too in a query).
bool all_in_part(string_view s, Part part, bool iri) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    if (c == '%') {
      if (!is_pct_encoded_at(s, i)) return false;
      i += 3;
    } else if (static_cast<unsigned char>(c) < 0x80) {
      if (!ascii_allowed(c, part)) return false;
      ++i;
    } else {
      char32_t cp;
      if (!iri || !next_utf8(s, &i, &cp)) return false;
      if (!is_ucschar(cp) && !(part == Part::kQuery && is_iprivate(cp))) return false;
    }
  }
  return true;
}

// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
bool is_ipv_future(string_view s) {
  if (s.empty() || (s[0] != 'v' && s[0] != 'V')) return false;
  size_t i = 1;
  while (i < s.size() && is_hex(s[i])) ++i;
  if (i == 1 || i >= s.size() || s[i] != '.' || i + 1 == s.size()) return false;
  for (++i; i < s.size(); ++i) {
    if (!is_unreserved(s[i]) && !is_sub_delim(s[i]) && s[i] != ':') return false;
  }
  return true;
}

// authority = [ userinfo "@" ] host [ ":" port ]
bool is_authority(string_view a, bool iri) {
  const size_t at = a.find('@');
  if (at != npos) {
    if (!all_in_part(a.substr(0, at), Part::kUserInfo, iri)) return false;
    a.remove_prefix(at + 1);
  }
  string_view port;
  if (!a.empty() && a[0] == '[') {
    const size_t close = a.find(']');
    if (close == npos) return false;
    const string_view literal = a.substr(1, close - 1);
    if (!is_ipv6(literal) && !is_ipv_future(literal)) return false;
    a.remove_prefix(close + 1);
    if (!a.empty()) {
      if (a[0] != ':') return false;
      port = a.substr(1);
    }
  } else {
    // An IPv4 address is also a reg-name, so out-of-range octets are not an error here.
    const size_t colon = a.find(':');
    if (!all_in_part(a.substr(0, colon), Part::kRegName, iri)) return false;
    if (colon != npos) port = a.substr(colon + 1);
  }
  for (const char c : port) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// URI-reference (or, with `absolute`, URI) of RFC 3986 section 4.1; IRI variants with `iri`.
bool is_uri_ref(string_view s, bool absolute, bool iri) {
  size_t i = 0;
  bool has_scheme = false;
  if (!s.empty() && is_alpha(s[0])) {
    // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ended by ":".
    size_t j = 1;
    while (j < s.size() && (is_alnum(s[j]) || s[j] == '+' || s[j] == '-' || s[j] == '.')) ++j;
    if (j < s.size() && s[j] == ':') {
      has_scheme = true;
      i = j + 1;
    }
  }
  if (absolute && !has_scheme) return false;
  // "#" appears in no component and "?" in none before the query, so the first of each splits.
  const size_t hash = s.find('#', i);
  if (hash != npos && !all_in_part(s.substr(hash + 1), Part::kFragment, iri)) return false;
  const string_view rest = s.substr(0, hash);
  const size_t qmark = rest.find('?', i);
  if (qmark != npos && !all_in_part(rest.substr(qmark + 1), Part::kQuery, iri)) return false;
  const string_view hier = rest.substr(i, qmark == npos ? npos : qmark - i);
  if (hier.substr(0, 2) == "//") {
    const size_t slash = hier.find('/', 2);
    if (!is_authority(hier.substr(2, slash == npos ? npos : slash - 2), iri)) return false;
    return slash == npos || all_in_part(hier.substr(slash), Part::kPath, iri);
  }
  // path-noscheme: a relative reference's first segment must not look like a scheme.
  if (!has_scheme && hier.substr(0, hier.find('/')).find(':') != npos) return false;
  return all_in_part(hier, Part::kPath, iri);
}

bool is_uri(string_view s) {
  return is_uri_ref(s, true, false);
}
bool is_uri_reference(string_view s) {
  return is_uri_ref(s, false, false);
}
bool is_iri(string_view s) {
  return is_uri_ref(s, true, true);
}
bool is_iri_reference(string_view s) {
  return is_uri_ref(s, false, true);
}

// expression body of RFC 6570: [ operator ] varspec *( "," varspec ), where
// varspec = varname [ ":" max-length / "*" ] and varname = varchar *( ["."] varchar ).
bool is_template_expression(string_view e) {
  if (e.empty()) return false;
  size_t i = string_view("+#./;?&=,!@|").find(e[0]) != npos ? 1 : 0;
  while (true) {
    bool need_varchar = true;
    while (i < e.size()) {
      const char c = e[i];
      if (is_alnum(c) || c == '_') {
        ++i;
      } else if (c == '%') {
        if (!is_pct_encoded_at(e, i)) return false;
        i += 3;
      } else if (c == '.' && !need_varchar) {
        ++i;
        need_varchar = true;
        continue;
      } else {
        break;
      }
      need_varchar = false;
    }
    if (need_varchar) return false;  // Empty name, "..", or a trailing ".".
    if (i < e.size() && e[i] == '*') {
      ++i;
    } else if (i < e.size() && e[i] == ':') {
      const size_t start = ++i;
      while (i < e.size() && is_digit(e[i])) ++i;
      if (i == start || i - start > 4 || e[start] == '0') return false;
    }
    if (i == e.size()) return true;
    if (e[i++] != ',') return false;
  }
}

// URI-Template of RFC 6570 section 2: literals and {expressions}. The apostrophe counts as a
// literal, as the JSON-Schema-Test-Suite expects (it is a sub-delim in RFC 3986).
bool is_uri_template(string_view s) {
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (c == '{') {
      const size_t close = s.find('}', i + 1);
      if (close == npos || !is_template_expression(s.substr(i + 1, close - i - 1))) return false;
      i = close + 1;
    } else if (c == '%') {
      if (!is_pct_encoded_at(s, i)) return false;
      i += 3;
    } else if (u >= 0x80) {
      char32_t cp;
      if (!next_utf8(s, &i, &cp) || !(is_ucschar(cp) || is_iprivate(cp))) return false;
    } else {
      // Excluded: CTL, SP, '"', '<', '>', '\', '^', '`', '|', '}' (and '{', '%' above).
      if (u <= 0x20 || u == 0x7F || string_view("\"<>\\^`|}").find(c) != npos) return false;
      ++i;
    }
  }
  return true;
}

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
