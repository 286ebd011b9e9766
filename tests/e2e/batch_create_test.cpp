// Batch creates: where a stored create's request body schema takes an array of items (and its
// 201 an array of stored items), POST of an array stores every item in one transaction or none.
// A bad item is named by pointer (/2/price) and nothing is stored; a key conflict names its item;
// a single object is still one create. A document whose batch has no array answer is refused at
// start-up.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// `answer` is the schema of the create's 201.
std::string products_document(const std::string& answer) {
  return R"(openapi: 3.0.3
info: {title: Products, version: "1"}
paths:
  /products:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Product"}}}}}
    post:
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - {$ref: "#/components/schemas/Product"}
                - {type: array, items: {$ref: "#/components/schemas/Product"}}
      responses:
        "201": {description: Created, content: {application/json: {schema: )" +
         answer + R"(}}}
  /products/{sku}:
    parameters: [{name: sku, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Product"}}}}
components:
  schemas:
    Product:
      type: object
      required: [sku, price]
      additionalProperties: false
      properties:
        sku: {type: string}
        price: {type: number, minimum: 0}
        name: {type: string}
)";
}

const char* const kArrayOrItem =
    R"({oneOf: [{$ref: "#/components/schemas/Product"}, {type: array, items: {$ref: "#/components/schemas/Product"}}]})";

class BatchCreateTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{write_file(dir_, "products.yaml", products_document(kArrayOrItem)), "--db",
                         dir_.file("products.db")}};
  HttpClient client_{server_.port()};

  size_t stored() { return client_.get("/products?limit=100").json().size(); }
};

TEST_F(BatchCreateTest, AnArrayIsStoredWholeAndAnsweredInOrder) {
  HttpResponse r = client_.post_json(
      "/products", json::parse(R"([{"sku":"a","price":1},{"sku":"b","price":2,"name":"Bee"},
                                   {"sku":"c","price":3}])"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body,
            R"([{"sku":"a","price":1},{"sku":"b","price":2,"name":"Bee"},{"sku":"c","price":3}])");
  EXPECT_EQ(stored(), 3u);
  // One object is still one create.
  HttpResponse one = client_.post_json("/products", {{"sku", "d"}, {"price", 4}});
  ASSERT_EQ(one.status, 201) << one.body;
  EXPECT_EQ(one.header("location"), "/products/d");
  // An empty batch stores nothing and says so.
  HttpResponse none = client_.post("/products", "[]", {{"Content-Type", "application/json"}});
  EXPECT_EQ(none.status, 201);
  EXPECT_EQ(none.body, "[]");
}

TEST_F(BatchCreateTest, OneBadItemStoresNothingAndEveryBadItemIsNamed) {
  run_scenario(client_, Scenario("Bad items are named by index and property; none is stored.")
                            .post("/products", R"([{"sku":"a","price":1},{"sku":"b","price":-2},
                                          {"sku":"c"}])")
                            .expect_status(422)
                            .check([](const HttpResponse& r) {
                              std::string pointers;
                              const json body = r.json();
                              for (const json& e : body["errors"])
                                pointers += e["pointer"].get<std::string>() + " ";
                              EXPECT_NE(pointers.find("/1/price"), std::string::npos) << r.body;
                              EXPECT_NE(pointers.find("/2/price"), std::string::npos) << r.body;
                              EXPECT_EQ(pointers.find("/0"), std::string::npos) << r.body;
                            }));
  EXPECT_EQ(stored(), 0u);
}

TEST_F(BatchCreateTest, AKeyConflictNamesItsItemAndRollsBackTheOthers) {
  ASSERT_EQ(client_.post_json("/products", {{"sku", "taken"}, {"price", 1}}).status, 201);
  HttpResponse r =
      client_.post_json("/products", json::parse(R"([{"sku":"x","price":1},{"sku":"y","price":1},
                                   {"sku":"taken","price":5}])"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json()["detail"], "item /2: an item with this key already exists");
  EXPECT_EQ(stored(), 1u) << "x and y are rolled back with the conflicting item";
  EXPECT_EQ(client_.get("/products/x").status, 404);
  // A key repeated inside the batch conflicts the same way.
  HttpResponse twice = client_.post_json(
      "/products", json::parse(R"([{"sku":"p","price":1},{"sku":"p","price":2}])"));
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(stored(), 1u);
}

TEST(BatchCreate, ABatchWithoutAnArrayAnswerIsRefusedAtStartUp) {
  TempDir dir;
  const std::string spec = write_file(
      dir, "products.yaml", products_document(R"({$ref: "#/components/schemas/Product"})"));
  RunResult run = ServerProcess::run({"validate", spec}, std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err)
                .find("POST /products takes an array of items (a batch create, stored all or "
                      "none) and answers with the array of stored items, but its 201 response "
                      "declares no array"),
            std::string::npos)
      << run.out << run.err;
}

}  // namespace
}  // namespace apiserver::test
