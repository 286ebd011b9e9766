// application/x-www-form-urlencoded bodies are read into the JSON object their schema
// describes and validated like JSON, in every mode: a stored create stores the form's fields
// with their declared types, a mocked operation refuses an invalid form with the same 422 that
// lists every error, and what is not a form (a bad %-escape, text that is not UTF-8) is a 400.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Shop, version: "1"}
paths:
  /widgets:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Widget"}}}}}
    post:
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "#/components/schemas/Widget"}}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Widget"}
            encoding:
              sizes: {style: form, explode: false}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Widget"}}}}
  /widgets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Widget"}}}}
  /feedback:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [email, score]
              properties:
                email: {type: string, format: email}
                score: {type: integer, minimum: 1, maximum: 5}
                agree: {type: boolean}
      responses:
        "202": {description: Noted, content: {application/json: {schema: {type: object, properties: {ok: {type: boolean}}}, example: {ok: true}}}}
components:
  schemas:
    Widget:
      type: object
      required: [name, price]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string, minLength: 1}
        price: {type: number, minimum: 0}
        tags: {type: array, items: {type: string}}
        sizes: {type: array, items: {type: integer}}
        active: {type: boolean}
)";

const Headers kForm = {{"Content-Type", "application/x-www-form-urlencoded"}};

// The pointers of a 422's errors, in order, each with its detail.
std::string errors_of(const HttpResponse& r) {
  std::string out;
  const json body = r.json();
  for (const json& e : body["errors"])
    out += e["pointer"].get<std::string>() + ": " + e["detail"].get<std::string>() + "\n";
  return out;
}

class FormBodiesTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{write_file(dir_, "shop.yaml", kDocument), "--db", dir_.file("shop.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(FormBodiesTest, AStoredCreateStoresTheFormWithItsDeclaredTypes) {
  HttpResponse r = client_.post(
      "/widgets", "name=Widget+One%21&price=3.5&tags=a&tags=b%20c&sizes=1,2,3&active=true", kForm);
  ASSERT_EQ(r.status, 201) << r.body;
  const json expected = json::parse(
      R"({"id":1,"name":"Widget One!","price":3.5,"tags":["a","b c"],"sizes":[1,2,3],"active":true})");
  EXPECT_EQ(r.json(), expected);
  EXPECT_EQ(client_.get("/widgets/1").json(), expected) << "stored as JSON, read back as JSON";
  // The same create as JSON is the same item.
  HttpResponse same = client_.post_json("/widgets", {{"name", "Widget One!"}, {"price", 3.5}});
  EXPECT_EQ(same.status, 201);
  // A form without the optional fields, in any order.
  HttpResponse small = client_.post("/widgets", "price=0&name=x", kForm);
  EXPECT_EQ(small.status, 201) << small.body;
  EXPECT_EQ(small.json()["price"], 0);
}

TEST_F(FormBodiesTest, OneAnswerListsEveryErrorOfAForm) {
  HttpResponse r = client_.post("/widgets", "name=&price=abc&price=2&sizes=1,x&active=yes", kForm);
  ASSERT_EQ(r.status, 422) << r.body;
  const std::string errors = errors_of(r);
  EXPECT_NE(errors.find("/price: is given more than once; it takes one value"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/name: must be at least 1 characters long"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/price: must be a number"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/sizes/1: must be an integer"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/active: must be a boolean"), std::string::npos) << errors;
  EXPECT_EQ(errors.find("/sizes/0"), std::string::npos) << "1 is an integer: " << errors;
  // A required field missing is named like in JSON.
  HttpResponse missing = client_.post("/widgets", "name=x", kForm);
  EXPECT_EQ(missing.status, 422);
  EXPECT_NE(errors_of(missing).find("/price"), std::string::npos) << missing.body;
  EXPECT_EQ(client_.get("/widgets?limit=5").json().size(), 0u) << "nothing stored";
}

TEST_F(FormBodiesTest, WhatIsNotAFormIsA400) {
  for (const char* body : {"name=%zz&price=1", "name=%C3%28&price=1", "na%FFme=x&price=1"}) {
    HttpResponse r = client_.post("/widgets", body, kForm);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << body;
  }
}

TEST_F(FormBodiesTest, AMockedOperationValidatesItsFormToo) {
  HttpResponse ok = client_.post("/feedback", "email=a%40b.co&score=4&agree=false", kForm);
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(ok.json(), json::parse(R"({"ok":true})"));
  HttpResponse bad = client_.post("/feedback", "email=nope&score=9", kForm);
  ASSERT_EQ(bad.status, 422) << bad.body;
  const std::string errors = errors_of(bad);
  EXPECT_NE(errors.find("/email: must be an e-mail address"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/score: must be <= 5"), std::string::npos) << errors;
  HttpResponse none = client_.post("/feedback", "score=3", kForm);
  EXPECT_EQ(none.status, 422);
  EXPECT_NE(errors_of(none).find("/email"), std::string::npos) << none.body;
}

TEST(FormBodies, AnUnknownFieldStyleStopsTheStart) {
  TempDir dir;
  std::string document = kDocument;
  const std::string from = "sizes: {style: form, explode: false}";
  document.replace(document.find(from), from.size(), "sizes: {style: deepObject}");
  RunResult run = ServerProcess::run({"validate", write_file(dir, "shop.yaml", document)},
                                     std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err)
                .find("form field style 'deepObject' is not supported; form, spaceDelimited and "
                      "pipeDelimited are"),
            std::string::npos)
      << run.out << run.err;
}

}  // namespace
}  // namespace apiserver::test
