// Properties answered as mocks (specs/storage.md, "Properties answered as mocks"): on an item
// that is stored, a property marked x-apiserver-mock: true has no column; every answer holds
// the one value generated for it at start-up, and what a client sends there is ignored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// Articles whose favorite counts are not stored; `favorited` is the declaration on
// `favorited`.
std::string articles(const std::string& favorited = "x-apiserver-mock: true") {
  return R"(openapi: 3.1.0
info: {title: articles, version: "1"}
paths:
  /articles:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Article"}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/NewArticle"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}}
  /articles/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}}
    patch:
      requestBody: {content: {application/merge-patch+json: {schema: {type: object}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}}
components:
  schemas:
    NewArticle:
      type: object
      required: [title]
      properties:
        title: {type: string}
    Article:
      type: object
      required: [id, title, favorited, favoritesCount]
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
        favoritesCount: {type: integer, minimum: 0, example: 0, x-apiserver-mock: true}
        favorited:
          type: boolean
          )" +
         favorited + "\n";
}

class MockedPropertiesTest : public ::testing::Test {
 protected:
  MockedPropertiesTest()
      : server_({write_file(dir_, "articles.yaml", articles()), "--db", dir_.file("a.db")}) {}

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(MockedPropertiesTest, EveryAnswerHoldsTheGeneratedValues) {
  HttpResponse created =
      client_.post_json("/articles", {{"title", "Hello"}, {"favoritesCount", 99}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json article = json::parse(created.body);
  EXPECT_EQ(article["favoritesCount"], 0) << "the example, not what the client sent";
  EXPECT_TRUE(article["favorited"].is_boolean()) << article;
  EXPECT_EQ(json::parse(client_.get("/articles/1").body), article);
  const json list = json::parse(client_.get("/articles").body);
  ASSERT_EQ(list.size(), 1u) << list;
  EXPECT_EQ(list[0], article);
}

TEST_F(MockedPropertiesTest, AMergePatchIsCheckedWithThemAndCannotChangeThem) {
  ASSERT_EQ(client_.post_json("/articles", {{"title", "Hello"}}).status, 201);
  HttpResponse patched = client_.patch_json("/articles/1", {{"title", "Hi"}, {"favorited", 3}},
                                            {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  const json article = json::parse(patched.body);
  EXPECT_EQ(article["title"], "Hi");
  EXPECT_TRUE(article["favorited"].is_boolean()) << article;
}

TEST_F(MockedPropertiesTest, TheyAreNotFilteredOn) {
  HttpResponse filtered = client_.get("/articles?favoritesCount=0");
  EXPECT_EQ(filtered.status, 422) << filtered.body;
  EXPECT_NE(filtered.body.find("favoritesCount"), std::string::npos) << filtered.body;
}

TEST_F(MockedPropertiesTest, RoutesSayWhatIsMocked) {
  RunResult r = ServerProcess::run({"routes", dir_.file("articles.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("; mocks favoritesCount (always 0), favorited (always "), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("favoritesCount [required]"), std::string::npos) << "no column: " << r.out;
}

TEST(MockedPropertiesStartup, ADeclarationOtherThanABooleanIsRefusedAtItsLine) {
  TempDir dir;
  const std::string spec = write_file(dir, "bad.yaml", articles("x-apiserver-mock: yes please"));
  RunResult r = ServerProcess::run({"validate", spec});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("bad.yaml:33"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("must be true (answer it as a mock) or false"), std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace apiserver::test
