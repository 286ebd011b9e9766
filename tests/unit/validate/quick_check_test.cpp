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

// The same schema, with a keyword that changes nothing but that the quick check does not know:
// valijson alone then decides.
std::shared_ptr<const CompiledSchema> valijson_only(json schema) {
  if (schema.contains("allOf")) {
    schema["allOf"].push_back({{"dependencies", json::object()}});
  } else {
    schema["dependencies"] = json::object();
  }
  return CompiledSchema::build(schema);
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
