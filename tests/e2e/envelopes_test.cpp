// Envelopes, end to end (specs/storage.md, "Envelopes"): on specs/envelope_articles.yaml the
// bodies wrap the item in a property named after the collection, as Conduit's do. The item is
// stored, answers come back in the same envelope, a list carries its count, and errors point
// into the envelope (/article/title).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// The only error of a 422 answer.
json only_error(const HttpResponse& r) {
  EXPECT_EQ(r.status, 422) << r.body;
  const json body = json::parse(r.body, nullptr, false);
  if (!body.contains("errors") || body["errors"].size() != 1) {
    ADD_FAILURE() << r.body;
    return json::object();
  }
  return body["errors"][0];
}

class EnvelopesTest : public ::testing::Test {
 protected:
  EnvelopesTest()
      : server_({test_data_path("e2e/specs/envelope_articles.yaml"), "--db", dir_.file("a.db")}) {}

  static json article(const std::string& title, const std::string& body = "Text") {
    return {{"article", {{"title", title}, {"body", body}}}};
  }

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(EnvelopesTest, AWrappedItemIsStoredAndAnsweredInItsEnvelope) {
  HttpResponse created = client_.post_json("/articles", article("Hello World", "First"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location").value_or(""), "/articles/hello-world");
  EXPECT_EQ(
      json::parse(created.body),
      json({{"article", {{"slug", "hello-world"}, {"title", "Hello World"}, {"body", "First"}}}}));
  HttpResponse read = client_.get("/articles/hello-world");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body), json::parse(created.body));
  HttpResponse replaced =
      client_.put_json("/articles/hello-world", article("Hello Again", "Second"));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(json::parse(replaced.body)["article"]["body"], "Second");
  EXPECT_EQ(json::parse(client_.get("/articles/hello-world").body)["article"]["title"],
            "Hello Again");
}

TEST_F(EnvelopesTest, AListIsWrappedWithItsCount) {
  for (const char* title : {"One", "Two", "Three"})
    ASSERT_EQ(client_.post_json("/articles", article(title)).status, 201);
  HttpResponse page = client_.get("/articles?limit=2");
  ASSERT_EQ(page.status, 200) << page.body;
  const json body = json::parse(page.body);
  ASSERT_TRUE(body.is_object()) << page.body;
  ASSERT_EQ(body["articles"].size(), 2u) << page.body;
  EXPECT_EQ(body["articles"][0]["slug"], "one");
  EXPECT_EQ(body["articlesCount"], 3) << "the count is every article, not the page";
  EXPECT_FALSE(page.header("x-total-count")) << "the count is in the body; the header is asked";
  const json empty = json::parse(client_.get("/articles?offset=5").body);
  EXPECT_EQ(empty, json({{"articles", json::array()}, {"articlesCount", 3}}));
}

TEST_F(EnvelopesTest, ErrorsPointIntoTheEnvelope) {
  // The schema's own checks, and the server's after it (read-only, integer range).
  EXPECT_EQ(only_error(client_.post_json("/articles", article("")))["pointer"], "/article/title");
  json big = article("Big");
  big["article"]["views"] = 1e300;
  EXPECT_EQ(only_error(client_.post_json("/articles", big))["pointer"], "/article/views");
  const json none = only_error(client_.post_json("/articles", {{"title", "No envelope"}}));
  EXPECT_EQ(none["pointer"], "/article") << none;
  const json wrong = only_error(client_.post_json("/articles", {{"article", "text"}}));
  EXPECT_EQ(wrong["pointer"], "/article") << wrong;
  EXPECT_EQ(json::parse(client_.get("/articles").body)["articlesCount"], 0) << "nothing stored";
}

TEST_F(EnvelopesTest, FiltersAndKeysAreTheItemsOwn) {
  ASSERT_EQ(client_.post_json("/articles", article("Stored Flat")).status, 201);
  HttpResponse list = client_.get("/articles?title=Stored%20Flat");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(json::parse(list.body)["articles"].size(), 1u) << "filters name the item's properties";
  EXPECT_EQ(client_.del("/articles/stored-flat").status, 204);
  EXPECT_EQ(client_.get("/articles/stored-flat").status, 404);
}

// specs/envelope_declared.yaml: the wrapping property is `data`, declared on the schemas.
class DeclaredEnvelopesTest : public ::testing::Test {
 protected:
  DeclaredEnvelopesTest()
      : server_({test_data_path("e2e/specs/envelope_declared.yaml"), "--db", dir_.file("p.db")}) {}

  static json product(const std::string& name, double price) {
    return {{"data", {{"name", name}, {"price", price}}}};
  }

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(DeclaredEnvelopesTest, ItemsAndListsAreWrappedInTheDeclaredProperty) {
  HttpResponse created = client_.post_json("/products", product("Lamp", 20));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body),
            json({{"data", {{"id", 1}, {"name", "Lamp"}, {"price", 20}}}}));
  ASSERT_EQ(client_.post_json("/products", product("Desk", 150)).status, 201);
  HttpResponse patched = client_.patch_json("/products/1", {{"data", {{"price", 25}}}},
                                            {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json::parse(patched.body)["data"]["price"], 25);
  EXPECT_EQ(json::parse(client_.get("/products/1").body)["data"]["price"], 25);
  HttpResponse page = client_.get("/products?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(json::parse(page.body),
            json({{"data", {{{"id", 1}, {"name", "Lamp"}, {"price", 25}}}}, {"total", 2}}))
      << "the optional `next` is left out";
  HttpResponse cheap = client_.get("/products?price[lt]=100");
  ASSERT_EQ(cheap.status, 200) << cheap.body;
  EXPECT_EQ(json::parse(cheap.body)["total"], 1) << cheap.body;
}

TEST_F(DeclaredEnvelopesTest, ErrorsPointIntoTheDeclaredProperty) {
  const json empty = only_error(client_.post_json("/products", product("", 1)));
  EXPECT_EQ(empty["pointer"], "/data/name") << empty;
  const json bare = only_error(client_.post_json("/products", {{"name", "Bare"}, {"price", 1}}));
  EXPECT_EQ(bare["pointer"], "/data") << bare;
  EXPECT_EQ(json::parse(client_.get("/products").body)["total"], 0) << "nothing stored";
}

TEST_F(DeclaredEnvelopesTest, WritesToManyItemsTakeAndAnswerTheEnvelopes) {
  for (const auto& [name, price] : {std::pair{"Pen", 2.0}, {"Cup", 8.0}, {"Desk", 150.0}})
    ASSERT_EQ(client_.post_json("/products", product(name, price)).status, 201);
  const Headers merge = {{"Content-Type", "application/merge-patch+json"}};
  HttpResponse cheap =
      client_.patch_json("/products?price[lt]=100", {{"data", {{"price", 5}}}}, merge);
  ASSERT_EQ(cheap.status, 200) << cheap.body;
  EXPECT_EQ(json::parse(cheap.body), json({{"data",
                                            {{{"id", 1}, {"name", "Pen"}, {"price", 5}},
                                             {{"id", 2}, {"name", "Cup"}, {"price", 5}}}},
                                           {"total", 2}}));
  const json negative =
      only_error(client_.patch_json("/products?name=Desk", {{"data", {{"price", -1}}}}, merge));
  EXPECT_EQ(negative["pointer"], "/data/price") << negative;
  const json bare = only_error(client_.patch_json("/products?name=Desk", {{"price", 1}}, merge));
  EXPECT_EQ(bare["pointer"], "/data") << bare;
  HttpResponse removed = client_.del("/products?price=5");
  ASSERT_EQ(removed.status, 200) << removed.body;
  const json gone = json::parse(removed.body);
  EXPECT_EQ(gone["total"], 2) << removed.body;
  EXPECT_EQ(gone["data"].size(), 2u) << removed.body;
  EXPECT_EQ(json::parse(client_.get("/products").body)["total"], 1);
}

}  // namespace
}  // namespace apiserver::test
