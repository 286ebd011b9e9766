// Unit tests of x-apiserver-references: which property references which stored resource, its
// delete rule, and the declarations that cannot be tied.
#include "compile/resource_references.hpp"

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

// Posts before users in the document: a reference may name a resource mapped after its own.
Compiled blog(const std::string& author_extension, const std::string& author_type = "integer") {
  return compile_text(
      head() + "paths:\n" + collection("/posts", "Post") + item("/posts/{id}", "Post") +
      collection("/users", "User") + item("/users/{id}", "User") +
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
      "        authorId:\n"
      "          type: " +
      author_type + "\n          x-apiserver-references: " + author_extension + "\n");
}

TEST(ResourceReferences, TiesAPropertyToTheResourceItNames) {
  for (const char* name : {"users", "User", "/users"}) {
    Compiled c = blog(name);
    ASSERT_TRUE(c.api) << name << ": " << c.messages();
    const model::Resource* posts = c.table("posts");
    const model::Resource* users = c.table("users");
    ASSERT_EQ(posts->references.size(), 1u) << name;
    EXPECT_EQ(posts->references[0].target, users);
    EXPECT_EQ(posts->columns[posts->references[0].column].property, "authorId");
    ASSERT_EQ(users->dependents.size(), 1u);
    EXPECT_EQ(users->dependents[0].resource, posts);
    EXPECT_EQ(users->dependents[0].on_delete, model::OnDelete::kRestrict);
  }
}

TEST(ResourceReferences, ReadsTheDeleteRuleOfTheObjectForm) {
  Compiled c = blog("{resource: users, on-delete: cascade}");
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_EQ(c.table("users")->dependents.size(), 1u);
  EXPECT_EQ(c.table("users")->dependents[0].on_delete, model::OnDelete::kCascade);
}

TEST(ResourceReferences, ReportsWhatCannotBeTied) {
  struct Case {
    std::string extension, type, message;
  };
  for (const Case& k :
       {Case{"authors", "integer", "no stored resource is called 'authors' (stored tables:"},
        Case{"users", "string", "property 'authorId' references users, whose key is an integer"},
        Case{"{resource: users, on-delete: nullify}", "integer",
             "takes resource and on-delete (cascade or restrict)"},
        Case{"[users]", "integer", "must name a stored resource"}}) {
    Compiled c = blog(k.extension, k.type);
    EXPECT_FALSE(c.api) << k.extension;
    const spec::Diagnostic* d = c.error(k.message);
    ASSERT_NE(d, nullptr) << k.extension << ": " << c.messages();
    EXPECT_GT(d->line, 0) << "located at the declaration";
  }
}

}  // namespace
}  // namespace apiserver::compile
