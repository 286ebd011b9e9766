// Unit tests of the field type checks made at load (spec/field_types.hpp): a fixed field the
// server reads with a value of the wrong type is an error at its file and line, never a crash
// or a check silently dropped later.
#include <gtest/gtest.h>

#include <string>

#include "compile/compiler.hpp"
#include "spec/document.hpp"

namespace apiserver::spec {
namespace {

// Loads `yaml` from memory; the errors as "line: message" lines, or "loaded" when none.
std::string errors_of(const std::string& yaml) {
  Diagnostics diagnostics;
  auto document = parse_document(yaml, "api.yaml", diagnostics);
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity == Diagnostic::Severity::kError)
      out += std::to_string(d.line) + ": " + d.message + "\n";
  }
  if (document) {
    EXPECT_EQ(out, "") << "a document with errors must not load";
    return "loaded";
  }
  return out;
}

const std::string kHead = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

// A document whose only operation has `parameter` and a response schema `schema`.
std::string document_with(const std::string& parameter, const std::string& schema) {
  return kHead +
         "paths:\n"
         "  /items/{id}:\n"
         "    get:\n"
         "      parameters:\n"
         "        - " +
         parameter +
         "\n"
         "      responses:\n"
         "        '200':\n"
         "          description: ok\n"
         "          content:\n"
         "            application/json:\n"
         "              schema: " +
         schema + "\n";
}

const std::string kGoodParameter = "{name: id, in: path, required: true, schema: {type: integer}}";

TEST(FieldTypes, LoadsADocumentWhoseFieldsHaveTheirTypes) {
  EXPECT_EQ(errors_of(document_with(kGoodParameter,
                                    "{type: object, properties: {a: {type: string, minLength: 1, "
                                    "maxLength: 2.0, nullable: true, readOnly: false}}}")),
            "loaded");
}

// Found by fuzzing the loader: `nullable: tXue` aborted `apiserver validate` and the server.
TEST(FieldTypes, RefusesANonBooleanNullableWhereTheServerCrashedBefore) {
  EXPECT_EQ(errors_of(document_with(kGoodParameter,
                                    "{type: object, properties: {due: {type: string, "
                                    "nullable: tXue}}}")),
            "13: 'nullable' must be a boolean (true or false), not a string\n");
}

TEST(FieldTypes, RefusesParameterFieldsOfTheWrongType) {
  EXPECT_EQ(errors_of(document_with("{name: id, in: path, required: 'yes', schema: {type: "
                                    "integer}}",
                                    "{type: object}")),
            "7: 'required' must be a boolean (true or false), not a string\n");
  EXPECT_EQ(errors_of(document_with("{name: id, in: path, required: true, explode: 1, schema: "
                                    "{type: integer}}",
                                    "{type: object}")),
            "7: 'explode' must be a boolean (true or false), not an integer\n");
  EXPECT_EQ(errors_of(document_with("{name: [id], in: path, required: true}", "{type: object}")),
            "7: 'name' must be a string, not a list\n");
}

TEST(FieldTypes, RefusesSchemaKeywordsThatWouldNotBeEnforced) {
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: string, minLength: abc}")),
            "13: 'minLength' must be a non-negative integer, not a string\n");
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: string, maxLength: -1}")),
            "13: 'maxLength' must be a non-negative integer, not an integer\n");
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: array, uniqueItems: 'x'}")),
            "13: 'uniqueItems' must be a boolean (true or false), not a string\n");
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: number, multipleOf: 0}")),
            "13: 'multipleOf' must be a number greater than 0, not an integer\n");
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: number, maximum: '10'}")),
            "13: 'maximum' must be a number, not a string\n");
  EXPECT_EQ(errors_of(document_with(kGoodParameter, "{type: object, required: [a, 1]}")),
            "13: 'required' must be a list of strings, not a list\n");
}

TEST(FieldTypes, ChecksSchemasReachedThroughReferencesAndComponents) {
  std::string yaml = document_with(kGoodParameter, "{$ref: '#/components/schemas/Item'}") +
                     "components:\n"
                     "  schemas:\n"
                     "    Item:\n"
                     "      type: object\n"
                     "      properties:\n"
                     "        tags: {type: array, items: {type: string, writeOnly: 0}}\n";
  EXPECT_EQ(errors_of(yaml), "19: 'writeOnly' must be a boolean (true or false), not an integer\n");
}

TEST(FieldTypes, RefusesOperationAndServerFieldsOfTheWrongType) {
  std::string yaml = kHead +
                     "servers: [{url: 5}]\n"
                     "paths:\n"
                     "  /items:\n"
                     "    get:\n"
                     "      operationId: 5\n"
                     "      summary: [a]\n"
                     "      responses: {'200': {description: ok}}\n";
  // An object's fields are checked once what is inside it was walked: the root's last.
  EXPECT_EQ(errors_of(yaml),
            "7: 'operationId' must be a string, not an integer\n"
            "8: 'summary' must be a string, not a list\n"
            "3: 'url' must be a string, not an integer\n");
}

TEST(FieldTypes, RefusesSecuritySchemeFieldsOfTheWrongType) {
  std::string yaml = kHead +
                     "paths: {}\n"
                     "components:\n"
                     "  securitySchemes:\n"
                     "    key: {type: apiKey, in: header, name: [X-Key]}\n";
  EXPECT_EQ(errors_of(yaml), "6: 'name' must be a string, not a list\n");
}

// Found by fuzzing the loader: `requestBody: null` aborted the compiler.
TEST(FieldTypes, ANullRequestBodyIsAnErrorNotACrash) {
  std::string yaml = kHead +
                     "paths:\n"
                     "  /items:\n"
                     "    post:\n"
                     "      requestBody: null\n"
                     "      responses: {'201': {description: ok}}\n";
  Diagnostics diagnostics;
  auto document = parse_document(yaml, "api.yaml", diagnostics);
  ASSERT_NE(document, nullptr);
  auto api = compile::compile_api(std::move(document), diagnostics);
  EXPECT_GT(diagnostics.error_count(), 0u);
}

}  // namespace
}  // namespace apiserver::spec
