// Unit tests of envelopes (compile/envelopes.hpp): which bodies wrap the item, and that a
// schema of another shape stays the item.
#include "compile/envelopes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/compile/compiled_document.hpp"
#include "unit/compile/crud_document.hpp"

namespace apiserver::compile {
namespace {

using testing::collection;
using testing::compile_text;
using testing::Compiled;
using testing::head;
using testing::indent;
using testing::item;
using testing::json_content;

// /articles (a list answered as List, a create of Single) and /articles/{id} (on Single), with
// `single` and `list` the schemas Single and List (YAML at the indentation of a schema's keys).
Compiled articles_with(const std::string& single, const std::string& list) {
  const std::string list_ref = "{$ref: '#/components/schemas/List'}";
  const std::string single_ref = "{$ref: '#/components/schemas/Single'}";
  return compile_text(
      head() + "paths:\n" +
      indent("/articles:\n  get:\n    responses:\n      '200':\n        description: ok\n" +
                 indent(json_content(list_ref), 8) + "  post:\n    requestBody:\n" +
                 indent(json_content(single_ref), 6) +
                 "    responses:\n      '201':\n        description: ok\n" +
                 indent(json_content(single_ref), 8),
             2) +
      item("/articles/{id}", "Single") +
      "components:\n"
      "  schemas:\n"
      "    List:\n" +
      indent(list, 6) + "    Single:\n" + indent(single, 6) +
      "    Article:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "        title: {type: string}\n");
}

// Single wraps an Article in `wrapper`, and List holds `articles` and `articlesCount`.
Compiled articles(const std::string& wrapper) {
  return articles_with(
      "type: object\nproperties:\n  " + wrapper + ": {$ref: '#/components/schemas/Article'}\n",
      "type: object\nproperties:\n"
      "  articles: {type: array, items: {$ref: '#/components/schemas/Article'}}\n"
      "  articlesCount: {type: integer}\n");
}

// Single and List wrap in `data`, as declared by `single_envelope` and `list_envelope`; List
// also has an optional `next`.
Compiled data_wrapped(const std::string& single_envelope, const std::string& list_envelope) {
  return articles_with("type: object\nx-apiserver-envelope: " + single_envelope +
                           "\nproperties:\n  data: {$ref: '#/components/schemas/Article'}\n",
                       "type: object\nx-apiserver-envelope: " + list_envelope +
                           "\nproperties:\n"
                           "  data: {type: array, items: {$ref: '#/components/schemas/Article'}}\n"
                           "  total: {type: integer}\n"
                           "  next: {type: string}\n");
}

TEST(Envelopes, TheSingularOfAPluralSegment) {
  EXPECT_EQ(singular_of("articles"), "article");
  EXPECT_EQ(singular_of("categories"), "category");
  EXPECT_EQ(singular_of("address"), "address");
  EXPECT_EQ(singular_of("news"), "new");  // a guess, and a harmless one: no envelope matches
  EXPECT_EQ(singular_of("data"), "data");
}

TEST(Envelopes, ABodyWrappingTheItemInTheSingularIsAnEnvelope) {
  Compiled c = articles("article");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* stored = c.table("articles");
  ASSERT_NE(stored, nullptr) << c.messages();
  EXPECT_GE(stored->column_of("title"), 0) << "the item inside is stored";
  EXPECT_EQ(stored->column_of("article"), -1);
  const model::Operation* create = c.op("POST", "/articles");
  EXPECT_EQ(create->envelope.request, "article");
  EXPECT_EQ(create->envelope.response, "article");
  EXPECT_EQ(c.op("GET", "/articles/{id}")->envelope.response, "article");
  EXPECT_TRUE(c.op("DELETE", "/articles/{id}")->envelope.response.empty());
  const model::Operation* list = c.op("GET", "/articles");
  EXPECT_EQ(list->envelope.response, "articles");
  EXPECT_EQ(list->envelope.count, "articlesCount");
}

TEST(Envelopes, AnObjectPropertyOfAnotherNameIsNoEnvelope) {
  Compiled c = articles("content");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* create = c.op("POST", "/articles");
  EXPECT_TRUE(create->envelope.request.empty()) << "{content: ...} is an item with one property";
  EXPECT_TRUE(create->envelope.response.empty());
  EXPECT_TRUE(c.op("GET", "/articles/{id}")->envelope.response.empty());
  EXPECT_EQ(c.op("GET", "/articles")->envelope.response, "articles") << "the list is still one";
}

TEST(Envelopes, ADeclaredEnvelopeWrapsInThePropertyItNames) {
  Compiled c = data_wrapped("data", "{property: data, count: total}");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* stored = c.table("articles");
  ASSERT_NE(stored, nullptr) << c.messages();
  EXPECT_GE(stored->column_of("title"), 0) << "the item inside is stored";
  const model::Operation* create = c.op("POST", "/articles");
  EXPECT_EQ(create->envelope.request, "data");
  EXPECT_EQ(create->envelope.response_opening, "{\"data\":");
  const model::Operation* list = c.op("GET", "/articles");
  EXPECT_EQ(list->envelope.response, "data");
  EXPECT_EQ(list->envelope.count, "total");
  EXPECT_EQ(list->envelope.count_member, ",\"total\":");
}

TEST(Envelopes, FalseKeepsAnEnvelopeShapedSchemaTheItem) {
  Compiled c = articles_with(
      "type: object\nx-apiserver-envelope: false\nproperties:\n"
      "  article: {type: object, properties: {title: {type: string}}}\n",
      "type: array\nitems: {$ref: '#/components/schemas/Single'}\n");
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_TRUE(c.op("POST", "/articles")->envelope.request.empty());
  const model::Resource* stored = c.table("articles");
  ASSERT_NE(stored, nullptr) << c.messages();
  EXPECT_GE(stored->column_of("article"), 0) << "the one property is the item's column";
}

TEST(Envelopes, ADeclarationThatDoesNotFitIsRefusedWhereItIs) {
  struct Case {
    std::string single;
    std::string list;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"payload", "{property: data}", "names 'payload', which is no property of this schema"},
      {"data", "{property: next}", "names 'next', which does not hold an array of objects"},
      {"data", "{property: data, count: next}", "counts in 'next', which is not an integer"},
      {"data", "{property: data, count: size}", "counts in 'size', which is no property here"},
      {"{property: data, count: total}", "data", "only a list's envelope has"},
      {"{property: data, items: x}", "data", "takes `property` and `count`"},
      {"true", "data", "names the property holding the item"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.single + " / " + c.list);
    Compiled compiled = data_wrapped(c.single, c.list);
    EXPECT_FALSE(compiled.api) << compiled.messages();
    const spec::Diagnostic* error = compiled.error(c.says);
    ASSERT_NE(error, nullptr) << compiled.messages();
    EXPECT_GT(error->line, 0);
    EXPECT_NE(error->pointer.find("x-apiserver-envelope"), std::string::npos) << error->pointer;
    EXPECT_EQ(
        std::count_if(compiled.diagnostics.items().begin(), compiled.diagnostics.items().end(),
                      [&](const spec::Diagnostic& d) { return d.message == error->message; }),
        1)
        << "reported once, though several operations use the schema";
  }
}

TEST(Envelopes, ARequiredMemberTheServerCannotFillIsRefused) {
  Compiled c = articles_with(
      "type: object\nx-apiserver-envelope: data\nrequired: [data, meta]\nproperties:\n"
      "  data: {$ref: '#/components/schemas/Article'}\n  meta: {type: object}\n",
      "type: array\nitems: {$ref: '#/components/schemas/Article'}\n");
  EXPECT_FALSE(c.api) << c.messages();
  EXPECT_NE(c.error("leaves 'meta' unfilled, which the schema requires"), nullptr) << c.messages();
}

}  // namespace
}  // namespace apiserver::compile
