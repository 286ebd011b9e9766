// References, end to end (specs/storage.md, "References"): on examples/blog.yaml, a post's
// authorId is declared `x-apiserver-references: users`. Every write naming no user is a 422 at
// that pointer and changes nothing; a user who still has posts cannot be deleted (409) until
// they are gone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

class ReferencesTest : public ::testing::Test {
 protected:
  ReferencesTest() : server_({source_path("examples/blog.yaml"), "--db", dir_.file("blog.db")}) {}

  // The answer is a 422 whose only error is `detail` at the body pointer `pointer`.
  static void expect_refused_at(const HttpResponse& r, const std::string& pointer,
                                const std::string& detail) {
    ASSERT_EQ(r.status, 422) << r.body;
    const json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.contains("errors")) << r.body;
    ASSERT_EQ(body["errors"].size(), 1u) << r.body;
    EXPECT_EQ(body["errors"][0].value("pointer", ""), pointer) << r.body;
    EXPECT_EQ(body["errors"][0].value("detail", ""), detail) << r.body;
  }

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(ReferencesTest, AWriteNamingNoRowIsRefusedAtTheReferenceAndChangesNothing) {
  expect_refused_at(client_.post_json("/posts", {{"title", "Orphan"}, {"authorId", 7}}),
                    "/authorId", "names no User: no item has that key");
  ASSERT_EQ(client_.post_json("/users", {{"name", "Ada"}, {"email", "ada@example.com"}}).status,
            201);
  ASSERT_EQ(client_.post_json("/posts", {{"title", "Notes"}, {"authorId", 1}}).status, 201);
  expect_refused_at(client_.put_json("/posts/1", {{"title", "Notes"}, {"authorId", 2}}),
                    "/authorId", "names no User: no item has that key");
  expect_refused_at(client_.patch("/posts/1", R"({"authorId":3})",
                                  {{"Content-Type", "application/merge-patch+json"}}),
                    "/authorId", "names no User: no item has that key");
  HttpResponse post = client_.get("/posts/1");
  ASSERT_EQ(post.status, 200);
  EXPECT_EQ(json::parse(post.body)["authorId"], 1) << "refused writes leave the post as it was";
  EXPECT_EQ(json::parse(client_.get("/posts").body).size(), 1u);
}

TEST_F(ReferencesTest, AReferencedRowCannotBeDeletedUntilNothingReferencesIt) {
  ASSERT_EQ(client_.post_json("/users", {{"name", "Ada"}, {"email", "ada@example.com"}}).status,
            201);
  ASSERT_EQ(client_.post_json("/posts", {{"title", "Notes"}, {"authorId", 1}}).status, 201);
  HttpResponse refused = client_.del("/users/1");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.header("content-type").value_or(""), "application/problem+json");
  EXPECT_NE(refused.body.find("referenced by Post items (their authorId)"), std::string::npos)
      << refused.body;
  EXPECT_EQ(client_.get("/users/1").status, 200) << "the refused delete left the user";
  EXPECT_EQ(client_.del("/posts/1").status, 204);
  EXPECT_EQ(client_.del("/users/1").status, 204) << "nothing references the user any more";
}

}  // namespace
}  // namespace apiserver::test
