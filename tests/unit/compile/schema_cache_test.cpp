// Unit tests of SchemaCache: one compiled validator per (schema, direction).
#include "compile/schema_cache.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace apiserver::compile {
namespace {

TEST(SchemaCache, SharesTheValidatorOfASchemaPerDirection) {
  spec::Diagnostics diagnostics;
  auto doc = spec::parse_document(
      "openapi: 3.0.3\ncomponents:\n  schemas:\n"
      "    A: {type: object, required: [id, name], properties: {id: {type: integer, readOnly: "
      "true}, name: {type: string}}}\n",
      "m.yaml", diagnostics);
  ASSERT_TRUE(doc);
  SchemaCache cache(*doc, diagnostics);
  spec::NodeRef a = *doc->resolve(doc->main(), "#/components/schemas/A");
  auto request = cache.get(a, validate::Direction::kRequest);
  auto again = cache.get(a, validate::Direction::kRequest);
  auto response = cache.get(a, validate::Direction::kResponse);
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request, again);
  EXPECT_NE(request, response);
  std::vector<FieldError> errors;
  EXPECT_TRUE(request->validate(nlohmann::json{{"name", "n"}}, ErrorSource::kBody, "", errors));
  EXPECT_FALSE(response->validate(nlohmann::json{{"name", "n"}}, ErrorSource::kBody, "", errors));
  EXPECT_FALSE(errors.empty());
}

}  // namespace
}  // namespace apiserver::compile
