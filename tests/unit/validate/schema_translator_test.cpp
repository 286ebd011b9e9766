// Unit tests of the OpenAPI Schema Object -> draft-7 translation: dialect differences (3.0
// nullable and boolean exclusive bounds, 3.1 prefixItems, dependentRequired, $ref siblings),
// readOnly/writeOnly by direction, recursive $refs, and the warnings for what is not enforced.
#include "validate/schema_translator.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "validate/compiled_schema.hpp"
#include "validate/keywords.hpp"

namespace apiserver::validate {
namespace {

using nlohmann::json;

struct Translated {
  json schema;
  spec::Diagnostics diagnostics;

  std::string messages() const {
    std::string out;
    for (const auto& d : diagnostics.items()) out += d.to_string() + "\n";
    return out;
  }
  bool has_warning(const std::string& needle) const {
    for (const auto& d : diagnostics.items())
      if (d.severity == spec::Diagnostic::Severity::kWarning &&
          d.message.find(needle) != std::string::npos)
        return true;
    return false;
  }
  // Validates `value` with the translated schema.
  bool accepts(const json& value) const {
    auto compiled = validate::CompiledSchema::build(schema);
    std::vector<FieldError> errors;
    return compiled->validate(value, ErrorSource::kBody, "", errors);
  }
};

// Translates #/components/schemas/<name> of a document whose schemas section is `schemas`
// (YAML, indented by four spaces).
Translated translate(const std::string& version, const std::string& schemas,
                     const std::string& name, Direction direction = Direction::kRequest) {
  Translated t;
  auto doc = spec::parse_document("openapi: '" + version + "'\ncomponents:\n  schemas:\n" + schemas,
                                  "mem.yaml", t.diagnostics);
  EXPECT_TRUE(doc) << t.messages();
  if (!doc) return t;
  auto node = doc->resolve(doc->main(), "#/components/schemas/" + name);
  EXPECT_TRUE(node);
  SchemaTranslator translator(*doc, t.diagnostics);
  t.schema = translator.translate(*node, direction);
  return t;
}

const char* const kType = validate::kTypeKeyword;

TEST(SchemaTranslator, RenamesTypeToTheValidatorsKeyword) {
  Translated t = translate("3.0.3", "    A: {type: string, maxLength: 3}\n", "A");
  // Lengths too: valijson stops counting at an embedded NUL.
  EXPECT_EQ(t.schema, json({{kType, {"string"}}, {validate::kMaxLengthKeyword, 3}}));
  EXPECT_TRUE(t.accepts("abc"));
  EXPECT_FALSE(t.accepts("abcd"));
  EXPECT_FALSE(t.accepts(3));
}

TEST(SchemaTranslator, TurnsNullableIntoANullType) {
  Translated t = translate("3.0.3", "    A: {type: string, nullable: true}\n", "A");
  EXPECT_EQ(t.schema[kType], json({"string", "null"}));
  EXPECT_TRUE(t.accepts(nullptr));
  EXPECT_TRUE(t.accepts("x"));
  EXPECT_FALSE(t.accepts(1));
}

TEST(SchemaTranslator, AddsNullToANullableEnum) {
  Translated t = translate("3.0.3", "    A: {type: string, enum: [a, b], nullable: true}\n", "A");
  EXPECT_EQ(t.schema["enum"], json({"a", "b", nullptr}));
  EXPECT_TRUE(t.accepts(nullptr));
  EXPECT_FALSE(t.accepts("c"));
}

TEST(SchemaTranslator, LeavesNonNullableTypesAlone) {
  Translated t = translate("3.0.3", "    A: {type: integer, nullable: false}\n", "A");
  EXPECT_EQ(t.schema[kType], json({"integer"}));
  EXPECT_FALSE(t.accepts(nullptr));
}

TEST(SchemaTranslator, FoldsBooleanExclusiveMaximumIntoANumber) {
  Translated t =
      translate("3.0.3", "    A: {type: number, maximum: 10, exclusiveMaximum: true}\n", "A");
  EXPECT_EQ(t.schema["exclusiveMaximum"], 10);
  EXPECT_FALSE(t.schema.contains("maximum"));
  EXPECT_TRUE(t.accepts(9.5));
  EXPECT_FALSE(t.accepts(10));
}

TEST(SchemaTranslator, FoldsBooleanExclusiveMinimumIntoANumber) {
  Translated t =
      translate("3.0.3", "    A: {type: integer, minimum: 0, exclusiveMinimum: true}\n", "A");
  EXPECT_EQ(t.schema["exclusiveMinimum"], 0);
  EXPECT_FALSE(t.schema.contains("minimum"));
  EXPECT_FALSE(t.accepts(0));
  EXPECT_TRUE(t.accepts(1));
}

TEST(SchemaTranslator, DropsAFalseExclusiveBoundAndKeepsTheInclusiveOne) {
  Translated t =
      translate("3.0.3", "    A: {type: number, maximum: 10, exclusiveMaximum: false}\n", "A");
  EXPECT_EQ(t.schema["maximum"], 10);
  EXPECT_FALSE(t.schema.contains("exclusiveMaximum"));
  EXPECT_TRUE(t.accepts(10));
}

TEST(SchemaTranslator, KeepsNumericExclusiveBoundsOf31) {
  Translated t =
      translate("3.1.0", "    A: {type: number, exclusiveMaximum: 5, exclusiveMinimum: 1}\n", "A");
  EXPECT_EQ(t.schema["exclusiveMaximum"], 5);
  EXPECT_EQ(t.schema["exclusiveMinimum"], 1);
  EXPECT_FALSE(t.accepts(5));
  EXPECT_FALSE(t.accepts(1));
  EXPECT_TRUE(t.accepts(3));
}

TEST(SchemaTranslator, MapsPrefixItemsToTupleItemsAndItemsToAdditionalItems) {
  Translated t = translate(
      "3.1.0",
      "    A: {type: array, prefixItems: [{type: string}, {type: integer}], items: false}\n", "A");
  ASSERT_TRUE(t.schema["items"].is_array());
  EXPECT_EQ(t.schema["items"].size(), 2u);
  EXPECT_EQ(t.schema["additionalItems"], false);
  EXPECT_TRUE(t.accepts(json::parse(R"(["a", 1])")));
  EXPECT_FALSE(t.accepts(json::parse(R"([1, "a"])")));
  EXPECT_FALSE(t.accepts(json::parse(R"(["a", 1, 2])")));
}

TEST(SchemaTranslator, KeepsPlainItemsAsASchema) {
  Translated t = translate("3.1.0", "    A: {type: array, items: {type: integer}}\n", "A");
  EXPECT_TRUE(t.schema["items"].is_object());
  EXPECT_TRUE(t.accepts(json::parse("[1, 2]")));
  EXPECT_FALSE(t.accepts(json::parse("[1, \"x\"]")));
}

TEST(SchemaTranslator, MapsDependentRequiredToDependencies) {
  Translated t =
      translate("3.1.0", "    A: {type: object, dependentRequired: {card: [billing]}}\n", "A");
  EXPECT_EQ(t.schema["dependencies"], json({{"card", {"billing"}}}));
  EXPECT_FALSE(t.accepts(json::parse(R"({"card": 1})")));
  EXPECT_TRUE(t.accepts(json::parse(R"({"card": 1, "billing": 2})")));
  EXPECT_TRUE(t.accepts(json::parse(R"({"billing": 2})")));
}

TEST(SchemaTranslator, MapsDependentSchemasToDependencies) {
  Translated t =
      translate("3.1.0", "    A: {type: object, dependentSchemas: {a: {required: [b]}}}\n", "A");
  EXPECT_TRUE(t.schema["dependencies"]["a"].is_object());
  EXPECT_FALSE(t.accepts(json::parse(R"({"a": 1})")));
  EXPECT_TRUE(t.accepts(json::parse(R"({"a": 1, "b": 1})")));
}

const char* const kAccount =
    "    Account:\n"
    "      type: object\n"
    "      required: [id, password, name]\n"
    "      properties:\n"
    "        id: {type: integer, readOnly: true}\n"
    "        password: {type: string, writeOnly: true}\n"
    "        name: {type: string}\n";

TEST(SchemaTranslator, DropsReadOnlyPropertiesFromRequiredInRequests) {
  Translated t = translate("3.0.3", kAccount, "Account", Direction::kRequest);
  EXPECT_EQ(t.schema["required"], json({"password", "name"}));
  EXPECT_TRUE(t.schema["properties"].contains("id")) << "the property itself stays";
  EXPECT_TRUE(t.accepts(json::parse(R"({"password": "p", "name": "n"})")));
}

TEST(SchemaTranslator, DropsWriteOnlyPropertiesFromRequiredInResponses) {
  Translated t = translate("3.0.3", kAccount, "Account", Direction::kResponse);
  EXPECT_EQ(t.schema["required"], json({"id", "name"}));
  EXPECT_TRUE(t.accepts(json::parse(R"({"id": 1, "name": "n"})")));
}

TEST(SchemaTranslator, HonoursReadOnlyBehindARef) {
  Translated t = translate("3.0.3",
                           "    A:\n      type: object\n      required: [id]\n"
                           "      properties:\n        id: {$ref: '#/components/schemas/Id'}\n"
                           "    Id: {type: integer, readOnly: true}\n",
                           "A", Direction::kRequest);
  EXPECT_EQ(t.schema["required"], json::array());
}

// BUG: in OpenAPI 3.1 keywords beside $ref apply, and `{$ref: ..., readOnly: true}` is the
// idiomatic way to mark a shared schema read-only. filter_required() looks at the $ref target
// only (Document::follow drops the siblings), so the property stays required in requests and a
// create without the server-assigned field is refused with 422.
TEST(SchemaTranslator, HonoursReadOnlyBesideARefIn31) {
  Translated t = translate("3.1.0",
                           "    A:\n      type: object\n      required: [id, name]\n"
                           "      properties:\n"
                           "        id: {$ref: '#/components/schemas/Id', readOnly: true}\n"
                           "        name: {type: string}\n"
                           "    Id: {type: integer}\n",
                           "A", Direction::kRequest);
  EXPECT_EQ(t.schema["required"], json({"name"}));
  EXPECT_TRUE(t.accepts(json::parse(R"({"name": "n"})")));
}

TEST(SchemaTranslator, TurnsRecursiveRefsIntoDefinitions) {
  Translated t = translate("3.0.3",
                           "    Node:\n      type: object\n      properties:\n"
                           "        value: {type: integer}\n"
                           "        next: {$ref: '#/components/schemas/Node'}\n",
                           "Node");
  ASSERT_TRUE(t.schema.contains("definitions")) << t.schema.dump();
  ASSERT_TRUE(t.schema["definitions"].contains("Node"));
  EXPECT_EQ(t.schema["properties"]["next"], json({{"$ref", "#/definitions/Node"}}));
  EXPECT_TRUE(
      t.accepts(json::parse(R"({"value": 1, "next": {"value": 2, "next": {"value": 3}}})")));
  EXPECT_FALSE(
      t.accepts(json::parse(R"({"value": 1, "next": {"value": 2, "next": {"value": "x"}}})")));
}

TEST(SchemaTranslator, TurnsMutuallyRecursiveRefsIntoDefinitions) {
  Translated t =
      translate("3.0.3",
                "    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}\n"
                "    B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}, n: {type: "
                "integer}}}\n",
                "A");
  EXPECT_TRUE(t.schema["definitions"].contains("A"));
  EXPECT_TRUE(t.schema["definitions"].contains("B"));
  EXPECT_TRUE(t.accepts(json::parse(R"({"b": {"a": {"b": {"n": 1}}}})")));
  EXPECT_FALSE(t.accepts(json::parse(R"({"b": {"a": {"b": {"n": "x"}}}})")));
}

TEST(SchemaTranslator, WrapsARootRefSoItCanCarryDefinitions) {
  Translated t =
      translate("3.0.3", "    A: {$ref: '#/components/schemas/B'}\n    B: {type: string}\n", "A");
  ASSERT_TRUE(t.schema.contains("allOf"));
  EXPECT_TRUE(t.schema["definitions"].contains("B"));
  EXPECT_TRUE(t.accepts("x"));
  EXPECT_FALSE(t.accepts(1));
}

TEST(SchemaTranslator, GivesDistinctDefinitionNamesToSameNamedTargets) {
  Translated t = translate("3.0.3",
                           "    A:\n      type: object\n      properties:\n"
                           "        x: {$ref: '#/components/schemas/Wrap/properties/item'}\n"
                           "        y: {$ref: '#/components/schemas/Other/properties/item'}\n"
                           "    Wrap: {properties: {item: {type: string}}}\n"
                           "    Other: {properties: {item: {type: integer}}}\n",
                           "A");
  EXPECT_EQ(t.schema["definitions"].size(), 2u) << t.schema.dump();
  EXPECT_TRUE(t.accepts(json::parse(R"({"x": "s", "y": 1})")));
  EXPECT_FALSE(t.accepts(json::parse(R"({"x": 1, "y": 1})")));
  EXPECT_FALSE(t.accepts(json::parse(R"({"x": "s", "y": "s"})")));
}

TEST(SchemaTranslator, AppliesRefSiblingsIn31) {
  Translated t = translate(
      "3.1.0", "    A: {$ref: '#/components/schemas/B', maxLength: 3}\n    B: {type: string}\n",
      "A");
  EXPECT_TRUE(t.accepts("abc"));
  EXPECT_FALSE(t.accepts("abcd"));
  EXPECT_FALSE(t.accepts(5));
}

TEST(SchemaTranslator, IgnoresRefSiblingsIn30) {
  Translated t = translate(
      "3.0.3", "    A: {$ref: '#/components/schemas/B', maxLength: 3}\n    B: {type: string}\n",
      "A");
  EXPECT_TRUE(t.accepts("abcd"));
  EXPECT_FALSE(t.accepts(5));
}

TEST(SchemaTranslator, WarnsAboutUnsupportedKeywordsAndDoesNotEnforceThem) {
  Translated t = translate("3.1.0", "    A: {type: object, unevaluatedProperties: false}\n", "A");
  EXPECT_TRUE(t.has_warning("unevaluatedProperties")) << t.messages();
  EXPECT_FALSE(t.schema.contains("unevaluatedProperties"));
  EXPECT_FALSE(t.diagnostics.has_errors());
  // Serving starts with the warning; `apiserver validate` fails on it.
  EXPECT_EQ(t.diagnostics.validate_error_count(), 1u);
  EXPECT_TRUE(t.accepts(json::parse(R"({"anything": 1})")));
}

TEST(SchemaTranslator, EnforcesPatternsRe2CannotRun) {
  // Lookahead: PCRE2 runs it (validate/pattern_engine.hpp).
  Translated t = translate("3.0.3", "    A: {type: string, pattern: '^(?=a)abc'}\n", "A");
  EXPECT_TRUE(t.diagnostics.items().empty()) << t.messages();
  EXPECT_EQ(t.schema[validate::kPatternKeyword], "^(?=a)abc");
  EXPECT_TRUE(t.accepts("abcd"));
  EXPECT_FALSE(t.accepts("not matching at all"));
}

TEST(SchemaTranslator, RenamesPatternsRe2CanRunAndEnforcesThem) {
  Translated t = translate("3.0.3", "    A: {type: string, pattern: '^[a-z]+$'}\n", "A");
  EXPECT_EQ(t.schema[validate::kPatternKeyword], "^[a-z]+$");
  EXPECT_TRUE(t.accepts("abc"));
  EXPECT_FALSE(t.accepts("ABC"));
  EXPECT_TRUE(t.diagnostics.items().empty()) << t.messages();
}

TEST(SchemaTranslator, WarnsAboutUnknownKeywordsButNotExtensionsOrAnnotations) {
  Translated t =
      translate("3.0.3",
                "    A: {type: string, fooBar: 1, x-vendor: 2, example: e, description: d, "
                "deprecated: true, discriminator: {propertyName: t}, xml: {name: a}}\n",
                "A");
  EXPECT_TRUE(t.has_warning("fooBar")) << t.messages();
  EXPECT_EQ(t.diagnostics.items().size(), 1u) << t.messages();
  EXPECT_EQ(t.schema, json({{kType, {"string"}}}));
}

TEST(SchemaTranslator, KeepsKnownFormatsAndDropsUnknownOnes) {
  Translated known = translate("3.0.3", "    A: {type: string, format: date}\n", "A");
  EXPECT_EQ(known.schema[validate::kFormatKeyword], "date");
  EXPECT_FALSE(known.accepts("2024-13-45"));
  EXPECT_TRUE(known.accepts("2024-02-29"));
  Translated unknown = translate("3.0.3", "    A: {type: string, format: my-own-format}\n", "A");
  EXPECT_FALSE(unknown.schema.contains(validate::kFormatKeyword));
}

TEST(SchemaTranslator, ReportsADanglingRefAsAnError) {
  spec::Diagnostics diagnostics;
  auto doc = spec::parse_document(
      "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {type: string}\n", "m.yaml", diagnostics);
  ASSERT_TRUE(doc);
  // A $ref that the loader would have refused, built by hand.
  spec::Json dangling = {{"$ref", "#/components/schemas/Nope"}};
  SchemaTranslator translator(*doc, diagnostics);
  json out = translator.translate({&doc->main(), "/x", &dangling}, Direction::kRequest);
  EXPECT_TRUE(diagnostics.has_errors());
  EXPECT_EQ(out, json(true));
}

TEST(SchemaTranslator, ReportsAnInvalidTypeAsAnError) {
  Translated t = translate("3.0.3", "    A: {type: text}\n", "A");
  EXPECT_TRUE(t.diagnostics.has_errors()) << t.messages();
}

TEST(SchemaTranslator, TranslatesBooleanSchemasAndTypeLists) {
  EXPECT_EQ(translate("3.1.0", "    A: true\n", "A").schema, json(true));
  EXPECT_EQ(translate("3.1.0", "    A: false\n", "A").schema, json(false));
  Translated t = translate("3.1.0", "    A: {type: [string, 'null']}\n", "A");
  EXPECT_EQ(t.schema[kType], json({"string", "null"}));
  EXPECT_TRUE(t.accepts(nullptr));
}

TEST(SchemaTranslator, TranslatesCompositionsRecursively) {
  Translated t = translate("3.0.3",
                           "    A:\n      oneOf:\n        - {type: string, nullable: true}\n"
                           "        - {type: integer, minimum: 5, exclusiveMinimum: true}\n",
                           "A");
  EXPECT_TRUE(t.accepts(nullptr));
  EXPECT_TRUE(t.accepts("s"));
  EXPECT_TRUE(t.accepts(6));
  EXPECT_FALSE(t.accepts(5));
}

TEST(SchemaTranslator, WarnsOnlyOncePerLocation) {
  spec::Diagnostics diagnostics;
  auto doc = spec::parse_document(
      "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {type: object, unevaluatedProperties: "
      "false}\n",
      "m.yaml", diagnostics);
  ASSERT_TRUE(doc);
  SchemaTranslator translator(*doc, diagnostics);
  auto node = doc->resolve(doc->main(), "#/components/schemas/A");
  translator.translate(*node, Direction::kRequest);
  translator.translate(*node, Direction::kResponse);
  EXPECT_EQ(diagnostics.items().size(), 1u);
}

TEST(ToPlainJson, ConvertsEveryKindOfValue) {
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(
      R"({"z": [1, -2, 18446744073709551615, 1.5, "s", true, null, {}], "a": {"b": false}})");
  json plain = to_plain_json(ordered);
  EXPECT_EQ(plain, json::parse(ordered.dump()));
  EXPECT_TRUE(plain["z"][2].is_number_unsigned());
  EXPECT_TRUE(plain["z"][1].is_number_integer());
}

}  // namespace
}  // namespace apiserver::validate
