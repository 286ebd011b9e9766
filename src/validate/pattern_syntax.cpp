// See pattern_syntax.hpp. A single left-to-right scan that tracks escapes and character
// classes; it does not parse the whole grammar, PCRE2 does that next.
#include "validate/pattern_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace apiserver::validate {
namespace {

bool is_ascii_alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// ECMA-262 escapes spelled with a letter or digit, outside and inside a class. Any other
// escaped letter (\A \z \K \h \Q \e \g \N ...) is PCRE2's own.
constexpr std::string_view kAtomEscapes = "dDwWsSbBfnrtv0cxupPk123456789";
constexpr std::string_view kClassEscapes = "dDwWsSbfnrtv0cxupP123456789";

// A counted quantifier {n}, {n,} or {n,m} starting at `at`; returns the index of its '}'.
std::optional<size_t> counted_quantifier_end(std::string_view p, size_t at) {
  size_t i = at + 1;
  size_t digits = 0;
  while (i < p.size() && is_digit(p[i])) ++i, ++digits;
  if (digits == 0) return std::nullopt;
  if (i < p.size() && p[i] == ',') {
    ++i;
    while (i < p.size() && is_digit(p[i])) ++i;
  }
  if (i < p.size() && p[i] == '}') return i;
  return std::nullopt;
}

// The group opened at `at` ("(?..."): nullopt when ECMA-262 has it, else its description.
std::optional<std::string> check_group(std::string_view p, size_t at) {
  size_t i = at + 2;
  if (i >= p.size()) return std::nullopt;  // PCRE2 reports the truncation
  char c = p[i];
  if (c == ':' || c == '=' || c == '!') return std::nullopt;
  if (c == '<') {
    if (i + 1 < p.size() && (p[i + 1] == '=' || p[i + 1] == '!')) return std::nullopt;
    if (i + 1 < p.size()) {
      char n = p[i + 1];
      if (std::isalpha(static_cast<unsigned char>(n)) || n == '_' || n == '$' ||
          static_cast<unsigned char>(n) >= 0x80)
        return std::nullopt;  // a named group (?<name>...)
    }
  }
  // Modifiers, ECMA-262 2025: (?i:...), (?-s:...), (?im-s:...).
  size_t j = i;
  auto flags = [&] {
    while (j < p.size() && (p[j] == 'i' || p[j] == 'm' || p[j] == 's')) ++j;
  };
  flags();
  if (j < p.size() && p[j] == '-') ++j, flags();
  if (j < p.size() && p[j] == ':' && j > i) return std::nullopt;
  size_t shown = std::min<size_t>(p.size() - at, 4);
  return "the group syntax '" + std::string(p.substr(at, shown)) + "'";
}

// A POSIX class "[:alpha:]" starting at `at` inside a character class.
bool is_posix_class(std::string_view p, size_t at) {
  if (at + 1 >= p.size() || p[at + 1] != ':') return false;
  size_t i = at + 2;
  if (i < p.size() && p[i] == '^') ++i;
  size_t letters = 0;
  while (i < p.size() && std::isalpha(static_cast<unsigned char>(p[i]))) ++i, ++letters;
  return letters > 0 && i + 1 < p.size() && p[i] == ':' && p[i + 1] == ']';
}

// An escape at `at` (p[at] == '\\'): nullopt when ECMA-262 has it.
std::optional<std::string> check_escape(std::string_view p, size_t at, bool in_class) {
  if (at + 1 >= p.size()) return std::nullopt;  // PCRE2 reports "\ at end of pattern"
  char c = p[at + 1];
  if (!is_ascii_alnum(c)) return std::nullopt;  // an escaped punctuation character
  std::string_view allowed = in_class ? kClassEscapes : kAtomEscapes;
  std::string escape = "the escape '\\" + std::string(1, c) + "'";
  if (allowed.find(c) == std::string_view::npos) return escape;
  // ECMA-262 writes \p{L} and \k<name>; PCRE2 also takes \pL, \k{name} and \k'name'.
  bool needs_brace = c == 'p' || c == 'P';
  if (needs_brace && (at + 2 >= p.size() || p[at + 2] != '{')) return escape + " without {...}";
  if (c == 'k' && (at + 2 >= p.size() || p[at + 2] != '<')) return escape + " without <name>";
  return std::nullopt;
}

bool is_hex4(std::string_view p, size_t at) {
  if (at + 4 > p.size()) return false;
  for (size_t i = at; i < at + 4; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(p[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> non_ecma_construct(std::string_view p) {
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      if (auto problem = check_escape(p, i, in_class)) return problem;
      ++i;
      continue;
    }
    if (in_class) {
      if (c == '[' && is_posix_class(p, i)) return std::string("a POSIX class such as [:alpha:]");
      if (c == ']') in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < p.size() && p[i + 1] == '^') ++i;
      continue;
    }
    if (c == '(' && i + 1 < p.size()) {
      if (p[i + 1] == '*') return std::string("the verb or quantifier '(*'");
      if (p[i + 1] == '?') {
        if (auto problem = check_group(p, i)) return problem;
        ++i;  // the '?' opens the group; it is no quantifier
      }
      continue;
    }
    size_t quantifier_end = std::string_view::npos;
    if (c == '*' || c == '+' || c == '?') {
      quantifier_end = i;
    } else if (c == '{') {
      if (auto end = counted_quantifier_end(p, i)) quantifier_end = *end;
    }
    if (quantifier_end == std::string_view::npos) continue;
    i = quantifier_end;
    if (i + 1 < p.size() && p[i + 1] == '?') ++i;  // lazy
    if (i + 1 < p.size() && p[i + 1] == '+')
      return std::string("a possessive quantifier (such as a++)");
  }
  return std::nullopt;
}

std::string ecma_to_pcre2_source(std::string_view p) {
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '\\' || i + 1 >= p.size()) {
      out += p[i];
      continue;
    }
    // \uHIGH\uLOW: 12 characters naming one code point above U+FFFF.
    if (p[i + 1] == 'u' && is_hex4(p, i + 2) && i + 12 <= p.size() && p[i + 6] == '\\' &&
        p[i + 7] == 'u' && is_hex4(p, i + 8)) {
      unsigned high = std::stoul(std::string(p.substr(i + 2, 4)), nullptr, 16);
      unsigned low = std::stoul(std::string(p.substr(i + 8, 4)), nullptr, 16);
      if (high >= 0xD800 && high <= 0xDBFF && low >= 0xDC00 && low <= 0xDFFF) {
        unsigned code_point = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "\\u{%X}", code_point);
        out += buffer;
        i += 11;
        continue;
      }
    }
    if (p[i + 1] == 'v') {  // ECMA-262: U+000B only; PCRE2: any vertical space
      out += "\\x0B";
      ++i;
      continue;
    }
    out += p[i];
    out += p[i + 1];  // the escaped character: never the start of another escape
    ++i;
  }
  return out;
}

}  // namespace apiserver::validate
