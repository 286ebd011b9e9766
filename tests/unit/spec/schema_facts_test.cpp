// Unit tests of SchemaFacts: types, nullability, read/write-only flags, defaults, value shapes
// and object properties with allOf merged.
#include "spec/schema_facts.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "compile/operation_compiler.hpp"

namespace apiserver::spec {
namespace {

class SchemaFactsTest : public ::testing::Test {
 protected:
  void load(const std::string& schemas, const std::string& version = "3.0.3") {
    doc_ = spec::parse_document("openapi: " + version + "\ncomponents:\n  schemas:\n" + schemas,
                                "m.yaml", diagnostics_);
    ASSERT_TRUE(doc_);
  }
  spec::NodeRef schema(const std::string& name) {
    auto node = doc_->resolve(doc_->main(), "#/components/schemas/" + name);
    EXPECT_TRUE(node) << name;
    return node ? *node : spec::NodeRef{};
  }
  SchemaFacts facts(const std::string& name) { return schema_facts(*doc_, schema(name)); }

  spec::Diagnostics diagnostics_;
  std::unique_ptr<spec::Document> doc_;
};

TEST_F(SchemaFactsTest, ReadsTypesFlagsAndDefault) {
  load(
      "    A: {type: string, nullable: true, readOnly: true, default: x}\n"
      "    B: {type: integer, writeOnly: true}\n");
  SchemaFacts a = facts("A");
  EXPECT_EQ(a.types, std::vector<std::string>{"string"});
  EXPECT_TRUE(a.nullable);
  EXPECT_TRUE(a.read_only);
  EXPECT_FALSE(a.write_only);
  ASSERT_TRUE(a.default_value);
  EXPECT_EQ(*a.default_value, "x");
  SchemaFacts b = facts("B");
  EXPECT_TRUE(b.write_only);
  EXPECT_FALSE(b.nullable);
  EXPECT_FALSE(b.default_value);
}

TEST_F(SchemaFactsTest, TakesNullOutOfATypeListAsNullability) {
  load("    A: {type: [integer, 'null']}\n", "3.1.0");
  SchemaFacts a = facts("A");
  EXPECT_EQ(a.types, std::vector<std::string>{"integer"});
  EXPECT_TRUE(a.nullable);
  EXPECT_EQ(compile::value_shape(a), model::ValueShape::kInteger);
}

TEST_F(SchemaFactsTest, InfersObjectAndArrayTypesFromTheirKeywords) {
  load("    O: {properties: {a: {type: string}}}\n    L: {items: {type: string}}\n    Any: {}\n");
  EXPECT_EQ(compile::value_shape(facts("O")), model::ValueShape::kObject);
  EXPECT_EQ(compile::value_shape(facts("L")), model::ValueShape::kArray);
  EXPECT_EQ(compile::value_shape(facts("Any")), model::ValueShape::kAny);
}

TEST_F(SchemaFactsTest, FollowsRefsAndSingleAllOfWrappers) {
  load(
      "    Base: {type: integer, default: 3}\n"
      "    Ref: {$ref: '#/components/schemas/Base'}\n"
      "    Wrapped: {allOf: [{$ref: '#/components/schemas/Base'}], nullable: true, readOnly: true, "
      "default: 5}\n");
  SchemaFacts ref = facts("Ref");
  EXPECT_EQ(ref.types, std::vector<std::string>{"integer"});
  EXPECT_EQ(ref.resolved.pointer, "/components/schemas/Base");
  SchemaFacts wrapped = facts("Wrapped");
  EXPECT_EQ(wrapped.types, std::vector<std::string>{"integer"});
  EXPECT_TRUE(wrapped.nullable);
  EXPECT_TRUE(wrapped.read_only);
  EXPECT_EQ(*wrapped.default_value, 5) << "the wrapper's default wins";
}

TEST(ValueShape, NamesTheOneJsonType) {
  auto shape = [](std::vector<std::string> types) {
    SchemaFacts f;
    f.types = std::move(types);
    return compile::value_shape(f);
  };
  EXPECT_EQ(shape({"string"}), model::ValueShape::kString);
  EXPECT_EQ(shape({"integer"}), model::ValueShape::kInteger);
  EXPECT_EQ(shape({"number"}), model::ValueShape::kNumber);
  EXPECT_EQ(shape({"boolean"}), model::ValueShape::kBoolean);
  EXPECT_EQ(shape({"array"}), model::ValueShape::kArray);
  EXPECT_EQ(shape({"object"}), model::ValueShape::kObject);
  EXPECT_EQ(shape({"integer", "number"}), model::ValueShape::kNumber);
  EXPECT_EQ(shape({"number", "integer"}), model::ValueShape::kNumber);
  EXPECT_EQ(shape({"string", "integer"}), model::ValueShape::kAny);
  EXPECT_EQ(shape({}), model::ValueShape::kAny);
}

TEST_F(SchemaFactsTest, MergesAllOfPropertiesAndRequiredInOrder) {
  load(
      "    Base: {type: object, required: [id], properties: {id: {type: integer}, name: {type: "
      "string}}}\n"
      "    Derived:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n"
      "        - {type: object, required: [extra], properties: {extra: {type: boolean}, name: "
      "{type: integer}}}\n");
  std::vector<ObjectProperty> props;
  ASSERT_TRUE(object_properties(*doc_, schema("Derived"), props));
  ASSERT_EQ(props.size(), 3u);
  EXPECT_EQ(props[0].name, "id");
  EXPECT_TRUE(props[0].required);
  EXPECT_EQ(props[1].name, "name");
  EXPECT_EQ(props[1].facts.types, std::vector<std::string>{"integer"})
      << "a later branch refines it";
  EXPECT_FALSE(props[1].required);
  EXPECT_EQ(props[2].name, "extra");
  EXPECT_TRUE(props[2].required);
}

TEST_F(SchemaFactsTest, FindsNoPropertiesInNonObjectSchemas) {
  load(
      "    S: {type: string}\n    E: {type: object}\n    Loop: {allOf: [{$ref: "
      "'#/components/schemas/Loop'}]}\n");
  std::vector<ObjectProperty> props;
  EXPECT_FALSE(object_properties(*doc_, schema("S"), props));
  EXPECT_FALSE(object_properties(*doc_, schema("E"), props));
  EXPECT_FALSE(object_properties(*doc_, schema("Loop"), props)) << "and it terminates";
}

TEST_F(SchemaFactsTest, NamesComponentsReferencedByRef) {
  load(
      "    Thing: {type: object, properties: {a: {type: string}}}\n    Ref: {$ref: "
      "'#/components/schemas/Thing'}\n"
      "    Deep: {$ref: '#/components/schemas/Thing/properties/a'}\n");
  EXPECT_EQ(component_name(*doc_, schema("Ref")), "Thing");
  EXPECT_EQ(component_name(*doc_, schema("Thing")), "") << "not a $ref";
  EXPECT_EQ(component_name(*doc_, schema("Deep")), "");
}

}  // namespace
}  // namespace apiserver::spec
