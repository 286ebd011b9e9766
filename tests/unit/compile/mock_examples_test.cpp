// Unit tests of what the mock plan keeps of a document's examples, and of list parameters whose
// items are objects, through compile_api on small in-memory documents.
#include <gtest/gtest.h>

#include <string>

#include "compile/compiler.hpp"
#include "unit/compile/compiled_document.hpp"

namespace apiserver::compile {
namespace {

using testing::Compiled;

const std::string kHead = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

// A GET /thing answering 200 with `schema` and the named examples `examples` (YAML flow).
Compiled thing_with_examples(const std::string& schema, const std::string& examples) {
  return testing::compile_text(kHead +
                               "paths:\n"
                               "  /thing:\n"
                               "    get:\n"
                               "      responses:\n"
                               "        '200':\n"
                               "          description: ok\n"
                               "          content:\n"
                               "            application/json:\n"
                               "              schema: " +
                               schema +
                               "\n"
                               "              examples: " +
                               examples + "\n");
}

// Box's document declares shared-link examples without a member its schema requires.
TEST(MockExamples, AnExampleThatBreaksItsSchemaIsReportedAndNotServed) {
  Compiled c = thing_with_examples(
      "{type: object, required: [id, name], properties: {id: {type: integer}, name: {type: "
      "string}}}",
      "{broken: {value: {id: 1}}, good: {value: {id: 2, name: two}}}");
  const model::Operation* op = c.op("GET", "/thing");
  ASSERT_NE(op, nullptr);
  ASSERT_TRUE(op->mock);
  const model::MockContent& content = op->mock->responses.at(0).contents.at(0);
  ASSERT_EQ(content.examples.size(), 1u);
  EXPECT_EQ(content.examples[0].name, "good");
  EXPECT_EQ(content.default_body, R"({"id":2,"name":"two"})");
  const spec::Diagnostic* warning = c.warning("example 'broken' of GET /thing 200");
  ASSERT_NE(warning, nullptr) << c.messages();
  EXPECT_NE(warning->message.find("does not match its schema"), std::string::npos);
  EXPECT_EQ(warning->line, 12);
}

TEST(MockExamples, WithNoValidExampleTheAnswerIsBuiltFromTheSchema) {
  Compiled c = thing_with_examples(
      "{type: object, required: [id], properties: {id: {type: integer, example: 7}}}",
      "{broken: {value: {id: seven}}}");
  const model::Operation* op = c.op("GET", "/thing");
  ASSERT_NE(op, nullptr);
  ASSERT_TRUE(op->mock);
  const model::MockContent& content = op->mock->responses.at(0).contents.at(0);
  EXPECT_TRUE(content.examples.empty());
  EXPECT_EQ(content.default_body, R"({"id":7})");
}

TEST(ListParameters, ObjectItemsAreTakenAsStringsAndValidateSaysSo) {
  Compiled c = testing::compile_text(
      kHead +
      "paths:\n"
      "  /search:\n"
      "    get:\n"
      "      parameters:\n"
      "        - name: filters\n"
      "          in: query\n"
      "          schema: {type: array, items: {type: object, properties: {a: {type: string}}}}\n"
      "      responses: {'200': {description: ok}}\n");
  const spec::Diagnostic* warning = c.warning("array parameter 'filters' has object items");
  ASSERT_NE(warning, nullptr) << c.messages();
  EXPECT_TRUE(warning->fails_validate());
  const model::Operation* op = c.op("GET", "/search");
  ASSERT_NE(op, nullptr);
  ASSERT_EQ(op->parameters.size(), 1u);
  EXPECT_EQ(op->parameters[0].item_shape, model::ValueShape::kString);
}

}  // namespace
}  // namespace apiserver::compile
