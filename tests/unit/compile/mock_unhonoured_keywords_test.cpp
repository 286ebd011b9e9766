// Unit tests of the keywords the mock cannot honour in response schemas: reported once each, at
// the keyword, as warnings that fail `apiserver validate`, wherever a response schema holds or
// references them; request schemas are the validator's business, not this report's.
#include <gtest/gtest.h>

#include <string>

#include "compile/compiler.hpp"
#include "unit/compile/compiled_document.hpp"

namespace apiserver::compile {
namespace {

using testing::Compiled;

const std::string kHead = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n";

size_t count_of(const Compiled& c, const std::string& needle) {
  size_t n = 0;
  for (const auto& d : c.diagnostics.items()) n += d.message.find(needle) != std::string::npos;
  return n;
}

TEST(MockUnhonouredKeywords, AreReportedOnceAtTheKeywordOfAReferencedSchema) {
  Compiled c = testing::compile_text(
      kHead +
      "paths:\n"
      "  /a:\n"
      "    get:\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "          content:\n"
      "            application/json:\n"
      "              schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}\n"
      "  /b:\n"
      "    get:\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "          content:\n"
      "            application/json: {schema: {$ref: '#/components/schemas/Thing'}}\n"
      "components:\n"
      "  schemas:\n"
      "    Thing:\n"
      "      allOf: [{properties: {tags: {type: array, minContains: 1, contains: {const: x}}}}]\n"
      "      unevaluatedProperties: false\n");
  ASSERT_TRUE(c.api) << c.messages();
  const spec::Diagnostic* unevaluated =
      c.warning("'unevaluatedProperties' is not honoured by the mock");
  ASSERT_NE(unevaluated, nullptr) << c.messages();
  EXPECT_TRUE(unevaluated->fails_validate());
  EXPECT_EQ(unevaluated->pointer, "/components/schemas/Thing/unevaluatedProperties");
  const spec::Diagnostic* min_contains = c.warning("'minContains' is not honoured by the mock");
  ASSERT_NE(min_contains, nullptr) << c.messages();
  EXPECT_EQ(min_contains->pointer, "/components/schemas/Thing/allOf/0/properties/tags/minContains");
  EXPECT_EQ(count_of(c, "is not honoured by the mock"), 2u) << c.messages();
}

TEST(MockUnhonouredKeywords, ARequestSchemaIsNotTheirBusiness) {
  Compiled c = testing::compile_text(
      kHead +
      "paths:\n"
      "  /a:\n"
      "    post:\n"
      "      requestBody:\n"
      "        content:\n"
      "          application/json: {schema: {type: object, unevaluatedProperties: false}}\n"
      "      responses:\n"
      "        '200':\n"
      "          description: ok\n"
      "          content:\n"
      "            application/json: {schema: {type: object, properties: {id: {type: "
      "integer}}}}\n");
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(count_of(c, "is not honoured by the mock"), 0u) << c.messages();
  EXPECT_NE(c.warning("'unevaluatedProperties' is not supported by the validator"), nullptr)
      << c.messages();
}

}  // namespace
}  // namespace apiserver::compile
