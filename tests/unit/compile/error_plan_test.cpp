// Unit tests of the error plan compiled per operation: which declared response answers each
// kind of problem (exact code, 400 for invalid input, range, default), the body shape found in
// the declared schema, and the located errors of x-apiserver-error.
#include <gtest/gtest.h>

#include <string>

#include "compiled_document.hpp"

namespace apiserver::compile::testing {
namespace {

using model::ErrorBodyKind;
using model::ErrorField;

// A document with one operation, POST /items, whose responses are `responses` (YAML lines
// indented for the responses map) and `extension` its operation-level extension lines.
std::string document_with(const std::string& responses, const std::string& extension = "",
                          const std::string& components = "") {
  return "openapi: 3.0.3\n"
         "info: {title: t, version: '1'}\n"
         "x-apiserver: {mode: mock}\n"
         "paths:\n"
         "  /items:\n"
         "    post:\n" +
         extension +
         "      requestBody:\n"
         "        content:\n"
         "          application/json:\n"
         "            schema: {type: object, required: [name], properties: {name: {type: "
         "string}}}\n"
         "      responses:\n"
         "        '201': {description: created}\n" +
         responses + components;
}

const model::ErrorRoute& route(const Compiled& c, ProblemCode code) {
  return c.op("POST", "/items")->errors->route(code);
}

TEST(ErrorPlan, NoDeclaredErrorResponseMeansNoPlan) {
  Compiled c = compile_text(document_with(""));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(c.op("POST", "/items")->errors, nullptr);
}

TEST(ErrorPlan, InvalidInputAnswersADeclared400WhenNo422IsDeclared) {
  Compiled c = compile_text(document_with("        '400': {description: bad}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).status, 400);
  EXPECT_EQ(route(c, ProblemCode::kMalformedBody).status, 400);
  EXPECT_EQ(route(c, ProblemCode::kUnsupportedMediaType).status, 400);
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).shape, nullptr);  // no content declared
  // Not a problem with the request's content: nothing declared answers it.
  EXPECT_EQ(route(c, ProblemCode::kUnauthorized).status, 0);
  EXPECT_EQ(route(c, ProblemCode::kTooManyRequests).status, 0);
}

TEST(ErrorPlan, TheExactCodeComesFirstThenTheRangeThenDefault) {
  Compiled c =
      compile_text(document_with("        '400': {description: bad}\n"
                                 "        '422': {description: invalid}\n"
                                 "        4XX: {description: client}\n"
                                 "        default: {description: other}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).status, 422);
  EXPECT_EQ(route(c, ProblemCode::kMalformedBody).status, 400);
  EXPECT_EQ(route(c, ProblemCode::kUnauthorized).status, 401);  // by 4XX, natural status
  EXPECT_EQ(route(c, ProblemCode::kInternal).status, 500);      // by default
}

TEST(ErrorPlan, ADefaultWithASuccessShapeIsNotUsedForErrors) {
  Compiled c = compile_text(document_with(
      "        default:\n"
      "          description: the item\n"
      "          content:\n"
      "            application/json:\n"
      "              schema: {type: object, properties: {id: {type: integer}, name: {type: "
      "string}}}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).status, 0);
}

TEST(ErrorPlan, FindsTheMembersOfConduitsShape) {
  Compiled c = compile_text(document_with(
      "        '422':\n"
      "          description: invalid\n"
      "          content:\n"
      "            application/json:\n"
      "              schema:\n"
      "                type: object\n"
      "                required: [errors]\n"
      "                properties:\n"
      "                  errors:\n"
      "                    type: object\n"
      "                    required: [body]\n"
      "                    properties: {body: {type: array, items: {type: string}}}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  const model::ErrorRoute& r = route(c, ProblemCode::kValidationFailed);
  EXPECT_EQ(r.status, 422);
  ASSERT_NE(r.shape, nullptr);
  EXPECT_EQ(r.shape->kind, ErrorBodyKind::kTemplate);
  EXPECT_EQ(r.shape->media_type, "application/json");
  EXPECT_TRUE(r.shape->fallback_reason.empty()) << r.shape->fallback_reason;
  ASSERT_EQ(r.shape->slots.size(), 1u);
  EXPECT_EQ(r.shape->slots[0].pointer, "/errors/body");
  EXPECT_EQ(r.shape->slots[0].field, ErrorField::kFieldErrors);
  EXPECT_EQ(r.shape->slots[0].list, model::ListStyle::kStrings);
}

TEST(ErrorPlan, FindsNestedErrorObjectsAndLeavesConstrainedMembersAlone) {
  Compiled c =
      compile_text(document_with("        '400':\n"
                                 "          description: bad\n"
                                 "          content:\n"
                                 "            application/json:\n"
                                 "              schema:\n"
                                 "                type: object\n"
                                 "                properties:\n"
                                 "                  error:\n"
                                 "                    type: object\n"
                                 "                    properties:\n"
                                 "                      status: {type: integer}\n"
                                 "                      message: {type: string}\n"
                                 "                      kind: {type: string, enum: [a, b]}\n"
                                 "                      code: {type: string, enum: [x]}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  const model::ErrorRoute& r = route(c, ProblemCode::kValidationFailed);
  ASSERT_NE(r.shape, nullptr);
  ASSERT_EQ(r.shape->slots.size(), 2u);
  EXPECT_EQ(r.shape->slots[0].pointer, "/error/status");
  EXPECT_TRUE(r.shape->slots[0].number);
  EXPECT_EQ(r.shape->slots[1].pointer, "/error/message");
  EXPECT_EQ(r.shape->slots[1].field, ErrorField::kMessage);
}

TEST(ErrorPlan, ProblemJsonDeclaredStaysProblemJson) {
  Compiled c =
      compile_text(document_with("        '422':\n"
                                 "          description: invalid\n"
                                 "          content:\n"
                                 "            application/problem+json:\n"
                                 "              schema: {type: object}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_NE(route(c, ProblemCode::kValidationFailed).shape, nullptr);
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).shape->kind, ErrorBodyKind::kProblem);
}

TEST(ErrorPlan, StatusForNamesTheResponseOfAKindOfProblem) {
  Compiled c =
      compile_text(document_with("        '400': {description: bad}\n"
                                 "        '422': {description: invalid}\n",
                                 "      x-apiserver-error:\n"
                                 "        status-for: {validation-failed: 400}\n"));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(route(c, ProblemCode::kValidationFailed).status, 400);
}

TEST(ErrorPlan, BadStatusForValuesAreLocatedErrors) {
  Compiled c = compile_text(document_with("        '400': {description: bad}\n",
                                          "      x-apiserver-error:\n"
                                          "        status-for: {validation: 400, not-found: 404}\n"
                                          "        fields: {}\n"));
  EXPECT_FALSE(c.api);
  const spec::Diagnostic* kind = c.error("'validation' is no kind of error");
  ASSERT_NE(kind, nullptr) << c.messages();
  EXPECT_GT(kind->line, 0);
  EXPECT_NE(c.error("which this operation does not declare"), nullptr) << c.messages();
  EXPECT_NE(c.error("unknown member 'fields'"), nullptr) << c.messages();
}

TEST(ErrorPlan, FieldsMapMembersExplicitlyAndReportWhatCannotBeFilled) {
  const std::string response =
      "        '400':\n"
      "          description: bad\n"
      "          x-apiserver-error:\n"
      "            fields: {summary: message, /error/kind: code, message: none, %s}\n"
      "          content:\n"
      "            application/json:\n"
      "              schema:\n"
      "                type: object\n"
      "                properties:\n"
      "                  summary: {type: string}\n"
      "                  message: {type: string}\n"
      "                  error: {type: object, properties: {kind: {type: string}}}\n";
  auto with = [&](const std::string& extra) {
    std::string text = response;
    text.replace(text.find("%s"), 2, extra);
    return compile_text(document_with(text));
  };
  Compiled good = with("other: none");
  ASSERT_TRUE(good.api) << good.messages();
  const model::ErrorRoute& r = route(good, ProblemCode::kValidationFailed);
  ASSERT_NE(r.shape, nullptr);
  ASSERT_EQ(r.shape->slots.size(), 2u);
  EXPECT_EQ(r.shape->slots[0].pointer, "/summary");
  EXPECT_EQ(r.shape->slots[1].pointer, "/error/kind");
  EXPECT_EQ(r.shape->slots[1].field, ErrorField::kCode);

  Compiled missing = with("nope: title");
  EXPECT_NE(missing.error("has no member '/nope'"), nullptr) << missing.messages();
  Compiled unknown = with("other: mood");
  EXPECT_NE(unknown.error("is no problem field"), nullptr) << unknown.messages();
}

}  // namespace
}  // namespace apiserver::compile::testing
