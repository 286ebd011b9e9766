// Keys made from another property, end to end (specs/storage.md, "Keys"): articles keyed by the
// slug of their title (x-apiserver-key {property: slug, from: title}), read by it, kept when the
// title changes, unique (409), and refused when the title makes none (422).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

class SlugKeysTest : public ::testing::Test {
 protected:
  SlugKeysTest()
      : server_({test_data_path("e2e/specs/articles_slug.yaml"), "--db", dir_.file("a.db")}) {}

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(SlugKeysTest, AnArticleIsKeyedByTheSlugOfItsTitle) {
  HttpResponse created = client_.post_json("/articles", {{"title", "How to Train Your Dragon!"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location").value_or(""), "/articles/how-to-train-your-dragon");
  EXPECT_EQ(json::parse(created.body)["slug"], "how-to-train-your-dragon");
  HttpResponse read = client_.get("/articles/how-to-train-your-dragon");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body)["title"], "How to Train Your Dragon!");
}

TEST_F(SlugKeysTest, TheSlugStaysWhenTheTitleChanges) {
  ASSERT_EQ(client_.post_json("/articles", {{"title", "First Draft"}}).status, 201);
  HttpResponse patched = client_.patch("/articles/first-draft", R"({"title":"Final Version"})",
                                       {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json::parse(patched.body)["slug"], "first-draft") << "links to it keep working";
  EXPECT_EQ(client_.get("/articles/final-version").status, 404);
}

TEST_F(SlugKeysTest, ATitleWhoseSlugIsTakenIsAConflict) {
  ASSERT_EQ(client_.post_json("/articles", {{"title", "Hello World"}}).status, 201);
  HttpResponse again = client_.post_json("/articles", {{"title", "hello, world"}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.header("content-type").value_or(""), "application/problem+json");
  EXPECT_EQ(json::parse(client_.get("/articles").body).size(), 1u);
}

TEST_F(SlugKeysTest, ATitleWithoutALetterOrDigitMakesNoKey) {
  HttpResponse refused = client_.post_json("/articles", {{"title", "?!"}});
  ASSERT_EQ(refused.status, 422) << refused.body;
  const json errors = json::parse(refused.body)["errors"];
  ASSERT_EQ(errors.size(), 1u) << refused.body;
  EXPECT_EQ(errors[0]["pointer"], "/title");
  EXPECT_EQ(errors[0]["detail"], "makes no slug: it needs a letter or a digit");
}

TEST_F(SlugKeysTest, AClientMaySendNoSlugOfItsOwn) {
  // slug is readOnly: a client's is dropped, and the title's is used.
  HttpResponse created =
      client_.post_json("/articles", {{"title", "Plain Title"}, {"slug", "my-own"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["slug"], "plain-title");
}

}  // namespace
}  // namespace apiserver::test
