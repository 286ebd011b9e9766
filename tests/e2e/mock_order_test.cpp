// Key order of mock answers, end to end (specs/mock.md "Which body"): an example comes back
// exactly as the document writes it, keys in document order at every depth (the media type's
// `example`, named `examples`, one through a $ref, a schema's own `example`), and data
// generated from a schema lists the properties in the order the schema declares them. The raw
// body text is compared, since any JSON parser on the test side could reorder keys.
//
// Fixture: specs/mock_order.yaml; a JSON document is written by the test itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

// The keys of `object` in the order the text gives them.
std::vector<std::string> keys_of(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& [key, ignored] : object.items()) keys.push_back(key);
  return keys;
}

class MockOrderTest : public ::testing::Test {
 protected:
  ServerProcess server_{{spec("mock_order.yaml")}};
  HttpClient client_{server_.port()};
};

TEST_F(MockOrderTest, TheMediaTypeExampleKeepsTheDocumentKeyOrderAtEveryDepth) {
  HttpResponse r = client_.get("/order");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"zebra":1,"apple":{"yak":true,"bee":[{"kiwi":"v","fig":null},)"
                    R"({"mango":2.5,"date":"d"}]},"mid":"x"})");
}

TEST_F(MockOrderTest, NamedExamplesKeepTheDocumentKeyOrder) {
  HttpResponse first = client_.get("/named");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, R"({"name":"Rex","id":7,"kind":"dog"})") << "the first named example";

  HttpResponse chosen = client_.get("/named", {{"Prefer", "example=first"}});
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.body, R"({"name":"Rex","id":7,"kind":"dog"})");

  HttpResponse shared = client_.get("/named", {{"Prefer", "example=shared"}});
  ASSERT_EQ(shared.status, 200) << shared.body;
  EXPECT_EQ(shared.body, R"({"z":"last","a":"first","m":[3,1,2]})")
      << "through a $ref to components/examples";
}

TEST_F(MockOrderTest, ASchemaExampleKeepsTheDocumentKeyOrder) {
  HttpResponse r = client_.get("/schema-example");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"when":"today","what":"lunch"})");
}

TEST_F(MockOrderTest, GeneratedPropertiesFollowTheSchemaDeclarationOrder) {
  for (const char* prefer : {"", "dynamic=true"}) {
    HttpResponse r = *prefer == '\0' ? client_.get("/generated")
                                     : client_.get("/generated", {{"Prefer", prefer}});
    ASSERT_EQ(r.status, 200) << r.body;
    nlohmann::ordered_json body = nlohmann::ordered_json::parse(r.body);
    EXPECT_EQ(keys_of(body), (std::vector<std::string>{"zulu", "mike", "alpha", "bravo"}))
        << prefer << ": " << r.body;
    EXPECT_EQ(keys_of(body["bravo"]), (std::vector<std::string>{"yankee", "xray"})) << r.body;
  }
}

TEST(MockOrderJson, AJsonDocumentExampleKeepsItsKeyOrder) {
  TempDir dir;
  std::string path = write_file(dir, "order.json", R"({
    "openapi": "3.1.0",
    "info": {"title": "Order", "version": "1.0.0"},
    "x-apiserver": {"mode": "mock"},
    "paths": {"/thing": {"get": {"responses": {"200": {
      "description": "A thing",
      "content": {"application/json": {"example": {"b": 1, "a": {"d": [], "c": {}}, "0": "zero"}}}
    }}}}}
  })");
  ServerProcess server({path});
  HttpClient client(server.port());
  HttpResponse r = client.get("/thing");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"b":1,"a":{"d":[],"c":{}},"0":"zero"})");
}

}  // namespace
}  // namespace apiserver::test
