// Unit tests of envelopes (compile/envelopes.hpp): which bodies wrap the item, and that a
// schema of another shape stays the item.
#include "compile/envelopes.hpp"

#include <gtest/gtest.h>

#include <string>

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

// /articles (a list answered as List, a create of Single) and /articles/{id} (on Single), where
// Single wraps an Article in `wrapper`, and List holds `articles` and `articlesCount`.
Compiled articles(const std::string& wrapper) {
  const std::string list = "{$ref: '#/components/schemas/List'}";
  const std::string single = "{$ref: '#/components/schemas/Single'}";
  return compile_text(
      head() + "paths:\n" +
      indent("/articles:\n  get:\n    responses:\n      '200':\n        description: ok\n" +
                 indent(json_content(list), 8) + "  post:\n    requestBody:\n" +
                 indent(json_content(single), 6) +
                 "    responses:\n      '201':\n        description: ok\n" +
                 indent(json_content(single), 8),
             2) +
      item("/articles/{id}", "Single") +
      "components:\n"
      "  schemas:\n"
      "    List:\n"
      "      type: object\n"
      "      properties:\n"
      "        articles: {type: array, items: {$ref: '#/components/schemas/Article'}}\n"
      "        articlesCount: {type: integer}\n"
      "    Single:\n"
      "      type: object\n"
      "      properties:\n"
      "        " +
      wrapper +
      ": {$ref: '#/components/schemas/Article'}\n"
      "    Article:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "        title: {type: string}\n");
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

}  // namespace
}  // namespace apiserver::compile
