// Unit tests of the JSON string writer shared by the store and the access log.
#include "text/json_escape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace apiserver::text {
namespace {

using namespace std::string_literals;

std::string as_json(std::string_view s) {
  std::string out = "prefix:";
  append_json_string(s, out);
  return out.substr(7);
}

TEST(JsonEscape, CopiesPlainTextBetweenQuotes) {
  EXPECT_EQ(as_json(""), "\"\"");
  EXPECT_EQ(as_json("GET"), "\"GET\"");
  EXPECT_EQ(as_json("/todos/{id}"), "\"/todos/{id}\"") << "'/' is not escaped";
}

TEST(JsonEscape, AppendsToWhatIsThere) {
  std::string out = "{\"a\":";
  append_json_string("b", out);
  EXPECT_EQ(out, "{\"a\":\"b\"");
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(as_json("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(as_json("\b\t\n\f\r"), R"("\b\t\n\f\r")");
  EXPECT_EQ(as_json("\x01\x1f"), R"("\u0001\u001f")");
  EXPECT_EQ(as_json("a\0b"s), R"("a\u0000b")");
  EXPECT_EQ(as_json("\x7f"), "\"\x7f\"") << "DEL is no control character to JSON";
}

TEST(JsonEscape, CopiesWellFormedUtf8) {
  const std::string text = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(as_json(text), "\"" + text + "\"");
}

TEST(JsonEscape, ReplacesEachByteOfMalformedUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json("a\xFF"
                    "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(as_json("\xC0\xAF"), "\"" + fffd + fffd + "\"") << "overlong";
  EXPECT_EQ(as_json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"") << "surrogate";
  EXPECT_EQ(as_json("\xE2\x82"), "\"" + fffd + fffd + "\"") << "truncated";
  EXPECT_EQ(as_json("\xE2\x82x"), "\"" + fffd + fffd + "x\"");
}

TEST(JsonEscape, AlwaysWritesJsonThatReadsBackAsOneString) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  const std::string json = as_json(all);
  ASSERT_TRUE(nlohmann::json::accept(json)) << json;
  const auto value = nlohmann::json::parse(json);
  ASSERT_TRUE(value.is_string());
  EXPECT_EQ(value.get<std::string>().substr(0, 128), all.substr(0, 128));
}

}  // namespace
}  // namespace apiserver::text
