// The `format` checkers for IP addresses, host names and e-mail addresses. Labels of host names
// that are A-labels ("xn--") are checked by libidn2 against IDNA2008 (RFC 5890 to 5893).
#include <idn2.h>

#include <cstdlib>

#include "validate/formats_checks.hpp"

namespace apiserver::validate::format_checks {
namespace {

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

// An LDH `label` that starts with "xn--" in any case must be an A-label: Punycode (RFC 3492)
// that decodes to a valid U-label (RFC 5891 section 5.4: code points PVALID or satisfying
// their CONTEXTJ / CONTEXTO rules, no leading combining mark, no "--" in positions 3 and 4,
// the bidi rule) and encodes back to the same text.
bool is_a_label(string_view label) {
  // DNS compares ASCII without case, so the prefix and the Punycode digits (after the last
  // "-") may be in either case; the code points copied before that "-" are the U-label's own
  // and stay as written, so an upper-case letter among them is not PVALID.
  char lowered[64];
  if (label.size() >= sizeof lowered) return false;
  const size_t digits = label.rfind('-') + 1;
  for (size_t i = 0; i < label.size(); ++i) {
    const char c = label[i];
    const bool fold = i < 4 || i >= digits;
    lowered[i] = fold && c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
  }
  lowered[label.size()] = '\0';
  uint8_t* registered = nullptr;
  const int rc = idn2_register_u8(nullptr, reinterpret_cast<const uint8_t*>(lowered), &registered,
                                  IDN2_NFC_INPUT);
  std::free(registered);
  return rc == IDN2_OK;
}

bool is_atext(char c) {
  return is_alnum(c) || string_view("!#$%&'*+-/=?^_`{|}~").find(c) != npos;
}

}  // namespace

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
// Host names and e-mail addresses.

bool is_hostname(string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const string_view label = s.substr(start, dot == npos ? npos : dot - start);
    if (!is_ldh_label(label)) return false;
    if (label.size() > 4 && iequals(label.substr(0, 4), "xn--") && !is_a_label(label)) {
      return false;
    }
    if (dot == npos) return true;
    start = dot + 1;
  }
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

}  // namespace apiserver::validate::format_checks
