// Unit tests of query-string splitting (percent-encoding itself: tests/unit/text).
#include "http/uri.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace apiserver::http {
namespace {

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
