// Unit tests of nested collections' mapping (/posts/{postId}/comments under /posts/{postId}):
// which paths nest, the parent column, the lineage of path parameters and the delete rule.
#include <gtest/gtest.h>

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
using testing::nested;

std::string schemas(const std::string& comment_extra = "",
                    const std::string& post_id_type = "integer") {
  return "components:\n"
         "  schemas:\n"
         "    Post:\n"
         "      type: object\n"
         "      properties:\n"
         "        id: {type: integer, readOnly: true}\n"
         "        title: {type: string}\n"
         "    Comment:\n"
         "      type: object\n" +
         comment_extra +
         "      properties:\n"
         "        id: {type: integer, readOnly: true}\n"
         "        postId: {type: " +
         post_id_type +
         "}\n"
         "        body: {type: string}\n"
         "    Note:\n"
         "      type: object\n"
         "      properties:\n"
         "        id: {type: integer, readOnly: true}\n"
         "        text: {type: string}\n";
}

std::string posts() {
  return collection("/posts", "Post") + item("/posts/{id}", "Post");
}

std::string comments(const std::string& parent_param = "postId",
                     const std::string& schema = "Comment") {
  const std::string base = "/posts/{" + parent_param + "}/comments";
  return nested(base, {parent_param}, schema, false) +
         nested(base + "/{commentId}", {parent_param, "commentId"}, schema, true);
}

TEST(NestedCollections, StoresACollectionUnderAStoredItemPath) {
  Compiled c = compile_text(head() + "paths:\n" + posts() + comments() + schemas());
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* post = c.table("posts");
  const model::Resource* comment = c.table("comments");
  ASSERT_NE(post, nullptr);
  ASSERT_NE(comment, nullptr) << c.messages();
  ASSERT_TRUE(comment->parent.has_value());
  EXPECT_EQ(comment->parent->resource, post);
  EXPECT_EQ(comment->parent->on_delete, model::OnDelete::kRestrict);
  ASSERT_EQ(post->children.size(), 1u);
  EXPECT_EQ(post->children[0], comment);
  // The schema's postId holds the parent's key, shown, and indexed for one parent's lists.
  const model::Column& parent_column = comment->columns[comment->parent->column];
  EXPECT_EQ(parent_column.property, "postId");
  EXPECT_TRUE(parent_column.in_schema);
  EXPECT_TRUE(parent_column.indexed);
  for (const char* method : {"GET", "POST"}) {
    const model::Operation* op = c.op(method, "/posts/{postId}/comments");
    ASSERT_NE(op, nullptr);
    EXPECT_EQ(op->resource, comment) << method;
    EXPECT_EQ(op->lineage_parameters, std::vector<std::string>{"postId"}) << method;
  }
  const model::Operation* read = c.op("GET", "/posts/{postId}/comments/{commentId}");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->crud, model::CrudAction::kRead);
  EXPECT_EQ(read->key_parameter, "commentId");
  EXPECT_EQ(read->lineage_parameters, std::vector<std::string>{"postId"});
}

TEST(NestedCollections, KeepsTheParentKeyInAHiddenColumnWhenTheSchemaHasNoProperty) {
  Compiled c = compile_text(head() + "paths:\n" + posts() + comments("postId", "Note") + schemas());
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* note = c.table("comments");
  ASSERT_NE(note, nullptr) << c.messages();
  ASSERT_TRUE(note->parent.has_value());
  const model::Column& parent_column = note->columns[note->parent->column];
  EXPECT_EQ(parent_column.name, "apiserver_parent");
  EXPECT_FALSE(parent_column.shown());
  EXPECT_EQ(parent_column.type, model::ColumnType::kInteger);
}

TEST(NestedCollections, MatchesTheParentByPathShapeWhateverItsParameterIsCalled) {
  // /posts/{id} is the parent's item path; the nested paths call the same segment {post}.
  Compiled c = compile_text(head() + "paths:\n" + posts() + comments("post") + schemas());
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* list = c.op("GET", "/posts/{post}/comments");
  ASSERT_NE(list, nullptr);
  ASSERT_TRUE(list->stored()) << list->not_stored_reason;
  EXPECT_EQ(list->lineage_parameters, std::vector<std::string>{"post"});
  // No property is named `post`: the parent key is kept aside.
  EXPECT_EQ(list->resource->columns[list->resource->parent->column].name, "apiserver_parent");
}

TEST(NestedCollections, NestsAtAnyDepthWithTheParentsKeysInnermostFirst) {
  std::string doc =
      head() + "paths:\n" + posts() + comments() +
      nested("/posts/{postId}/comments/{commentId}/notes", {"postId", "commentId"}, "Note", false) +
      nested("/posts/{postId}/comments/{commentId}/notes/{noteId}",
             {"postId", "commentId", "noteId"}, "Note", true) +
      schemas("      x-apiserver-on-parent-delete: cascade\n");
  Compiled c = compile_text(doc);
  ASSERT_TRUE(c.api) << c.messages();
  const model::Resource* notes = c.table("notes");
  ASSERT_NE(notes, nullptr) << c.messages();
  ASSERT_TRUE(notes->parent.has_value());
  EXPECT_EQ(notes->parent->resource, c.table("comments"));
  EXPECT_EQ(c.table("comments")->parent->on_delete, model::OnDelete::kCascade);
  const model::Operation* read = c.op("GET", "/posts/{postId}/comments/{commentId}/notes/{noteId}");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->lineage_parameters, (std::vector<std::string>{"commentId", "postId"}));
}

TEST(NestedCollections, NamesTheTableAfterItsParentWhenItsOwnNameIsTaken) {
  std::string doc = head() + "paths:\n" + posts() + collection("/comments", "Note") +
                    item("/comments/{id}", "Note") + comments() + schemas();
  Compiled c = compile_text(doc);
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_NE(c.table("comments"), nullptr);
  const model::Resource* nested_comments = c.table("posts_comments");
  ASSERT_NE(nested_comments, nullptr) << c.messages();
  EXPECT_EQ(nested_comments->name, "Comment");
}

TEST(NestedCollections, LeavesACollectionUnderAnUnstoredPathAlone) {
  // /drafts/{id} is no stored item path (no /drafts collection): its comments are mocks.
  std::string doc = head() + "paths:\n" + posts() +
                    nested("/drafts/{draftId}/comments", {"draftId"}, "Comment", false) + schemas();
  Compiled c = compile_text(doc);
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* list = c.op("GET", "/drafts/{draftId}/comments");
  ASSERT_NE(list, nullptr);
  EXPECT_FALSE(list->stored());
}

TEST(NestedCollections, ReportsAnUnknownDeleteRule) {
  Compiled c = compile_text(head() + "paths:\n" + posts() + comments() +
                            schemas("      x-apiserver-on-parent-delete: orphan\n"));
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error("x-apiserver-on-parent-delete must be cascade or restrict"), nullptr)
      << c.messages();
}

TEST(NestedCollections, KeepsAChildWhoseParentPropertyHasTheWrongTypeAsAMock) {
  Compiled c = compile_text(head() + "paths:\n" + posts() + comments() + schemas("", "string"));
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* list = c.op("GET", "/posts/{postId}/comments");
  ASSERT_NE(list, nullptr);
  EXPECT_FALSE(list->stored());
  EXPECT_NE(c.warning("property 'postId' holds the key of Post"), nullptr) << c.messages();
}

}  // namespace
}  // namespace apiserver::compile
