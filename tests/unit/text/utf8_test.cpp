#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::text {
namespace {

struct Malformed {
  const char* why;
  std::string bytes;
};

TEST(Utf8, DecodesEveryLengthAndEncodesItBack) {
  const std::u32string points = {U'a', U'\u00e9', U'\u20ac', U'\U0001F600', U'\U0010FFFF'};
  std::string encoded;
  for (char32_t cp : points) append_utf8(cp, encoded);
  EXPECT_EQ(encoded, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  std::u32string decoded;
  ASSERT_TRUE(decode_utf8(encoded, decoded));
  EXPECT_EQ(decoded, points);
  EXPECT_EQ(code_point_count(encoded), 5u);
  EXPECT_TRUE(is_valid_utf8(encoded));
}

TEST(Utf8, RefusesWhatRfc3629CallsMalformed) {
  const Malformed cases[] = {
      {"a lone continuation byte", "\x80"},
      {"an overlong slash", "\xC0\xAF"},
      {"an overlong three-byte NUL", "\xE0\x80\x80"},
      {"a high surrogate", "\xED\xA0\x80"},
      {"a low surrogate", "\xED\xBF\xBF"},
      {"a value above U+10FFFF", "\xF4\x90\x80\x80"},
      {"a five-byte lead", "\xF8\x88\x80\x80\x80"},
      {"a truncated sequence", "\xE2\x82"},
      {"a sequence broken by ASCII", "\xE2\x41\xAC"},
  };
  for (const Malformed& c : cases) {
    std::u32string out;
    EXPECT_FALSE(is_valid_utf8(c.bytes)) << c.why;
    EXPECT_FALSE(decode_utf8(c.bytes, out)) << c.why;
    EXPECT_EQ(sequence_length(c.bytes, 0), 0u) << c.why;
  }
}

TEST(Utf8, NextCodePointLeavesItsPositionAloneOnFailure) {
  const std::string s = "\xC3\xA9\xC3";
  size_t i = 0;
  char32_t cp = 0;
  ASSERT_TRUE(next_code_point(s, i, cp));
  EXPECT_EQ(cp, U'\u00e9');
  EXPECT_EQ(i, 2u);
  EXPECT_FALSE(next_code_point(s, i, cp));
  EXPECT_EQ(i, 2u);
  EXPECT_EQ(cp, U'\u00e9');
}

}  // namespace
}  // namespace apiserver::text
