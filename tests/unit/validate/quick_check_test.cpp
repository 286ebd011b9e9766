// Unit tests of the quick check of simple schemas: which schemas get one, and that it calls a
// value valid only when valijson does, over many generated values (the JSON Schema Test Suite
// runs through it too, in json_schema_suite_test.cpp).
#include "validate/quick_check.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "validate/compiled_schema.hpp"

namespace apiserver::validate {
namespace {

using nlohmann::json;

// The item of bench/spec/items.yaml as the translator writes it for a request, with arrays and
// references around it.
const json kItem = json::parse(R"({
  "x-apiserver-type": "object",
  "required": ["name", "price"],
  "properties": {
    "id": {"x-apiserver-type": "integer", "readOnly": true},
    "name": {"x-apiserver-type": "string", "x-apiserver-minLength": 1, "x-apiserver-maxLength": 5},
    "price": {"x-apiserver-type": "number", "minimum": 0, "exclusiveMaximum": 100},
    "tags": {"x-apiserver-type": "array", "items": {"x-apiserver-type": "string"}, "maxItems": 2},
    "in_stock": {"x-apiserver-type": ["boolean", "null"]},
    "code": {"x-apiserver-type": "string", "x-apiserver-pattern": "^[a-z]+$"},
    "when": {"x-apiserver-format": "date"},
    "count": {"x-apiserver-format": "int32"},
    "state": {"enum": ["on", "off", null]}
  }
})");

const json kClosedTree = json::parse(R"({
  "allOf": [{"$ref": "#/definitions/Node"}],
  "definitions": {
    "Node": {
      "x-apiserver-type": "object",
      "additionalProperties": false,
      "properties": {
        "n": {"x-apiserver-type": "integer", "minimum": -2, "maximum": 2},
        "kids": {"x-apiserver-type": "array", "minItems": 1, "items": {"$ref": "#/definitions/Node"}}
      }
    }
  }
})");

// Two parts that each fail on their own, required names given twice and out of order.
const json kTwoParts = json::parse(R"({
  "allOf": [
    {"x-apiserver-type": "object", "required": ["price", "name", "price"],
     "properties": {"name": {"x-apiserver-minLength": 2, "x-apiserver-pattern": "^[a-z]*$"}}},
    {"additionalProperties": false, "maxItems": 1,
     "properties": {"name": {"enum": ["abc", "on"]}, "price": {"exclusiveMinimum": 0.5},
                    "tags": {"items": {"x-apiserver-type": ["integer", "null"]}, "minItems": 2}}}
  ]
})");

// The same schema judged by valijson alone.
std::shared_ptr<const CompiledSchema> valijson_only(const json& schema) {
  return CompiledSchema::build(schema, /*quick_check=*/false);
}

json random_value(std::mt19937& random, int depth) {
  static const std::vector<std::string> kKeys = {"id",   "name",  "price", "tags",  "in_stock",
                                                 "code", "when",  "count", "state", "n",
                                                 "kids", "other", ""};
  static const std::vector<std::string> kStrings = {
      "", "a", "abc", "A1", "on", "off", "2024-02-29", "2023-02-29", "é", "aaaaaa", "on "};
  switch (random() % (depth > 3 ? 6 : 8)) {
    case 0:
      return nullptr;
    case 1:
      return random() % 2 == 0;
    case 2: {
      static const int64_t kIntegers[] = {-3, 0, 1, 2, 2147483647, 2147483648, -2147483649};
      return kIntegers[random() % 7];
    }
    case 3: {
      static const double kNumbers[] = {-0.5, 0.0, 1.0, 2.5, 99.99, 100.0, 1e300, -1e-9};
      return kNumbers[random() % 8];
    }
    case 4:
      return kStrings[random() % kStrings.size()];
    case 5:
      return "é\u0000x";  // code points, not bytes
    case 6: {
      json array = json::array();
      for (size_t i = random() % 4; i > 0; --i) array.push_back(random_value(random, depth + 1));
      return array;
    }
    default: {
      json object = json::object();
      for (size_t i = random() % 6; i > 0; --i)
        object[kKeys[random() % kKeys.size()]] = random_value(random, depth + 1);
      return object;
    }
  }
}

// Objects shaped like the schema's, so that valid ones come up too.
json shaped_value(std::mt19937& random) {
  json value = random_value(random, 0);
  if (!value.is_object()) value = json::object();
  if (random() % 2 == 0) value["name"] = std::string(1 + random() % 6, 'x');
  if (random() % 2 == 0) value["price"] = static_cast<double>(random() % 120) - 5;
  if (random() % 3 == 0) value["kids"] = json::array({{{"n", 1}}});
  if (random() % 3 == 0) {
    value["tags"] = json::array();
    for (size_t i = random() % 4; i > 0; --i) value["tags"].push_back(i % 2 == 0 ? "a" : "");
  }
  return value;
}

TEST(QuickCheck, AgreesWithValijsonOnGeneratedValues) {
  for (const json& schema : {kItem, kClosedTree}) {
    auto quick = QuickCheck::build(schema);
    ASSERT_NE(quick, nullptr) << schema.dump();
    auto reference = valijson_only(schema);
    std::mt19937 random(11);
    int valid = 0;
    for (int i = 0; i < 20000; ++i) {
      json value = i % 2 == 0 ? random_value(random, 0) : shaped_value(random);
      std::vector<FieldError> errors;
      bool expected = reference->validate(value, ErrorSource::kBody, "", errors);
      ASSERT_EQ(quick->check(value),
                expected ? QuickCheck::Verdict::kValid : QuickCheck::Verdict::kInvalid)
          << schema.dump() << "\nvalue: " << value.dump();
      valid += expected ? 1 : 0;
    }
    EXPECT_GT(valid, 500) << "valid values were tried too";
  }
}

std::string describe(const std::vector<FieldError>& errors) {
  std::string text;
  for (const FieldError& e : errors) text += "[" + e.pointer + "] " + e.detail + "\n";
  return text;
}

// An invalid value's errors come from the quick check when it can tell them: the same errors,
// in the same order, as valijson's.
TEST(QuickCheck, ExplainsInvalidValuesAsValijsonDoes) {
  for (const json& schema : {kItem, kClosedTree, kTwoParts}) {
    auto quick = QuickCheck::build(schema);
    ASSERT_NE(quick, nullptr) << schema.dump();
    auto with_quick = CompiledSchema::build(schema);
    auto reference = valijson_only(schema);
    std::mt19937 random(29);
    int explained = 0;
    int several = 0;
    for (int i = 0; i < 20000; ++i) {
      json value = i % 2 == 0 ? random_value(random, 0) : shaped_value(random);
      std::vector<FieldError> expected, got;
      reference->validate(value, ErrorSource::kBody, "", expected);
      with_quick->validate(value, ErrorSource::kBody, "", got);
      ASSERT_EQ(describe(got), describe(expected)) << schema.dump() << "\nvalue: " << value.dump();
      std::vector<QuickCheck::Finding> findings;
      if (quick->check(value) == QuickCheck::Verdict::kInvalid && quick->explain(value, findings))
        ++explained;
      several += expected.size() > 1 ? 1 : 0;
    }
    EXPECT_GT(explained, 5000) << "the quick check told most errors itself";
    EXPECT_GT(several, 500) << "values with several errors were tried";
  }
}

TEST(QuickCheck, LeavesToValijsonWhatItCannotTellExactly) {
  std::vector<QuickCheck::Finding> findings;
  EXPECT_FALSE(QuickCheck::build(json(false))->explain(json::object(), findings));
  auto inside = QuickCheck::build(json::parse(R"({"properties": {"a": false}})"));
  EXPECT_FALSE(inside->explain(json::parse(R"({"a": 1})"), findings));
  EXPECT_TRUE(findings.empty());
  std::vector<FieldError> errors;
  EXPECT_FALSE(CompiledSchema::build(json::parse(R"({"properties": {"a": false}})"))
                   ->validate(json::parse(R"({"a": 1})"), ErrorSource::kBody, "", errors));
  EXPECT_EQ(describe(errors), "[] does not match the schema\n") << "valijson's answer";
}

TEST(QuickCheck, IsMadeOnlyForTheKeywordsItKnows) {
  for (const char* schema :
       {R"({"x-apiserver-pattern": "("})", R"({"enum": [1, 2]})", R"({"oneOf": [true]})",
        R"({"properties": {"a": {"not": {}}}})", R"({"const": "a"})", R"({"uniqueItems": true})",
        R"({"additionalProperties": {"x-apiserver-type": "string"}})",
        R"({"items": [{"x-apiserver-type": "string"}]})", R"({"$ref": "#/definitions/Missing"})",
        R"({"type": "string"})", R"({"x-apiserver-type": "strng"})"}) {
    EXPECT_EQ(QuickCheck::build(json::parse(schema)), nullptr) << schema;
  }
  EXPECT_NE(QuickCheck::build(json(true)), nullptr);
  EXPECT_NE(QuickCheck::build(json::parse(R"({"x-apiserver-pattern": "^a", "enum": ["a", null],
                                               "x-apiserver-format": "email"})")),
            nullptr);
  EXPECT_NE(QuickCheck::build(json::parse(R"({"title": "t", "description": "d"})")), nullptr);
}

TEST(QuickCheck, RefusesWhatTheFalseSchemaRefusesAndIsUnsurePastItsDepth) {
  EXPECT_EQ(QuickCheck::build(json(false))->check(json::object()), QuickCheck::Verdict::kInvalid);
  auto nested = QuickCheck::build(json::parse(
      R"({"$ref": "#/definitions/A", "definitions": {"A": {"items": {"$ref": "#/definitions/A"}}}})"));
  ASSERT_NE(nested, nullptr);
  json deep = 1;
  for (int i = 0; i < 10; ++i) deep = json::array({deep});
  EXPECT_EQ(nested->check(deep), QuickCheck::Verdict::kValid);
  for (int i = 0; i < 200; ++i) deep = json::array({deep});
  EXPECT_EQ(nested->check(deep), QuickCheck::Verdict::kUnsure) << "not sure past its depth";
}

}  // namespace
}  // namespace apiserver::validate
