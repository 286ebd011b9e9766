// Numbers no double can hold (1e400, -1e400, a 400-digit integer) and the literals JSON does
// not have (NaN, Infinity), sent wherever the server parses client JSON: POST and PUT bodies,
// merge-patch bodies, JSON-encoded and deepObject query parameters. Each is a 4xx in the
// problem+json shape (a 422 with the number's pointer where it is well-formed JSON), never a
// 500, and the server keeps serving.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kSpec[] = R"(openapi: 3.0.3
info: {title: Payments, version: '1'}
paths:
  /payments:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Payment'}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Payment'}
    get:
      responses:
        '200':
          description: all
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Payment'}}
  /payments/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer}}
    get:
      responses:
        '200':
          description: one
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Payment'}
    put:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Payment'}
      responses:
        '200':
          description: replaced
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Payment'}
    patch:
      requestBody:
        required: true
        content:
          application/merge-patch+json:
            schema: {$ref: '#/components/schemas/Payment'}
      responses:
        '200':
          description: patched
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Payment'}
  /quotes:
    get:
      parameters:
        - name: filter
          in: query
          content:
            application/json:
              schema:
                type: object
                properties:
                  min: {type: number}
                  limits: {type: array, items: {type: number}}
        - name: range
          in: query
          style: deepObject
          explode: true
          schema:
            type: object
            properties:
              max: {type: number}
      responses:
        '204': {description: nothing}
components:
  schemas:
    Payment:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        amount: {type: number}
        units: {type: integer}
        lines: {type: array, items: {type: number}}
        note: {type: string}
)";

const std::string kOutOfRange =
    " is out of range: JSON numbers here must fit a 64-bit double (magnitude at most "
    "1.7976931348623157e308)";

json field_problem(const std::string& instance, json error) {
  return {{"type", "urn:apiserver:problem:validation-failed"},
          {"title", "Request validation failed"},
          {"status", 422},
          {"detail", "1 error in the request"},
          {"instance", instance},
          {"errors", json::array({std::move(error)})}};
}

json body_error(const std::string& pointer, const std::string& number) {
  return {{"in", "body"}, {"pointer", pointer}, {"detail", "number " + number + kOutOfRange}};
}

class HostileNumbersTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string spec_ = write_file(dir_, "payments.yaml", kSpec);
  ServerProcess server_{std::vector<std::string>{spec_, "--db", dir_.file("payments.db")}};
  HttpClient client_{server_.port()};

  void expect_problem_json(const HttpResponse& r) {
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.body;
  }
  // The server still serves: a plain payment goes through.
  void expect_still_serving() {
    HttpResponse made = client_.post("/payments", R"({"amount": 12.5})");
    EXPECT_EQ(made.status, 201) << made.body;
  }
};

TEST_F(HostileNumbersTest, AnOverflowingNumberInABodyIsA422AtItsPointer) {
  struct Case {
    std::string body;
    std::string pointer;
    std::string number;
  };
  const std::vector<Case> cases = {
      {R"({"amount": 1e400})", "/amount", "1e400"},
      {R"({"amount": -1e400})", "/amount", "-1e400"},
      {R"({"amount": 1E+309, "note": "x"})", "/amount", "1E+309"},
      {R"({"note": "x", "lines": [1, 2, 5e500]})", "/lines/2", "5e500"},
      {"{\"amount\": 1" + std::string(400, '0') + "}", "/amount",
       "1" + std::string(31, '0') + "... (401 characters)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 60));
    HttpResponse r = client_.post("/payments", c.body);
    EXPECT_EQ(r.status, 422) << r.body;
    expect_problem_json(r);
    EXPECT_EQ(r.json(), field_problem("/payments", body_error(c.pointer, c.number)));
  }
  expect_still_serving();
  EXPECT_EQ(server_.log().find("number overflow"), std::string::npos) << server_.log();
}

TEST_F(HostileNumbersTest, PutAndMergePatchBodiesAreCheckedTheSameWay) {
  HttpResponse made = client_.post("/payments", R"({"amount": 1})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string item = "/payments/" + made.json()["id"].dump();
  HttpResponse put = client_.put(item, R"({"amount": -1e400})");
  EXPECT_EQ(put.status, 422) << put.body;
  EXPECT_EQ(put.json(), field_problem(item, body_error("/amount", "-1e400")));
  HttpResponse patch = client_.patch(item, R"({"lines": [1e999]})",
                                     {{"content-type", "application/merge-patch+json"}});
  EXPECT_EQ(patch.status, 422) << patch.body;
  EXPECT_EQ(patch.json(), field_problem(item, body_error("/lines/0", "1e999")));
  // Nothing was written.
  HttpResponse read = client_.get(item);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["amount"], 1);
}

TEST_F(HostileNumbersTest, NanAndInfinityLiteralsAreMalformedJson) {
  for (const std::string literal : {"NaN", "Infinity", "-Infinity", "nan", "inf"}) {
    SCOPED_TRACE(literal);
    HttpResponse r = client_.post("/payments", "{\"amount\": " + literal + "}");
    EXPECT_EQ(r.status, 400) << r.body;
    expect_problem_json(r);
    json p = r.json();
    EXPECT_EQ(p["type"], "urn:apiserver:problem:malformed-body");
    EXPECT_EQ(p["detail"].get<std::string>().rfind("the body is not valid JSON: parse error at "
                                                   "line 1, column ",
                                                   0),
              0u)
        << p["detail"];
  }
  expect_still_serving();
}

TEST_F(HostileNumbersTest, NumbersAtTheEdgeOfADoubleAreStoredAndReadBack) {
  HttpResponse made =
      client_.post("/payments", R"({"amount": -1.7976931348623157e308, "lines": [1e-400]})");
  ASSERT_EQ(made.status, 201) << made.body;
  HttpResponse read = client_.get("/payments/" + made.json()["id"].dump());
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["amount"].get<double>(), -1.7976931348623157e308);
  EXPECT_EQ(read.json()["lines"], json::array({0.0}));
}

TEST_F(HostileNumbersTest, AJsonEncodedParameterWithAnOverflowIsA422AtItsPointer) {
  // filter={"limits":[1,-1e400]}, percent-encoded.
  HttpResponse r = client_.get("/quotes?filter=%7B%22limits%22%3A%5B1%2C-1e400%5D%7D");
  EXPECT_EQ(r.status, 422) << r.body;
  expect_problem_json(r);
  EXPECT_EQ(r.json(), field_problem("/quotes", {{"in", "query"},
                                                {"name", "filter"},
                                                {"pointer", "/limits/1"},
                                                {"detail", "number -1e400" + kOutOfRange}}));
  HttpResponse nan = client_.get("/quotes?filter=%7B%22min%22%3ANaN%7D");
  EXPECT_EQ(nan.status, 422) << nan.body;
  EXPECT_EQ(nan.json(), field_problem("/quotes", {{"in", "query"},
                                                  {"name", "filter"},
                                                  {"pointer", ""},
                                                  {"detail", "is not valid JSON"}}));
  expect_still_serving();
}

TEST_F(HostileNumbersTest, ADeepObjectValueBeyondADoubleIsNotANumber) {
  for (const std::string value : {"1e400", "-1e400", "NaN", "Infinity"}) {
    SCOPED_TRACE(value);
    HttpResponse r = client_.get("/quotes?range%5Bmax%5D=" + value);
    EXPECT_EQ(r.status, 422) << r.body;
    expect_problem_json(r);
    json p = r.json();
    ASSERT_EQ(p["errors"].size(), 1u) << p;
    EXPECT_EQ(p["errors"][0]["name"], "range");
    EXPECT_EQ(p["errors"][0]["pointer"], "/max");
  }
  expect_still_serving();
}

TEST_F(HostileNumbersTest, IntegersAnIntegerColumnCannotHoldAre422NotStoredAsOtherNumbers) {
  const std::string detail = "must be an integer from -9223372036854775808 to 9223372036854775807";
  const json range_error = {{"in", "body"}, {"pointer", "/units"}, {"detail", detail}};
  for (const char* units : {"1e300", "-1e19", "18446744073709551615", "9223372036854775808"}) {
    HttpResponse r = client_.post("/payments", std::string(R"({"units": )") + units + "}");
    ASSERT_EQ(r.status, 422) << units << ": " << r.body;
    EXPECT_EQ(r.json(), field_problem("/payments", range_error)) << units;
  }
  HttpResponse largest = client_.post("/payments", R"({"units": 9223372036854775807})");
  ASSERT_EQ(largest.status, 201) << largest.body;
  const std::string location = largest.header("location").value_or("");
  EXPECT_EQ(client_.get(location).json()["units"], json(9223372036854775807LL));
  HttpResponse patched = client_.request("PATCH", location, R"({"units": 1e300})",
                                         {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 422) << patched.body;
  EXPECT_EQ(patched.json(), field_problem(location, range_error));
  EXPECT_EQ(client_.get(location).json()["units"], json(9223372036854775807LL));
}

}  // namespace
}  // namespace apiserver::test
