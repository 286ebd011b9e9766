#include "text/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace apiserver::text {
namespace {

TEST(JsonText, AcceptsEveryKindOfValue) {
  for (const std::string& text :
       std::vector<std::string>{"null",
                                "true",
                                "false",
                                "0",
                                "-0",
                                "12",
                                "-3.25",
                                "1e5",
                                "1E+5",
                                "2.5e-3",
                                "\"\"",
                                "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
                                "\"\\u00e9\\uD83D\\uDE00\"",
                                "\"caf\xC3\xA9\"",
                                "[]",
                                "{}",
                                " [ 1 , \"x\" , null ] ",
                                "{\"a\":{\"b\":[1,{\"c\":[]}]},\"d\":false}",
                                "\t\r\n{ \"k\" : [ ] }\n",
                                "123456789012345678901234567890",
                                "1e-400",
                                "[" + std::string(300, '[') + std::string(300, ']') + "]"}) {
    EXPECT_TRUE(is_json_text(text)) << text;
    EXPECT_TRUE(nlohmann::json::accept(text)) << text;  // the same as the library
  }
}

TEST(JsonText, RefusesWhatIsNotOneJsonValue) {
  for (const std::string& text : std::vector<std::string>{
           "",
           " ",
           "nul",
           "True",
           "01",
           "-",
           "1.",
           ".5",
           "1e",
           "+1",
           "0x10",
           "[1,]",
           "[1 2]",
           "{\"a\"}",
           "{\"a\":}",
           "{a:1}",
           "{\"a\":1,}",
           "{,}",
           "[",
           "]",
           "{\"a\":1",
           "[1]]",
           "1 2",
           "\"abc",
           "'x'",
           "\"\\x\"",
           "\"\\u12\"",
           "\"\\uZZZZ\"",
           "\"\\uDE00\"",         // a low surrogate alone
           "\"\\uD83D\"",         // a high surrogate alone
           "\"\\uD83D\\u0041\"",  // followed by no low surrogate
           "\"a\tb\"",            // a raw control character
           "\"\xC3\"",            // a cut UTF-8 sequence
           "\"\xC0\xAF\"",        // an overlong form
           "\"\xED\xA0\x80\"",    // an encoded surrogate
           "1e400",
           "-1e400",
           "1" + std::string(400, '0'),  // beyond a double
           "[" + std::string(300, '[') + std::string(299, ']') + "]",
       }) {
    EXPECT_FALSE(is_json_text(text)) << text;
    EXPECT_FALSE(nlohmann::json::accept(text)) << text;  // the same as the library
  }
}

// nlohmann stops reading at a NUL byte and would accept what comes before it; sent as it is,
// the bytes after it would reach the client inside the answer.
TEST(JsonText, RefusesANulByteAnywhere) {
  const std::string text("[1]\0garbage", 11);
  EXPECT_TRUE(nlohmann::json::accept(text));
  EXPECT_FALSE(is_json_text(text));
  EXPECT_FALSE(is_json_text(std::string("\"a\0b\"", 5)));
  // Nested deeper than the scanner follows: nlohmann decides, on text without a NUL only.
  const std::string deep = std::string(300, '[') + std::string(300, ']');
  EXPECT_TRUE(is_json_text(deep));
  EXPECT_FALSE(is_json_text(deep + std::string(1, '\0') + "garbage"));
}

}  // namespace
}  // namespace apiserver::text
