// Unit tests of reading a request body: parse_json_body (the exact 400 for text that is not
// JSON, the nesting bound) and read_body on a compiled document (Content-Type against the
// declared media types and ranges, required bodies, schema errors, validation left to the
// caller). The byte limit (413) is the HTTP parser's and is tested with it.
#include "pipeline/body.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "unit/compile/compiled_document.hpp"

namespace apiserver::pipeline {
namespace {

using compile::testing::Compiled;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// --- parse_json_body ---------------------------------------------------------------------

std::string nested(int depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

struct ParseRow {
  const char* sentence;
  std::string text;
  const char* problem_detail;  // nullptr: parsed
};

TEST(ParseJsonBody, ParsesJsonAndRefusesTheRestWithWhereItWentWrong) {
  const ParseRow rows[] = {
      {"an object is parsed", R"({"a": [1, 2]})", nullptr},
      {"a bare scalar is parsed", "42", nullptr},
      {"blanks around the value are allowed", " \n\"x\"\t", nullptr},
      {"64 levels of nesting are allowed", nested(64), nullptr},
      {"brackets inside strings do not count as nesting", "\"" + std::string(100, '[') + "\"",
       nullptr},
      {"an escaped quote does not end a string of brackets",
       R"(["\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])", nullptr},
      {"65 levels of nesting are refused before parsing", nested(65),
       "the JSON nests deeper than 64 levels"},
      {"deep nesting is refused even when the text is broken", std::string(65, '{'),
       "the JSON nests deeper than 64 levels"},
      {"an empty body is not JSON", "",
       "the body is not valid JSON: parse error at line 1, column 1: syntax error while parsing "
       "value - unexpected end of input; expected '[', '{', or a literal"},
      {"a truncated object says where it ends", R"({"a": )",
       "the body is not valid JSON: parse error at line 1, column 7: syntax error while parsing "
       "value - unexpected end of input; expected '[', '{', or a literal"},
      {"a trailing comma is refused", "[1,]",
       "the body is not valid JSON: parse error at line 1, column 4: syntax error while parsing "
       "value - unexpected ']'; expected '[', '{', or a literal"},
      {"a second line is counted", "{\n\"a\": tru}",
       "the body is not valid JSON: parse error at line 2, column 9: syntax error while parsing "
       "value - invalid literal; last read: '\"a\": tru}'"},
      {"text after the value is refused", "{} {}",
       "the body is not valid JSON: parse error at line 1, column 4: syntax error while parsing "
       "value - unexpected '{'; expected end of input"},
  };
  for (const ParseRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    nlohmann::json out;
    std::optional<Problem> problem = parse_json_body(row.text, out);
    if (row.problem_detail == nullptr) {
      EXPECT_FALSE(problem) << problem->detail;
      EXPECT_EQ(out, nlohmann::json::parse(row.text));
    } else {
      ASSERT_TRUE(problem);
      EXPECT_EQ(problem->code, ProblemCode::kMalformedBody);
      EXPECT_EQ(problem->status(), 400);
      EXPECT_EQ(problem->detail, row.problem_detail);
    }
  }
}

// --- read_body ---------------------------------------------------------------------------

const char* const kDocument = R"(openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /required:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string}, size: {type: integer}}
      responses:
        '200': {description: ok}
  /optional:
    post:
      requestBody:
        content:
          application/json: {schema: {type: object}}
          text/plain: {schema: {type: string}}
          image/*: {}
          application/vnd.thing+json: {schema: {type: array}}
      responses:
        '200': {description: ok}
  /anything:
    post:
      requestBody:
        content:
          '*/*': {}
      responses:
        '200': {description: ok}
  /none:
    post:
      responses:
        '200': {description: ok}
)";

// What read_body made of one request.
struct Read {
  std::optional<Problem> problem;
  Body body;
  std::vector<std::string> errors;  // "pointer: detail"

  std::string media() const { return body.media == nullptr ? "<none>" : body.media->media_type; }
};

class ReadBody : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    compiled_ = new Compiled(compile::testing::compile_text(kDocument));
  }
  static void TearDownTestSuite() {
    delete compiled_;
    compiled_ = nullptr;
  }

  Read read(const std::string& path, const HeaderList& headers, const std::string& text,
            bool validate = true) {
    Read r;
    const model::Operation* op = compiled_->op("POST", path);
    EXPECT_NE(op, nullptr) << compiled_->messages();
    if (op == nullptr) return r;
    http::Request request;
    request.method = "POST";
    request.path = path;
    request.headers = headers;
    request.body = text;
    std::vector<FieldError> errors;
    r.problem = read_body(*op, request, validate, r.body, errors);
    for (const FieldError& e : errors) {
      EXPECT_EQ(e.source, ErrorSource::kBody);
      EXPECT_EQ(e.name, "");
      r.errors.push_back(e.pointer + ": " + e.detail);
    }
    return r;
  }

  static Compiled* compiled_;
};

Compiled* ReadBody::compiled_ = nullptr;

const HeaderList kJson = {{"content-type", "application/json"}};

TEST_F(ReadBody, CompilesTheDocumentWithoutErrors) {
  EXPECT_FALSE(compiled_->diagnostics.has_errors()) << compiled_->messages();
}

TEST_F(ReadBody, ParsesAndValidatesAJsonBody) {
  Read r = read("/required", kJson, R"({"name": "a", "size": 2})");
  EXPECT_FALSE(r.problem);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.body.present);
  EXPECT_EQ(r.media(), "application/json");
  EXPECT_EQ(r.body.json, nlohmann::json({{"name", "a"}, {"size", 2}}));
}

TEST_F(ReadBody, ListsSchemaErrorsInsteadOfStopping) {
  Read r = read("/required", kJson, R"({"size": "big"})");
  EXPECT_FALSE(r.problem);
  EXPECT_EQ(r.errors,
            (std::vector<std::string>{"/size: must be an integer", "/name: is required"}));
  EXPECT_TRUE(r.body.present);
}

TEST_F(ReadBody, LeavesValidationToTheCallerWhenAsked) {
  Read r = read("/required", kJson, R"({"size": "big"})", false);
  EXPECT_FALSE(r.problem);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.body.json, nlohmann::json({{"size", "big"}}));
}

TEST_F(ReadBody, ReportsAMissingRequiredBodyAsAFieldError) {
  Read r = read("/required", kJson, "");
  EXPECT_FALSE(r.problem);
  EXPECT_EQ(r.errors, std::vector<std::string>{": a request body is required"});
  EXPECT_FALSE(r.body.present);
}

TEST_F(ReadBody, AcceptsAMissingOptionalBody) {
  Read r = read("/optional", {}, "");
  EXPECT_FALSE(r.problem);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(r.body.present);
  EXPECT_EQ(r.media(), "<none>");
}

TEST_F(ReadBody, IgnoresABodyTheOperationDoesNotDeclare) {
  Read r = read("/none", {{"content-type", "text/csv"}}, "a,b");
  EXPECT_FALSE(r.problem);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_FALSE(r.body.present);
}

TEST_F(ReadBody, ReturnsTheMalformedBodyProblemForBrokenJson) {
  Read r = read("/required", kJson, "{\"name\": ");
  ASSERT_TRUE(r.problem);
  EXPECT_EQ(r.problem->code, ProblemCode::kMalformedBody);
  EXPECT_EQ(r.problem->detail,
            "the body is not valid JSON: parse error at line 1, column 10: syntax error while "
            "parsing value - unexpected end of input; expected '[', '{', or a literal");
  EXPECT_TRUE(r.errors.empty());
}

struct MediaRow {
  const char* sentence;
  const char* path;
  const char* content_type;  // nullptr: no header
  const char* text;
  const char* media;           // the declared media type picked, or <none>
  const char* problem_detail;  // nullptr: accepted
};

TEST_F(ReadBody, MatchesContentTypeAgainstTheDeclaredMediaTypes) {
  const MediaRow rows[] = {
      {"a declared type is matched", "/optional", "text/plain", "hello", "text/plain", nullptr},
      {"parameters and case do not matter", "/optional", "Application/JSON; charset=utf-8", "{}",
       "application/json", nullptr},
      {"a type inside a declared range is matched", "/optional", "image/png", "PNG", "image/*",
       nullptr},
      {"a +json type is matched exactly", "/optional", "application/vnd.thing+json", "[1]",
       "application/vnd.thing+json", nullptr},
      {"any type is matched by */*", "/anything", "application/octet-stream", "\x01\x02", "*/*",
       nullptr},
      {"an undeclared type is refused with 415 naming the declared ones", "/optional", "text/csv",
       "a,b", "<none>",
       "Content-Type 'text/csv' is not accepted here; send one of: "
       "application/json, text/plain, image/*, application/vnd.thing+json"},
      {"a range in the request is not a type", "/optional", "image/*", "x", "image/*", nullptr},
      {"a body without Content-Type is refused with 415", "/optional", nullptr, "{}", "<none>",
       "the request has a body but no Content-Type; send one of: "
       "application/json, text/plain, image/*, application/vnd.thing+json"},
      {"another top-level type with the same subtype is refused", "/required", "text/json",
       R"({"name": "a"})", "<none>",
       "Content-Type 'text/json' is not accepted here; send one of: application/json"},
  };
  for (const MediaRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    HeaderList headers;
    if (row.content_type != nullptr) headers.emplace_back("content-type", row.content_type);
    Read r = read(row.path, headers, row.text);
    EXPECT_EQ(r.media(), row.media);
    if (row.problem_detail == nullptr) {
      EXPECT_FALSE(r.problem) << r.problem->detail;
      EXPECT_TRUE(r.body.present);
    } else {
      ASSERT_TRUE(r.problem);
      EXPECT_EQ(r.problem->code, ProblemCode::kUnsupportedMediaType);
      EXPECT_EQ(r.problem->status(), 415);
      EXPECT_EQ(r.problem->detail, row.problem_detail);
      EXPECT_FALSE(r.body.present);
    }
  }
}

TEST_F(ReadBody, DoesNotParseABodyThatIsNotJson) {
  Read r = read("/optional", {{"content-type", "text/plain"}}, "{not json");
  EXPECT_FALSE(r.problem);
  EXPECT_TRUE(r.body.present);
  EXPECT_TRUE(r.body.json.is_null());
}

TEST_F(ReadBody, ParsesAJsonBodySentUnderADeclaredRange) {
  Read r = read("/anything", kJson, "[1, 2]");
  EXPECT_FALSE(r.problem);
  EXPECT_EQ(r.media(), "*/*");
  EXPECT_EQ(r.body.json, nlohmann::json::array({1, 2}));
  Read broken = read("/anything", {{"content-type", "application/problem+json"}}, "[1,");
  ASSERT_TRUE(broken.problem);
  EXPECT_EQ(broken.problem->code, ProblemCode::kMalformedBody);
}

TEST_F(ReadBody, ValidatesAgainstTheSchemaOfTheMatchedType) {
  Read r = read("/optional", {{"content-type", "application/vnd.thing+json"}}, "{}");
  EXPECT_FALSE(r.problem);
  EXPECT_EQ(r.errors, std::vector<std::string>{": must be an array"});
}

}  // namespace
}  // namespace apiserver::pipeline
