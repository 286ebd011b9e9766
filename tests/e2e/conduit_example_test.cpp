// examples/conduit.yaml, the RealWorld Conduit document with only x-apiserver-* keys added:
// articles and their comments are stored in Conduit's envelopes, with server-written times,
// slugs made from titles, and the fields a real backend computes answered as mocks.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr const char* kToken = "Token jwt.token.here.jake";

class ConduitExampleTest : public ::testing::Test {
 protected:
  ConduitExampleTest()
      : server_({source_path("examples/conduit.yaml"), "--db", dir_.file("conduit.db")},
                {{"CONDUIT_KEYS", std::string("jake=") + kToken}}) {}

  HttpResponse post(const std::string& path, const json& body) {
    return client_.post_json(path, body, {{"Authorization", kToken}});
  }

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(ConduitExampleTest, AnArticleIsStoredUnderItsSlugAndAnsweredInItsEnvelope) {
  HttpResponse created = post("/articles", {{"article",
                                             {{"title", "How to train your dragon"},
                                              {"description", "Ever wonder how?"},
                                              {"body", "You have to believe"},
                                              {"tagList", {"dragons", "training"}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json article = json::parse(created.body)["article"];
  EXPECT_EQ(article["slug"], "how-to-train-your-dragon");
  EXPECT_EQ(article["createdAt"], article["updatedAt"]);
  EXPECT_TRUE(article["favorited"].is_boolean()) << article;
  EXPECT_TRUE(article["author"]["username"].is_string()) << article;

  HttpResponse updated =
      client_.put_json("/articles/how-to-train-your-dragon", {{"article", {{"body", "With love"}}}},
                       {{"Authorization", kToken}});
  ASSERT_EQ(updated.status, 200) << updated.body;
  const json changed = json::parse(updated.body)["article"];
  EXPECT_EQ(changed["body"], "With love");
  EXPECT_EQ(changed["title"], "How to train your dragon") << "PUT updates, as Conduit's does";
  EXPECT_EQ(changed["createdAt"], article["createdAt"]);

  const json list = json::parse(client_.get("/articles").body);
  EXPECT_EQ(list["articlesCount"], 1) << list;
  EXPECT_EQ(list["articles"][0]["body"], "With love") << list;
}

TEST_F(ConduitExampleTest, CommentsAreStoredUnderTheirArticle) {
  ASSERT_EQ(post("/articles", {{"article",
                                {{"title", "Dragons"},
                                 {"description", "d"},
                                 {"body", "b"},
                                 {"tagList", json::array()}}}})
                .status,
            201);
  HttpResponse comment =
      post("/articles/dragons/comments", {{"comment", {{"body", "Thank you so much!"}}}});
  EXPECT_EQ(comment.status, 200) << "the status the document declares: " << comment.body;
  const json listed = json::parse(client_.get("/articles/dragons/comments").body);
  ASSERT_EQ(listed["comments"].size(), 1u) << listed;
  EXPECT_EQ(listed["comments"][0]["body"], "Thank you so much!");
  EXPECT_EQ(post("/articles/missing/comments", {{"comment", {{"body", "x"}}}}).status, 404);
}

TEST_F(ConduitExampleTest, WritesNeedTheToken) {
  EXPECT_EQ(client_.post_json("/articles", {{"article", {{"title", "x"}}}}).status, 401);
}

}  // namespace
}  // namespace apiserver::test
