// Unit tests of percent-decoding and percent-encoding (RFC 3986, HTML forms).
#include "text/percent_encoding.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::text {
namespace {

std::string decode(std::string_view in, bool plus_is_space = false) {
  std::string out;
  EXPECT_TRUE(percent_decode(in, out, plus_is_space)) << in;
  return out;
}

bool decodes(std::string_view in) {
  std::string out;
  return percent_decode(in, out, false);
}

TEST(PercentDecode, DecodesEscapesOfBothCases) {
  EXPECT_EQ(decode("a%20b"), "a b");
  EXPECT_EQ(decode("%2f%2F"), "//");
  EXPECT_EQ(decode("%C3%A9t%c3%a9"), "\xC3\xA9t\xC3\xA9");
}

TEST(PercentDecode, LeavesPlainTextAlone) {
  EXPECT_EQ(decode(""), "");
  EXPECT_EQ(decode("/todos/1"), "/todos/1");
  EXPECT_EQ(decode("~-._!$&'()*,;=:@"), "~-._!$&'()*,;=:@");
}

TEST(PercentDecode, DecodesNulAndHighBytes) {
  EXPECT_EQ(decode("a%00b"), std::string("a\0b", 3));
  EXPECT_EQ(decode("%FF"), "\xFF");
}

TEST(PercentDecode, TreatsPlusAsSpaceOnlyWhenAsked) {
  EXPECT_EQ(decode("a+b", false), "a+b");
  EXPECT_EQ(decode("a+b", true), "a b");
  EXPECT_EQ(decode("a%2Bb", true), "a+b");
}

TEST(PercentDecode, RejectsMalformedEscapes) {
  for (const char* bad : {"%", "%4", "a%", "a%g0", "%0g", "%%", "%-1", "% 1", "100%"}) {
    EXPECT_FALSE(decodes(bad)) << bad;
  }
}

TEST(PercentDecode, ClearsTheOutputFirst) {
  std::string out = "stale";
  ASSERT_TRUE(percent_decode("x", out, false));
  EXPECT_EQ(out, "x");
}

TEST(PercentEncode, KeepsUnreservedCharactersOnly) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b/c?d"), "a%20b%2Fc%3Fd");
  EXPECT_EQ(percent_encode("+&=%"), "%2B%26%3D%25");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(percent_encode(std::string("\0", 1)), "%00");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncode, RoundTripsEveryByteThroughDecode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string encoded = percent_encode(all);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"),
            std::string::npos);
  EXPECT_EQ(decode(encoded), all);
  EXPECT_EQ(decode(encoded, true), all) << "encoded text holds no '+'";
}

}  // namespace
}  // namespace apiserver::text
