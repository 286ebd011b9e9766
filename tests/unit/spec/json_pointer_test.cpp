// Unit tests of the RFC 6901 JSON pointer helpers.
#include "spec/json_pointer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace apiserver::spec {
namespace {

using nlohmann::ordered_json;
using Tokens = std::vector<std::string>;

TEST(JsonPointer, EscapesTildeBeforeSlash) {
  EXPECT_EQ(escape_pointer_token("a/b"), "a~1b");
  EXPECT_EQ(escape_pointer_token("a~b"), "a~0b");
  EXPECT_EQ(escape_pointer_token("~1"), "~01") << "'~' first, so '~1' does not become '/'";
  EXPECT_EQ(escape_pointer_token("/todos/{id}"), "~1todos~1{id}");
  EXPECT_EQ(escape_pointer_token(""), "");
}

TEST(JsonPointer, AppendsAnEscapedToken) {
  EXPECT_EQ(append_pointer("", "paths"), "/paths");
  EXPECT_EQ(append_pointer("/paths", "/todos"), "/paths/~1todos");
  EXPECT_EQ(append_pointer("/a", ""), "/a/");
}

TEST(JsonPointer, SplitsAndUnescapesTokens) {
  EXPECT_EQ(split_pointer(""), Tokens{});
  EXPECT_EQ(split_pointer("/"), Tokens{""});
  EXPECT_EQ(split_pointer("/a/b"), (Tokens{"a", "b"}));
  EXPECT_EQ(split_pointer("/paths/~1todos~1{id}/get"), (Tokens{"paths", "/todos/{id}", "get"}));
  EXPECT_EQ(split_pointer("/~01"), Tokens{"~1"});
  EXPECT_EQ(split_pointer("/a//b"), (Tokens{"a", "", "b"}));
}

TEST(JsonPointer, RefusesInvalidPointers) {
  EXPECT_FALSE(split_pointer("a/b"));
  EXPECT_FALSE(split_pointer("/a~"));
  EXPECT_FALSE(split_pointer("/a~2"));
  EXPECT_FALSE(split_pointer("#/a"));
}

TEST(JsonPointer, RoundTripsEscapedTokens) {
  for (const std::string token : {"a", "/", "~", "~1", "a/b~c", "", "{id}"}) {
    auto tokens = split_pointer(append_pointer("", token));
    ASSERT_TRUE(tokens);
    EXPECT_EQ(*tokens, Tokens{token});
  }
}

TEST(JsonPointer, FindsNodesInObjectsAndArrays) {
  ordered_json doc = ordered_json::parse(R"({"a": {"b/c": [10, {"d": true}]}, "": 5, "m~n": 6})");
  EXPECT_EQ(find_pointer(doc, ""), &doc);
  ASSERT_NE(find_pointer(doc, "/a/b~1c/0"), nullptr);
  EXPECT_EQ(*find_pointer(doc, "/a/b~1c/0"), 10);
  EXPECT_EQ(*find_pointer(doc, "/a/b~1c/1/d"), true);
  EXPECT_EQ(*find_pointer(doc, "/"), 5);
  EXPECT_EQ(*find_pointer(doc, "/m~0n"), 6);
}

TEST(JsonPointer, FindsNothingForMissingOrInvalidPaths) {
  ordered_json doc = ordered_json::parse(R"({"a": [1, 2, 3], "s": "text"})");
  EXPECT_EQ(find_pointer(doc, "/b"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/3"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/-"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/01"), nullptr) << "no leading zeros";
  EXPECT_EQ(find_pointer(doc, "/a/-1"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/1e0"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a/99999999999999999999"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/s/0"), nullptr) << "strings have no children";
  EXPECT_EQ(find_pointer(doc, "a"), nullptr);
  EXPECT_EQ(find_pointer(doc, "/a~"), nullptr);
}

}  // namespace
}  // namespace apiserver::spec
