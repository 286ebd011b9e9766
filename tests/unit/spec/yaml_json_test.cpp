// Unit tests of YAML/JSON parsing into JSON values: YAML 1.2 core-schema scalars, string keys,
// source positions, duplicate keys, alias cycles and bombs, and nesting bounds.
#include "spec/yaml_json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace apiserver::spec {
namespace {

using nlohmann::ordered_json;

ordered_json parse_ok(const std::string& text) {
  ParsedText out;
  ParseFailure failure;
  EXPECT_TRUE(parse_yaml_text(text, out, failure))
      << text << "\n-> " << failure.position.line << ":" << failure.position.column << " "
      << failure.message;
  return out.root;
}

ParseFailure parse_fails(const std::string& text) {
  ParsedText out;
  ParseFailure failure;
  EXPECT_FALSE(parse_yaml_text(text, out, failure)) << text;
  return failure;
}

ordered_json scalar(const std::string& yaml_value) {
  return parse_ok("v: " + yaml_value + "\n")["v"];
}

TEST(ParseYamlText, ResolvesNullsOfTheCoreSchema) {
  for (const char* text : {"null", "Null", "NULL", "~", ""})
    EXPECT_TRUE(scalar(text).is_null()) << text;
}

TEST(ParseYamlText, ResolvesBooleansOfTheCoreSchema) {
  for (const char* text : {"true", "True", "TRUE"}) EXPECT_EQ(scalar(text), true) << text;
  for (const char* text : {"false", "False", "FALSE"}) EXPECT_EQ(scalar(text), false) << text;
}

TEST(ParseYamlText, KeepsYaml11BooleanWordsAsStrings) {
  for (const char* text : {"yes", "no", "on", "off", "y", "n", "tRUE"})
    EXPECT_EQ(scalar(text), text) << "YAML 1.2 core schema: '" << text << "' is a string";
}

TEST(ParseYamlText, ResolvesIntegers) {
  EXPECT_EQ(scalar("12"), 12);
  EXPECT_TRUE(scalar("12").is_number_integer());
  EXPECT_EQ(scalar("-12"), -12);
  EXPECT_EQ(scalar("+12"), 12);
  EXPECT_EQ(scalar("0"), 0);
  EXPECT_EQ(scalar("012"), 12) << "core schema: decimal, not octal";
  EXPECT_EQ(scalar("0x1F"), 31);
  EXPECT_EQ(scalar("0o17"), 15);
  EXPECT_EQ(scalar("5000000000"), 5000000000LL);
  EXPECT_EQ(scalar("-9223372036854775808"), std::numeric_limits<long long>::min());
  EXPECT_EQ(scalar("18446744073709551615").get<unsigned long long>(), 18446744073709551615ULL);
}

TEST(ParseYamlText, ResolvesIntegersTooLargeForSixtyFourBitsAsFloats) {
  ordered_json v = scalar("99999999999999999999");
  ASSERT_TRUE(v.is_number_float());
  EXPECT_DOUBLE_EQ(v.get<double>(), 1e20);
}

TEST(ParseYamlText, ResolvesFloats) {
  EXPECT_DOUBLE_EQ(scalar("1.5").get<double>(), 1.5);
  EXPECT_TRUE(scalar("1.5").is_number_float());
  EXPECT_DOUBLE_EQ(scalar("-1.5e-3").get<double>(), -0.0015);
  EXPECT_DOUBLE_EQ(scalar(".5").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(scalar("1e3").get<double>(), 1000.0);
  EXPECT_TRUE(scalar("1e3").is_number_float());
  EXPECT_DOUBLE_EQ(scalar("1.").get<double>(), 1.0);
  EXPECT_TRUE(std::isinf(scalar(".inf").get<double>()));
  EXPECT_GT(scalar(".inf").get<double>(), 0);
  EXPECT_LT(scalar("-.Inf").get<double>(), 0);
}

TEST(ParseYamlText, KeepsNumberLikeTextThatIsNotInTheCoreSchemaAsStrings) {
  for (const char* text : {"1_000", "1e", "1.2.3", "0xZZ", "12:30", "1,5", "0b101", "v1"})
    EXPECT_TRUE(scalar(text).is_string()) << text;
}

TEST(ParseYamlText, KeepsQuotedScalarsAsStrings) {
  EXPECT_EQ(scalar("'12'"), "12");
  EXPECT_EQ(scalar("\"true\""), "true");
  EXPECT_EQ(scalar("'null'"), "null");
  EXPECT_EQ(scalar("\"~\""), "~");
  EXPECT_EQ(scalar("''"), "");
  EXPECT_EQ(scalar("'0x10'"), "0x10");
  EXPECT_EQ(scalar("!!str 5"), "5");
}

TEST(ParseYamlText, ReadsBlockScalarsAsStrings) {
  EXPECT_EQ(parse_ok("a: |\n  line1\n  line2\n")["a"], "line1\nline2\n");
  EXPECT_EQ(parse_ok("a: >-\n  12\n")["a"], "12") << "a block scalar is never a number";
}

TEST(ParseYamlText, MakesEveryMappingKeyAString) {
  ordered_json root = parse_ok("200:\n  description: ok\n404: x\ntrue: 1\n1.5: 2\n");
  EXPECT_TRUE(root.contains("200"));
  EXPECT_TRUE(root.contains("404"));
  EXPECT_TRUE(root.contains("true"));
  EXPECT_TRUE(root.contains("1.5"));
  EXPECT_EQ(root["200"]["description"], "ok");
}

// A plain `null` or `~` mapping key is a Null node to yaml-cpp; it still becomes a string key
// ("~" has no text left to keep, so it reads as "null").
TEST(ParseYamlText, MakesANullLikeMappingKeyAString) {
  ordered_json root = parse_ok("a: 1\nnull: 2\n");
  EXPECT_EQ(root["null"], 2);
  EXPECT_EQ(parse_ok("~: 3\n")["null"], 3);
}

TEST(ParseYamlText, KeepsMappingKeyOrder) {
  ordered_json root = parse_ok("zeta: 1\nalpha: 2\nmid: 3\n");
  std::string keys;
  for (const auto& [k, v] : root.items()) keys += k + ",";
  EXPECT_EQ(keys, "zeta,alpha,mid,");
}

TEST(ParseYamlText, ParsesJson) {
  ordered_json root = parse_ok(R"({"a": [1, 2.5, "x", null, true], "b": {}, "c": "12"})");
  EXPECT_EQ(root["a"], ordered_json::parse(R"([1, 2.5, "x", null, true])"));
  EXPECT_TRUE(root["b"].is_object());
  EXPECT_EQ(root["c"], "12");
}

TEST(ParseYamlText, AcceptsCrlfLineEndingsAndAByteOrderMark) {
  EXPECT_EQ(parse_ok("a: 1\r\nb:\r\n  c: 2\r\n"), ordered_json::parse(R"({"a":1,"b":{"c":2}})"));
  EXPECT_EQ(parse_ok("\xEF\xBB\xBF"
                     "a: 1\n"),
            ordered_json::parse(R"({"a":1})"));
}

TEST(ParseYamlText, ExpandsAliases) {
  ordered_json root = parse_ok("a: &x {k: [1, 2]}\nb: *x\n");
  EXPECT_EQ(root["b"], root["a"]);
}

TEST(ParseYamlText, RecordsTheLineAndColumnOfEveryNode) {
  ParsedText out;
  ParseFailure failure;
  ASSERT_TRUE(parse_yaml_text("a:\n  b: 1\n  c:\n    - x\n    - y: 2\n", out, failure));
  auto at = [&](const std::string& pointer) {
    auto it = out.positions.find(pointer);
    EXPECT_NE(it, out.positions.end()) << pointer;
    return it == out.positions.end() ? std::make_pair(-1, -1)
                                     : std::make_pair(it->second.line, it->second.column);
  };
  EXPECT_EQ(at(""), std::make_pair(1, 1));
  EXPECT_EQ(at("/a/b"), std::make_pair(2, 6));
  EXPECT_EQ(at("/a/c/0"), std::make_pair(4, 7));
  EXPECT_EQ(at("/a/c/1/y"), std::make_pair(5, 10));
  EXPECT_EQ(out.positions.size(), 7u);
}

TEST(ParseYamlText, EscapesPointerTokensInPositions) {
  ParsedText out;
  ParseFailure failure;
  ASSERT_TRUE(parse_yaml_text("paths:\n  /todos/{id}:\n    get: {}\n  a~b: 1\n", out, failure));
  EXPECT_TRUE(out.positions.count("/paths/~1todos~1{id}/get"));
  EXPECT_TRUE(out.positions.count("/paths/a~0b"));
  EXPECT_EQ(out.positions["/paths/~1todos~1{id}/get"].line, 3);
}

TEST(ParseYamlText, ReportsSyntaxErrorsWithAPosition) {
  ParseFailure failure = parse_fails("a: 1\nb: [1, 2\n");
  EXPECT_GT(failure.position.line, 0);
  EXPECT_FALSE(failure.message.empty());
  ParseFailure tab = parse_fails("a:\n\tb: 1\n");
  EXPECT_EQ(tab.position.line, 2);
}

TEST(ParseYamlText, RejectsDuplicateKeysNamingTheKeyAndLine) {
  ParseFailure failure = parse_fails("a: 1\nb: 2\na: 3\n");
  EXPECT_NE(failure.message.find("duplicate key 'a'"), std::string::npos) << failure.message;
  EXPECT_EQ(failure.position.line, 3);
  ParseFailure nested = parse_fails("x:\n  y: 1\n  y: 2\n");
  EXPECT_EQ(nested.position.line, 3);
  EXPECT_EQ(nested.position.column, 3);
}

TEST(ParseYamlText, RejectsDuplicateKeysThatDifferOnlyInQuoting) {
  ParseFailure failure = parse_fails("200: a\n'200': b\n");
  EXPECT_NE(failure.message.find("200"), std::string::npos);
}

TEST(ParseYamlText, RejectsComplexMappingKeys) {
  ParseFailure failure = parse_fails("? [a, b]\n: 1\n");
  EXPECT_NE(failure.message.find("key"), std::string::npos);
}

TEST(ParseYamlText, RejectsAliasCyclesWithAMessage) {
  for (const char* text :
       {"a: &a [*a]\n", "&a {b: *a}\n", "a: &a\n  - x\n  - *a\n", "a: &a {b: {c: *a}}\n"}) {
    ParseFailure failure = parse_fails(text);
    EXPECT_NE(failure.message.find("alias"), std::string::npos) << text << ": " << failure.message;
  }
}

TEST(ParseYamlText, RejectsNestingDeeperThanTheBound) {
  std::string deep(300, '[');
  deep += std::string(300, ']');
  ParseFailure failure = parse_fails(deep);
  EXPECT_NE(failure.message.find("deeper"), std::string::npos) << failure.message;
  std::string fine(150, '[');
  fine += std::string(150, ']');
  parse_ok(fine);
}

TEST(ParseYamlText, AcceptsModestAliasReuse) {
  // 10^4 expanded nodes: ordinary reuse of anchors must keep working.
  std::string text = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  std::string previous = "a";
  for (char c = 'b'; c <= 'd'; ++c) {
    std::string name(1, c);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ",*" : "*") + previous;
    text += "]\n";
    previous = name;
  }
  ordered_json root = parse_ok(text);
  EXPECT_EQ(root["d"].size(), 10u);
  EXPECT_EQ(root["d"][9][9][9][9], "x");
}

// The "billion laughs" document (332 bytes, 10^9 nodes once expanded) is refused within the
// alias budget, long before memory or time run out.
TEST(ParseYamlText, RejectsAnAliasBombQuickly) {
  std::string text = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  std::string previous = "a";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string name(1, c);
    text += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ",*" : "*") + previous;
    text += "]\n";
    previous = name;
  }
  // Refused by the alias budget, not by running out of memory or time: the message says so.
  ParseFailure failure = parse_fails(text);
  EXPECT_NE(failure.message.find("alias"), std::string::npos) << failure.message;
}

TEST(ParseYamlText, ReadsAnEmptyDocumentAsNull) {
  EXPECT_TRUE(parse_ok("").is_null());
  EXPECT_TRUE(parse_ok("# only a comment\n").is_null());
}

TEST(ParseYamlText, ClearsPositionsOfAPreviousParse) {
  ParsedText out;
  ParseFailure failure;
  ASSERT_TRUE(parse_yaml_text("a: {b: {c: 1}}\n", out, failure));
  ASSERT_TRUE(parse_yaml_text("x: 1\n", out, failure));
  EXPECT_FALSE(out.positions.count("/a/b"));
  EXPECT_TRUE(out.positions.count("/x"));
}

}  // namespace
}  // namespace apiserver::spec
