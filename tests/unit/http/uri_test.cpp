// Unit tests of percent-decoding, percent-encoding and query-string splitting.
#include "http/uri.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "text/percent_encoding.hpp"

namespace apiserver::http {
namespace {

std::string decode(std::string_view in, bool plus_is_space = false) {
  std::string out;
  EXPECT_TRUE(text::percent_decode(in, out, plus_is_space)) << in;
  return out;
}

bool decodes(std::string_view in) {
  std::string out;
  return text::percent_decode(in, out, false);
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
  ASSERT_TRUE(text::percent_decode("x", out, false));
  EXPECT_EQ(out, "x");
}

TEST(PercentEncode, KeepsUnreservedCharactersOnly) {
  EXPECT_EQ(text::percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(text::percent_encode("a b/c?d"), "a%20b%2Fc%3Fd");
  EXPECT_EQ(text::percent_encode("+&=%"), "%2B%26%3D%25");
  EXPECT_EQ(text::percent_encode("\xC3\xA9"), "%C3%A9");
  EXPECT_EQ(text::percent_encode(std::string("\0", 1)), "%00");
  EXPECT_EQ(text::percent_encode(""), "");
}

TEST(PercentEncode, RoundTripsEveryByteThroughDecode) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string encoded = text::percent_encode(all);
  EXPECT_EQ(encoded.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"),
            std::string::npos);
  EXPECT_EQ(decode(encoded), all);
  EXPECT_EQ(decode(encoded, true), all) << "encoded text holds no '+'";
}

TEST(ParseQuery, KeepsOrderAndRepeatedKeys) {
  QueryParams params;
  ASSERT_TRUE(parse_query("a=1&b=2&a=3", params));
  EXPECT_EQ(params, (QueryParams{{"a", "1"}, {"b", "2"}, {"a", "3"}}));
}

TEST(ParseQuery, DecodesPlusAsSpaceAndEscapesInKeysAndValues) {
  QueryParams params;
  ASSERT_TRUE(parse_query("first+name=J%C3%B6rg+M&q%5B0%5D=a%2Bb&x=%26%3D", params));
  EXPECT_EQ(params, (QueryParams{{"first name", "J\xC3\xB6rg M"}, {"q[0]", "a+b"}, {"x", "&="}}));
}

TEST(ParseQuery, GivesAKeyWithoutEqualsAnEmptyValue) {
  QueryParams params;
  ASSERT_TRUE(parse_query("flag&x=", params));
  EXPECT_EQ(params, (QueryParams{{"flag", ""}, {"x", ""}}));
}

TEST(ParseQuery, SplitsOnlyAtTheFirstEquals) {
  QueryParams params;
  ASSERT_TRUE(parse_query("expr=a=b", params));
  EXPECT_EQ(params, (QueryParams{{"expr", "a=b"}}));
}

TEST(ParseQuery, SkipsEmptyPairs) {
  QueryParams params;
  ASSERT_TRUE(parse_query("&&a=1&&b=2&", params));
  EXPECT_EQ(params, (QueryParams{{"a", "1"}, {"b", "2"}}));
  ASSERT_TRUE(parse_query("", params));
  EXPECT_TRUE(params.empty());
}

TEST(ParseQuery, KeepsAnEmptyKey) {
  QueryParams params;
  ASSERT_TRUE(parse_query("=v", params));
  EXPECT_EQ(params, (QueryParams{{"", "v"}}));
}

TEST(ParseQuery, RejectsMalformedEscapesInKeysOrValues) {
  QueryParams params;
  EXPECT_FALSE(parse_query("a=%zz", params));
  EXPECT_FALSE(parse_query("a%=1", params));
  EXPECT_FALSE(parse_query("ok=1&bad=%4", params));
}

TEST(ParseQuery, ClearsTheOutputFirst) {
  QueryParams params{{"stale", "1"}};
  ASSERT_TRUE(parse_query("a=1", params));
  EXPECT_EQ(params, (QueryParams{{"a", "1"}}));
}

TEST(ParseQuery, NeverCrashesOnRandomInput) {
  std::mt19937 rng(7);
  const std::string alphabet = "ab=&%+0F9g ";
  for (int round = 0; round < 5000; ++round) {
    std::string raw;
    for (size_t i = 0, n = rng() % 24; i < n; ++i) raw += alphabet[rng() % alphabet.size()];
    QueryParams params;
    if (parse_query(raw, params)) {
      for (const auto& [key, value] : params) {
        EXPECT_EQ(key.find('&'), std::string::npos) << raw;
        EXPECT_EQ(value.find('&'), std::string::npos) << raw;
      }
    }
  }
}

}  // namespace
}  // namespace apiserver::http
