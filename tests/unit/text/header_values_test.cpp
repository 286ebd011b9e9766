// Unit tests of list-valued header reading: separators inside quotes, escapes, blanks, case.
#include "text/header_values.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace apiserver::text {
namespace {

TEST(SplitUnquoted, SplitsOutsideQuotesAndTrims) {
  EXPECT_EQ(split_unquoted("a, b ,c", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_unquoted("x=\"1,2\", y", ','), (std::vector<std::string>{"x=\"1,2\"", "y"}));
  EXPECT_EQ(split_unquoted("x=\"a\\\",b\", y", ','),
            (std::vector<std::string>{"x=\"a\\\",b\"", "y"}));
  EXPECT_EQ(split_unquoted("a;;b", ';'), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_unquoted("", ','), (std::vector<std::string>{""}));
  // An unterminated quote runs to the end rather than splitting inside it.
  EXPECT_EQ(split_unquoted("x=\"a,b", ','), (std::vector<std::string>{"x=\"a,b"}));
}

TEST(Unquote, RemovesQuotesAndEscapes) {
  EXPECT_EQ(unquote("\"a\\\"b\""), "a\"b");
  EXPECT_EQ(unquote("plain"), "plain");
  EXPECT_EQ(unquote("\"\""), "");
  EXPECT_EQ(unquote("\""), "\"");
}

TEST(AsciiLower, LowersOnlyAsciiLetters) {
  EXPECT_EQ(ascii_lower("Content-TYPE"), "content-type");
  EXPECT_EQ(ascii_lower("\xC3\x89t\xC3\xA9"), "\xC3\x89t\xC3\xA9");
  EXPECT_EQ(trim_blanks(" \t a b \t"), "a b");
}

}  // namespace
}  // namespace apiserver::text

namespace apiserver::text {
namespace {

TEST(AsciiIequals, IgnoresTheCaseOfLettersOnly) {
  EXPECT_TRUE(ascii_iequals("Content-Encoding", "content-encoding"));
  EXPECT_FALSE(ascii_iequals("content-encoding", "content-encodin"));
  EXPECT_FALSE(ascii_iequals("a-b", "a_b"));
}

}  // namespace
}  // namespace apiserver::text
