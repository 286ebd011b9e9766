// Unit tests of embed slots (compile/resource_embeds.hpp): which readOnly properties become
// slots, what they embed, and that the columns left behind keep their ties.
#include "compile/resource_embeds.hpp"

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
using testing::item;
using testing::nested;

// Users, posts referencing their author, comments nested under posts; `post_properties` are
// added to Post.
Compiled blog(const std::string& post_properties) {
  return compile_text(
      head() + "paths:\n" + collection("/users", "User") + item("/users/{id}", "User") +
      collection("/posts", "Post") + item("/posts/{postId}", "Post", "postId") +
      nested("/posts/{postId}/comments", {"postId"}, "Comment", false) +
      nested("/posts/{postId}/comments/{id}", {"postId", "id"}, "Comment", true) +
      "components:\n"
      "  schemas:\n"
      "    User:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "    Comment:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "        postId: {type: integer, readOnly: true}\n"
      "    Post:\n"
      "      type: object\n"
      "      properties:\n"
      "        author: {allOf: [{$ref: '#/components/schemas/User'}], readOnly: true}\n"
      "        id: {type: integer, readOnly: true}\n"
      "        comments:\n"
      "          type: array\n"
      "          readOnly: true\n"
      "          items: {$ref: '#/components/schemas/Comment'}\n"
      "        authorId: {type: integer, x-apiserver-references: users}\n" +
      post_properties);
}

TEST(ResourceEmbeds, AReferenceAndANestedCollectionGetSlotsThatAreNotStored) {
  Compiled c = blog("        title: {type: string}\n");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* posts = c.table("posts");
  const model::Resource* users = c.table("users");
  const model::Resource* comments = c.table("comments");
  ASSERT_EQ(posts->embeds.size(), 2u);
  EXPECT_EQ(posts->embeds[0].name, "author") << "in schema order";
  EXPECT_EQ(posts->embeds[0].target, users);
  EXPECT_FALSE(posts->embeds[0].children);
  EXPECT_EQ(posts->columns[posts->embeds[0].column].property, "authorId");
  EXPECT_EQ(posts->embeds[1].name, "comments");
  EXPECT_EQ(posts->embeds[1].target, comments);
  EXPECT_TRUE(posts->embeds[1].children);
  EXPECT_EQ(comments->columns[posts->embeds[1].column].property, "postId");
  // The slots' columns are gone; every index that pointed past them still names its column.
  EXPECT_EQ(posts->column_of("author"), -1);
  EXPECT_EQ(posts->column_of("comments"), -1);
  EXPECT_EQ(posts->key_column().property, "id");
  ASSERT_EQ(posts->references.size(), 1u);
  EXPECT_EQ(posts->columns[posts->references[0].column].property, "authorId");
  ASSERT_EQ(users->dependents.size(), 1u);
  EXPECT_EQ(posts->columns[users->dependents[0].column].property, "authorId");
  ASSERT_GE(posts->version_column, 0);
  EXPECT_TRUE(posts->columns[static_cast<size_t>(posts->version_column)].version);
}

TEST(ResourceEmbeds, OtherPropertiesStayColumns) {
  // Written by clients (not readOnly), not an object or array, or named like nothing embeddable.
  Compiled c = compile_text(
      head() + "paths:\n" + collection("/users", "User") + item("/users/{id}", "User") +
      collection("/posts", "Post") + item("/posts/{id}", "Post") +
      "components:\n"
      "  schemas:\n"
      "    User:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "    Post:\n"
      "      type: object\n"
      "      properties:\n"
      "        id: {type: integer, readOnly: true}\n"
      "        editorId: {type: integer, x-apiserver-references: users}\n"
      "        editor: {type: object}\n"
      "        reviewerId: {type: integer, x-apiserver-references: users}\n"
      "        reviewer: {type: string, readOnly: true}\n"
      "        stats: {type: object, readOnly: true}\n"
      "        comments: {type: array, readOnly: true, items: {type: string}}\n");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* posts = c.table("posts");
  EXPECT_TRUE(posts->embeds.empty());
  for (const char* property : {"editor", "reviewer", "stats", "comments"})
    EXPECT_GE(posts->column_of(property), 0) << property;
}

}  // namespace
}  // namespace apiserver::compile
