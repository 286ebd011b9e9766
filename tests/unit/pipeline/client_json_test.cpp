// Unit tests of parsing client JSON: numbers beyond a double (1e400, -1e400, long integers)
// are reported with their pointer instead of escaping as an exception, NaN and Infinity are
// syntax errors, and parse_json_body turns each into the problem a client is answered.
#include "pipeline/client_json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "pipeline/body.hpp"

namespace apiserver::pipeline {
namespace {

using Kind = ClientJsonError::Kind;
using nlohmann::json;

ClientJsonError error_of(const std::string& text) {
  json out;
  std::optional<ClientJsonError> error = parse_client_json(text, out);
  EXPECT_TRUE(error) << text;
  return error.value_or(ClientJsonError{});
}

TEST(ClientJson, ParsesOrdinaryJsonAndNumbersAtTheEdgeOfADouble) {
  json out;
  ASSERT_FALSE(parse_client_json(R"({"amount": 1.7976931348623157e308, "tiny": 1e-400})", out));
  EXPECT_EQ(out["amount"].get<double>(), 1.7976931348623157e308);
  EXPECT_EQ(out["tiny"].get<double>(), 0.0);  // underflow rounds to zero: still a number
}

TEST(ClientJson, ReportsAnOverflowingNumberWithItsPointer) {
  ClientJsonError e = error_of(R"({"amount": 1e400})");
  EXPECT_EQ(e.kind, Kind::kNumberOutOfRange);
  EXPECT_EQ(e.pointer, "/amount");
  EXPECT_EQ(e.message,
            "number 1e400 is out of range: JSON numbers here must fit a 64-bit double "
            "(magnitude at most 1.7976931348623157e308)");
}

TEST(ClientJson, ReportsNegativeAndIntegerOverflowsToo) {
  ClientJsonError negative = error_of(R"({"amount": -1e400})");
  EXPECT_EQ(negative.kind, Kind::kNumberOutOfRange);
  EXPECT_EQ(negative.pointer, "/amount");
  EXPECT_NE(negative.message.find("number -1e400 is out of range"), std::string::npos);

  // An integer too long for 64 bits is read as a double, which overflows past 309 digits.
  ClientJsonError digits = error_of("{\"n\": 1" + std::string(400, '0') + "}");
  EXPECT_EQ(digits.kind, Kind::kNumberOutOfRange);
  EXPECT_EQ(digits.pointer, "/n");
  EXPECT_NE(digits.message.find("number 1" + std::string(31, '0') + "... (401 characters) is"),
            std::string::npos)
      << digits.message;
}

TEST(ClientJson, PointsIntoArraysAndNestedObjectsAndEscapesKeys) {
  EXPECT_EQ(error_of(R"({"items": [1, {"a": [2]}, {"price": 2e308}]})").pointer, "/items/2/price");
  EXPECT_EQ(error_of(R"([[], [1, 2, 3e999]])").pointer, "/1/2");
  EXPECT_EQ(error_of(R"({"a/b": {"c~d": 1E+400}})").pointer, "/a~1b/c~0d");
  EXPECT_EQ(error_of("1e400").pointer, "");
  // The member being read, not one read before it.
  EXPECT_EQ(error_of(R"({"first": 1, "second": {"x": true}, "third": -9e9999})").pointer, "/third");
}

TEST(ClientJson, RefusesNanAndInfinityAsSyntax) {
  for (const char* text : {R"({"a": NaN})", R"({"a": Infinity})", R"({"a": -Infinity})",
                           R"({"a": nan})", R"({"a": inf})"}) {
    ClientJsonError e = error_of(text);
    EXPECT_EQ(e.kind, Kind::kSyntax) << text;
    EXPECT_EQ(e.message.rfind("parse error at line 1", 0), 0u) << e.message;
  }
}

TEST(ClientJson, RefusesDeepNestingBeforeParsing) {
  ClientJsonError e = error_of(std::string(65, '[') + std::string(65, ']'));
  EXPECT_EQ(e.kind, Kind::kTooDeep);
  EXPECT_EQ(e.message, "the JSON nests deeper than 64 levels");
  json out;
  EXPECT_FALSE(parse_client_json(std::string(64, '[') + std::string(64, ']'), out));
}

TEST(ClientJson, RefusesAMemberTwiceWherever) {
  for (const char* text : {R"({"a": 1, "a": 1})", R"({"a" : 1, "b": {"c": [], "c" : 2}})",
                           R"([{"x": 1}, {"y": 2, "y": 3}])", "{\"k\"\n:\t1,\r\"k\"  :2}",
                           R"({"q\"": 1, "q\"": 2})"}) {
    ClientJsonError e = error_of(text);
    EXPECT_EQ(e.kind, Kind::kDuplicateKey) << text;
    EXPECT_NE(e.message.find("appears twice"), std::string::npos) << e.message;
  }
}

TEST(ClientJson, ColonsAndQuotesInsideStringsAreNoMembers) {
  json out;
  for (const char* text :
       {R"({"a": "x\":y", "b": "c:", "c": ["d", ":"], "e": "\\"})", R"(["a", ":", "b:"])",
        R"({"k:": {"k": ":"}, "k": 1})", R"("just a string:")"}) {
    EXPECT_FALSE(parse_client_json(text, out)) << text;
  }
  ASSERT_FALSE(parse_client_json(R"({"a": "x\":y", "b": {"a": 2}})", out));
  EXPECT_EQ(out["b"]["a"], 2) << "the same name in two objects is no duplicate";
}

TEST(ParseJsonBody, AnswersAnOverflowAs422WithAFieldError) {
  json out;
  std::optional<Problem> problem = parse_json_body(R"({"amount": 1e400})", out);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 422);
  ASSERT_EQ(problem->errors.size(), 1u);
  EXPECT_EQ(problem->errors[0].source, ErrorSource::kBody);
  EXPECT_EQ(problem->errors[0].pointer, "/amount");
  EXPECT_NE(problem->errors[0].detail.find("out of range"), std::string::npos);
}

TEST(ParseJsonBody, AnswersSyntaxErrorsAndNanAs400) {
  json out;
  std::optional<Problem> problem = parse_json_body(R"({"amount": NaN})", out);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
  EXPECT_EQ(problem->detail.rfind("the body is not valid JSON: parse error at line 1", 0), 0u)
      << problem->detail;
}

}  // namespace
}  // namespace apiserver::pipeline
