// Unit tests of the per-request fill of declared error responses: the common shapes (Conduit,
// Google-style, Spring-style, JSON:API) filled from a problem and valid against their schemas,
// the status a declared response picks, and the problem+json fallback when no valid body can
// be built.
#include "pipeline/declared_error_shaper.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "../compile/compiled_document.hpp"

namespace apiserver::pipeline {
namespace {

using compile::testing::compile_text;
using compile::testing::Compiled;
using nlohmann::json;

// POST /items declaring `status` with `schema` (a flow-style YAML schema) as application/json.
Compiled compile_shape(const std::string& status, const std::string& schema) {
  Compiled c = compile_text(
      "openapi: 3.0.3\n"
      "info: {title: t, version: '1'}\n"
      "x-apiserver: {mode: mock}\n"
      "paths:\n"
      "  /items:\n"
      "    post:\n"
      "      responses:\n"
      "        '201': {description: created}\n"
      "        '" +
      status +
      "':\n"
      "          description: an error\n"
      "          content:\n"
      "            application/json:\n"
      "              schema: " +
      schema + "\n");
  EXPECT_TRUE(c.api) << c.messages();
  return c;
}

Problem validation_problem() {
  FieldError price{ErrorSource::kBody, "", "/price", "must be >= 0"};
  FieldError limit{ErrorSource::kQuery, "limit", "", "must be <= 100"};
  return Problem::validation({price, limit});
}

// The answer `c`'s POST /items gives to `problem`, with its body parsed when it is JSON.
struct Shaped {
  ShapedError out;
  json body;
};

Shaped shape(const Compiled& c, const Problem& problem) {
  Shaped s;
  s.out.status = problem.status();
  DeclaredErrorShaper(*c.op("POST", "/items")->errors).shape(problem, "/items", s.out);
  if (!s.out.content_type.empty() && s.out.content_type != "text/plain")
    s.body = json::parse(s.out.body);
  return s;
}

TEST(DeclaredErrorShaper, ConduitListsEveryFieldErrorUnderErrorsBody) {
  Compiled c = compile_shape("422",
                             "{type: object, required: [errors], properties: {errors: {type: "
                             "object, required: [body], properties: {body: {type: array, items: "
                             "{type: string}}}}}}");
  Shaped s = shape(c, validation_problem());
  EXPECT_EQ(s.out.status, 422);
  EXPECT_EQ(s.out.content_type, "application/json");
  EXPECT_EQ(s.body, json::parse(R"({"errors":{"body":["/price: must be >= 0",
                                    "limit: must be <= 100"]}})"));
  // A problem without field errors lists its detail.
  Shaped unauthorized = shape(c, Problem::make(ProblemCode::kUnauthorized, "no token"));
  EXPECT_EQ(unauthorized.out.status, 401);  // 422 is no answer to it: problem+json
  EXPECT_TRUE(unauthorized.out.content_type.empty());
}

TEST(DeclaredErrorShaper, GoogleStyleTakesTheStatusAsANumberAndTheMessage) {
  Compiled c = compile_shape("400",
                             "{type: object, properties: {error: {type: object, properties: "
                             "{code: {type: integer}, message: {type: string}, status: {type: "
                             "string}}}}}");
  Shaped s = shape(c, validation_problem());
  EXPECT_EQ(s.out.status, 400);
  EXPECT_EQ(s.body["error"]["code"], 400);
  // No list to hold the field errors: the message carries them.
  EXPECT_EQ(s.body["error"]["message"],
            "2 errors in the request: /price: must be >= 0; limit: must be <= 100");
  EXPECT_EQ(s.body["error"]["status"], "400");
}

TEST(DeclaredErrorShaper, SpringStyleFillsTimestampStatusErrorMessageAndPath) {
  Compiled c = compile_shape("4XX",
                             "{type: object, required: [timestamp, status, error, message, path], "
                             "properties: {timestamp: {type: string, format: date-time}, status: "
                             "{type: integer}, error: {type: string}, message: {type: string}, "
                             "path: {type: string}}}");
  Shaped s = shape(c, Problem::make(ProblemCode::kConflict, "id 3 exists"));
  EXPECT_EQ(s.out.status, 409);
  EXPECT_EQ(s.body["status"], 409);
  EXPECT_EQ(s.body["error"], "Conflict");
  EXPECT_EQ(s.body["message"], "id 3 exists");
  EXPECT_EQ(s.body["path"], "/items");
  EXPECT_EQ(s.body["timestamp"].get<std::string>().size(), 20u);  // 2026-12-04T17:30:00Z
}

TEST(DeclaredErrorShaper, JsonApiFillsOneItemPerFieldError) {
  Compiled c = compile_shape("422",
                             "{type: object, properties: {errors: {type: array, items: {type: "
                             "object, properties: {status: {type: string}, code: {type: string}, "
                             "title: {type: string}, detail: {type: string}, source: {type: "
                             "object, properties: {pointer: {type: string}, parameter: {type: "
                             "string}}}}}}}}");
  Shaped s = shape(c, validation_problem());
  ASSERT_EQ(s.body["errors"].size(), 2u);
  EXPECT_EQ(s.body["errors"][0]["status"], "422");
  EXPECT_EQ(s.body["errors"][0]["code"], "validation-failed");
  EXPECT_EQ(s.body["errors"][0]["detail"], "must be >= 0");
  EXPECT_EQ(s.body["errors"][0]["source"]["pointer"], "/price");
  EXPECT_EQ(s.body["errors"][1]["source"]["parameter"], "limit");
}

TEST(DeclaredErrorShaper, CutsStringsToMaxLengthAndKeepsTheBodyValid) {
  Compiled c = compile_shape("400",
                             "{type: object, required: [message], properties: {message: {type: "
                             "string, maxLength: 5}}}");
  Shaped s = shape(c, Problem::make(ProblemCode::kMalformedBody, "unexpected end of input"));
  EXPECT_EQ(s.out.status, 400);
  EXPECT_EQ(s.body["message"], "unexp");
}

TEST(DeclaredErrorShaper, FallsBackToProblemJsonWhenNoValidBodyCanBeBuilt) {
  // Three items at least: a validation failure with two field errors cannot fill it.
  Compiled c = compile_shape("400",
                             "{type: object, required: [errors], properties: {errors: {type: "
                             "array, minItems: 3, items: {type: string}}}}");
  Shaped s = shape(c, validation_problem());
  EXPECT_EQ(s.out.status, 400);             // the declared status stays
  EXPECT_TRUE(s.out.content_type.empty());  // problem+json
}

}  // namespace
}  // namespace apiserver::pipeline
