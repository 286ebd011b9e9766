#include "text/json_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "text/hex_digit.hpp"
#include "text/utf8.hpp"

namespace apiserver::text {
namespace {

// Containers open at once that the check follows itself; deeper text goes to nlohmann, which
// has no limit (and allocates).
constexpr size_t kMaxDepth = 256;

class Scanner {
 public:
  explicit Scanner(std::string_view text) : s_(text) {}

  // kValid, kInvalid, or kTooDeep when the text nests deeper than kMaxDepth.
  enum class Verdict { kValid, kInvalid, kTooDeep };

  Verdict run() {
    // After a value: in an object, ',' or '}'; in an array, ',' or ']'; at the top, the end.
    skip_space();
    for (;;) {
      if (!value()) return too_deep_ ? Verdict::kTooDeep : Verdict::kInvalid;
      skip_space();
      for (;;) {
        if (depth_ == 0) return i_ == s_.size() ? Verdict::kValid : Verdict::kInvalid;
        if (i_ == s_.size()) return Verdict::kInvalid;
        const char c = s_[i_++];
        const bool in_object = in_object_[depth_ - 1];
        if (c == ',') {
          skip_space();
          if (in_object && !member_name()) return Verdict::kInvalid;
          break;  // the next value
        }
        if (c != (in_object ? '}' : ']')) return Verdict::kInvalid;
        --depth_;
        skip_space();
      }
    }
  }

 private:
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

  // A value, or the opening of a container (and its first member name, or its close when
  // empty). False when invalid.
  bool value() {
    if (i_ == s_.size()) return false;
    switch (s_[i_]) {
      case '{':
      case '[': {
        const bool object = s_[i_] == '{';
        ++i_;
        skip_space();
        if (i_ < s_.size() && s_[i_] == (object ? '}' : ']')) {
          ++i_;  // empty: a complete value
          return true;
        }
        if (depth_ == kMaxDepth) {
          too_deep_ = true;
          return false;
        }
        in_object_[depth_++] = object;
        if (object && !member_name()) return false;
        return value();  // the first member's value (depth bounds this recursion)
      }
      case '"':
        return string();
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return number();
    }
  }

  // `"name"` and ':' with the whitespace around them.
  bool member_name() {
    if (!string()) return false;
    skip_space();
    if (i_ == s_.size() || s_[i_] != ':') return false;
    ++i_;
    skip_space();
    return true;
  }

  bool word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }

  bool digits() {
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
    return i_ > start;
  }

  bool number() {
    const size_t start = i_;
    if (s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') {
      ++i_;
    } else if (i_ == s_.size() || s_[i_] < '1' || s_[i_] > '9' || !digits()) {
      return false;
    }
    bool integral = true;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      if (!digits()) return false;
      integral = false;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (!digits()) return false;
      integral = false;
    }
    return within_range(s_.substr(start, i_ - start), integral);
  }

  // nlohmann refuses a number whose double is infinite (one that fits 64 bits is kept exact).
  static bool within_range(std::string_view token, bool integral) {
    if (integral && token.size() <= 19) return true;  // at most 19 digits fit a double
    double value = 0;
    auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (error != std::errc::result_out_of_range) return true;
    // Out of range is overflow or underflow alike here; strtod tells them apart (rarely run).
    const std::string copy(token);
    return std::isfinite(std::strtod(copy.c_str(), nullptr));
  }

  bool hex4(char32_t& unit) {
    if (s_.size() - i_ < 4) return false;
    unit = 0;
    for (int k = 0; k < 4; ++k) {
      const int digit = hex_digit_value(s_[i_++]);
      if (digit < 0) return false;
      unit = (unit << 4) | static_cast<char32_t>(digit);
    }
    return true;
  }

  bool string() {
    if (i_ == s_.size() || s_[i_] != '"') return false;
    ++i_;
    while (i_ < s_.size()) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') {
        ++i_;
        return true;
      }
      if (c < 0x20) return false;  // control characters are escaped in JSON
      if (c >= 0x80) {
        char32_t ignored;
        if (!next_code_point(s_, i_, ignored)) return false;
        continue;
      }
      ++i_;
      if (c != '\\') continue;
      if (i_ == s_.size()) return false;
      const char e = s_[i_++];
      if (e == 'u') {
        char32_t unit;
        if (!hex4(unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate alone
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          // A high surrogate is followed by an escaped low one.
          if (s_.substr(i_, 2) != "\\u") return false;
          i_ += 2;
          if (!hex4(unit) || unit < 0xDC00 || unit > 0xDFFF) return false;
        }
      } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
        return false;
      }
    }
    return false;
  }

  std::string_view s_;
  size_t i_ = 0;
  size_t depth_ = 0;
  bool too_deep_ = false;
  bool in_object_[kMaxDepth] = {};
};

}  // namespace

bool is_json_text(std::string_view text) {
  switch (Scanner(text).run()) {
    case Scanner::Verdict::kValid:
      return true;
    case Scanner::Verdict::kInvalid:
      return false;
    case Scanner::Verdict::kTooDeep:
      break;
  }
  // The scanner refuses a NUL byte wherever it comes (a control character in a string, no
  // token outside one); nlohmann would stop reading there, so it only sees text without one.
  return text.find('\0') == std::string_view::npos && nlohmann::json::accept(text);
}

}  // namespace apiserver::text
