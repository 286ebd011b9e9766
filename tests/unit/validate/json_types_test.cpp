// Unit tests of the message for a `type` that names no JSON Schema type: it quotes the value
// and suggests the valid name a typo away, and the schema translator reports it where written.
#include "validate/json_types.hpp"

#include <gtest/gtest.h>

#include <string>

#include "validate/schema_translator.hpp"

namespace apiserver::validate {
namespace {

constexpr char kListed[] = " (one of: array, boolean, integer, null, number, object, string)";

TEST(JsonTypeNames, AreTheSevenOfJsonSchema) {
  for (const char* name : {"array", "boolean", "integer", "null", "number", "object", "string"})
    EXPECT_TRUE(is_json_type_name(name)) << name;
  for (const char* name : {"", "String", "int", "float", "text", "any"})
    EXPECT_FALSE(is_json_type_name(name)) << name;
}

TEST(UnknownTypeMessage, QuotesTheValueAndSuggestsTheClosestName) {
  EXPECT_EQ(
      unknown_type_message(spec::Json("strng")),
      std::string("type 'strng' is not a JSON Schema type; did you mean 'string'?") + kListed);
  EXPECT_EQ(
      unknown_type_message(spec::Json("intger")),
      std::string("type 'intger' is not a JSON Schema type; did you mean 'integer'?") + kListed);
  EXPECT_EQ(
      unknown_type_message(spec::Json("Boolean")),
      std::string("type 'Boolean' is not a JSON Schema type; did you mean 'boolean'?") + kListed);
  EXPECT_EQ(
      unknown_type_message(spec::Json("nubmer")),
      std::string("type 'nubmer' is not a JSON Schema type; did you mean 'number'?") + kListed);
}

TEST(UnknownTypeMessage, SuggestsNothingWhenNoNameIsClose) {
  EXPECT_EQ(unknown_type_message(spec::Json("text")),
            std::string("type 'text' is not a JSON Schema type") + kListed);
  EXPECT_EQ(unknown_type_message(spec::Json("float")),
            std::string("type 'float' is not a JSON Schema type") + kListed);
}

TEST(UnknownTypeMessage, ShowsAValueThatIsNotAString) {
  EXPECT_EQ(unknown_type_message(spec::Json(7)),
            std::string("type 7 is not a JSON Schema type name") + kListed);
}

TEST(UnknownTypeMessage, IsWhatTheSchemaTranslatorReportsAtTheTypeKeyword) {
  spec::Diagnostics diagnostics;
  auto doc =
      spec::parse_document("openapi: 3.0.3\ncomponents:\n  schemas:\n    A:\n      type: strng\n",
                           "api.yaml", diagnostics);
  ASSERT_TRUE(doc);
  auto node = doc->resolve(doc->main(), "#/components/schemas/A");
  ASSERT_TRUE(node);
  SchemaTranslator translator(*doc, diagnostics);
  translator.translate(*node, Direction::kRequest);
  ASSERT_EQ(diagnostics.error_count(), 1u);
  const spec::Diagnostic& d = diagnostics.items().front();
  EXPECT_EQ(
      d.message,
      std::string("type 'strng' is not a JSON Schema type; did you mean 'string'?") + kListed);
  EXPECT_EQ(d.file, "api.yaml");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.pointer, "/components/schemas/A/type");
}

TEST(TypeDescription, SaysTheTypesInTheKeywordsOrder) {
  EXPECT_EQ(type_description({"integer"}), "an integer");
  EXPECT_EQ(type_description({"integer", "null"}), "an integer or null");
  EXPECT_EQ(type_description({"string", "array", "object"}), "a string, an array or an object");
  EXPECT_EQ(type_description({"string", "strng"}), "") << "a name that is no type";
}

TEST(UnknownTypeMessage, NamesTheWrongItemOfATypeList) {
  spec::Diagnostics diagnostics;
  auto doc = spec::parse_document(
      "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {type: [string, nul]}\n", "api.yaml",
      diagnostics);
  ASSERT_TRUE(doc);
  auto node = doc->resolve(doc->main(), "#/components/schemas/A");
  ASSERT_TRUE(node);
  SchemaTranslator translator(*doc, diagnostics);
  translator.translate(*node, Direction::kRequest);
  ASSERT_EQ(diagnostics.error_count(), 1u);
  EXPECT_NE(diagnostics.items().front().message.find("type 'nul' is not a JSON Schema type; did "
                                                     "you mean 'null'?"),
            std::string::npos)
      << diagnostics.items().front().message;
}

}  // namespace
}  // namespace apiserver::validate
