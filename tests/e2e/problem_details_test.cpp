// RFC 9457 problem+json answers of examples/todo.yaml for requests the API refuses: unknown
// paths (404), undeclared methods (405 with Allow), OPTIONS (204 with Allow), HEAD, wrong or
// missing Content-Type (415), Accept that excludes JSON (406), malformed and too deeply nested
// JSON (400), schema violations (422 listing every error with its pointer), bad path
// parameters, and the body size limit (413; --max-body and APISERVER_MAX_BODY).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class ProblemDetailsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(client_.post("/todos", R"({"title":"milk"})").status, 201); }

  // Runs `scenarios` with what every refusal shares: a problem+json body whose Content-Length is
  // exact, on a connection that stays usable (checked after each scenario).
  void check(std::vector<Scenario> scenarios) {
    for (Scenario& scenario : scenarios) {
      scenario.expect_header("content-type", "application/problem+json")
          .check([](const HttpResponse& r) {
            EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
          });
      HttpResponse r = run_scenario(client_, scenario);
      if (r.status != scenario.expected_status()) return;
      SCOPED_TRACE(scenario.name() + " (the next request on the connection)");
      EXPECT_TRUE(client_.get("/todos/1").status == 200);
      EXPECT_TRUE(client_.last_reused());
    }
  }

  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{source_path("examples/todo.yaml"), "--db",
                                                 dir_.file("problems.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(ProblemDetailsTest, RoutingProblemsNameThePathAndTheAllowedMethods) {
  const std::string collection = "GET, POST, HEAD, OPTIONS";
  const std::string item = "GET, PUT, DELETE, PATCH, HEAD, OPTIONS";
  check({
      Scenario("An undeclared path is a 404 not-found.")
          .get("/nope")
          .expect_status(404)
          .expect_problem(problem_json("not-found", "No such resource", 404,
                                       "no operation is declared at /nope", "/nope"))
          .expect_no_header("allow"),
      Scenario("A path one segment too deep is a 404 not-found.")
          .get("/todos/1/extra")
          .expect_status(404)
          .expect_problem(problem_json("not-found", "No such resource", 404,
                                       "no operation is declared at /todos/1/extra",
                                       "/todos/1/extra"))
          .expect_no_header("allow"),
      Scenario("An undeclared method on the collection is a 405 with Allow.")
          .del("/todos")
          .expect_status(405)
          .expect_problem(problem_json("method-not-allowed", "Method not allowed", 405,
                                       "DELETE is not declared for /todos; allowed: " + collection,
                                       "/todos"))
          .expect_header("allow", collection),
      Scenario("An undeclared method on an item is a 405 with Allow.")
          .post("/todos/1", R"({"title":"x"})")
          .expect_status(405)
          .expect_problem(problem_json("method-not-allowed", "Method not allowed", 405,
                                       "POST is not declared for /todos/{id}; allowed: " + item,
                                       "/todos/1"))
          .expect_header("allow", item),
      Scenario("A 404 on an existing path but missing item is resource-not-found.")
          .get("/todos/2")
          .expect_status(404)
          .expect_problem(problem_json("resource-not-found", "Resource not found", 404,
                                       "no Todo at /todos/2", "/todos/2"))
          .expect_no_header("allow"),
  });
}

TEST_F(ProblemDetailsTest, OptionsAnswers204WithAllow) {
  for (const auto& [target, allow] : std::vector<std::pair<std::string, std::string>>{
           {"/todos", "GET, POST, HEAD, OPTIONS"},
           {"/todos/1", "GET, PUT, DELETE, PATCH, HEAD, OPTIONS"},
           {"/todos/999", "GET, PUT, DELETE, PATCH, HEAD, OPTIONS"}}) {
    SCOPED_TRACE(target);
    HttpResponse r = client_.options(target);
    ASSERT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(r.header("allow"), allow);
    EXPECT_EQ(r.body, "");
    EXPECT_FALSE(r.header("content-type").has_value());
  }
  HttpResponse unknown = client_.options("/nope");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST_F(ProblemDetailsTest, HeadIsGetWithoutTheBody) {
  for (const std::string target : {"/todos/1", "/todos/2", "/todos/abc", "/nope"}) {
    SCOPED_TRACE(target);
    HttpResponse get = client_.get(target);
    HttpResponse head = client_.head(target);
    EXPECT_EQ(head.status, get.status);
    EXPECT_EQ(head.body, "");
    EXPECT_FALSE(get.body.empty());
    EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
    EXPECT_EQ(head.header("content-type"), get.header("content-type"));
  }
}

TEST_F(ProblemDetailsTest, BodiesWithTheWrongMediaTypeAre415) {
  check({
      Scenario("text/plain is not a declared media type.")
          .post("/todos", R"({"title":"x"})")
          .header("Content-Type", "text/plain")
          .expect_status(415)
          .expect_problem(problem_json(
              "unsupported-media-type", "Unsupported media type", 415,
              "Content-Type 'text/plain' is not accepted here; send one of: application/json",
              "/todos"))
          .expect_no_header("allow"),
      Scenario("PUT checks the media type too.")
          .put("/todos/1", R"({"title":"x"})")
          .header("Content-Type", "application/xml")
          .expect_status(415)
          .expect_problem(
              problem_json("unsupported-media-type", "Unsupported media type", 415,
                           "Content-Type 'application/xml' is not accepted here; send one of: "
                           "application/json",
                           "/todos/1"))
          .expect_no_header("allow"),
  });
  // Parameters of the media type do not matter.
  HttpResponse with_charset = client_.post("/todos", R"({"title":"x"})",
                                           {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(with_charset.status, 201) << with_charset.body;
  HttpResponse upper_case =
      client_.post("/todos", R"({"title":"y"})", {{"Content-Type", "Application/JSON"}});
  EXPECT_EQ(upper_case.status, 201) << upper_case.body;
}

TEST_F(ProblemDetailsTest, ABodyWithoutContentTypeIs415) {
  // HttpClient would add a Content-Type, so write the request by hand.
  RawConnection raw(server_.port());
  const std::string body = R"({"title":"x"})";
  raw.write("POST /todos HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body);
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json(), problem_json("unsupported-media-type", "Unsupported media type", 415,
                                   "the request has a body but no Content-Type; send one of: "
                                   "application/json",
                                   "/todos"));
  EXPECT_FALSE(raw.is_closed_by_peer(milliseconds(100)));
}

TEST_F(ProblemDetailsTest, AnAcceptThatExcludesJsonIs406) {
  const json not_acceptable = problem_json(
      "not-acceptable", "Not acceptable", 406,
      "this operation answers application/json; the Accept header excludes it", "/todos/1");
  check({
      Scenario("text/html only is not acceptable.")
          .get("/todos/1")
          .header("Accept", "text/html")
          .expect_status(406)
          .expect_problem(not_acceptable)
          .expect_no_header("allow"),
      Scenario("JSON refused with q=0 is not acceptable.")
          .get("/todos/1")
          .header("Accept", "text/html, application/json;q=0")
          .expect_status(406)
          .expect_problem(not_acceptable)
          .expect_no_header("allow"),
  });
  for (const std::string accept :
       {"application/json", "*/*", "application/*", "text/html, application/json;q=0.5"}) {
    SCOPED_TRACE(accept);
    HttpResponse r = client_.get("/todos/1", {{"Accept", accept}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
}

TEST_F(ProblemDetailsTest, MalformedOrTooDeepJsonIs400) {
  HttpResponse truncated = client_.post("/todos", R"({"title":)");
  ASSERT_EQ(truncated.status, 400) << truncated.body;
  json p = truncated.json();
  EXPECT_EQ(p["type"], "urn:apiserver:problem:malformed-body");
  EXPECT_EQ(p["title"], "Malformed request body");
  EXPECT_EQ(p["status"], 400);
  EXPECT_EQ(p["instance"], "/todos");
  EXPECT_EQ(p["detail"].get<std::string>().rfind("the body is not valid JSON: parse error at "
                                                 "line 1, column 10",
                                                 0),
            0u)
      << p["detail"];

  const std::vector<std::string> malformed = {R"({"title":"ok"} trailing)",
                                              "{\"title\":\"\xff\xfe\"}", "nul"};
  for (const std::string& body : malformed) {
    SCOPED_TRACE(body);
    HttpResponse r = client_.post("/todos", body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()["type"], "urn:apiserver:problem:malformed-body");
  }

  // 65 levels are refused before parsing; 64 are parsed (and then break the schema).
  std::string deep = std::string(65, '[') + std::string(65, ']');
  HttpResponse too_deep = client_.post("/todos", deep);
  ASSERT_EQ(too_deep.status, 400) << too_deep.body;
  EXPECT_EQ(too_deep.json(), problem_json("malformed-body", "Malformed request body", 400,
                                          "the JSON nests deeper than 64 levels", "/todos"));
  std::string deep_object =
      R"({"title":"x","tags":)" + std::string(64, '[') + std::string(64, ']') + "}";
  HttpResponse deep_in_object = client_.post("/todos", deep_object);
  ASSERT_EQ(deep_in_object.status, 400) << deep_in_object.body;
  EXPECT_EQ(deep_in_object.json()["detail"], "the JSON nests deeper than 64 levels");
  // Brackets inside strings do not count.
  HttpResponse in_string =
      client_.post("/todos", R"({"title":")" + std::string(100, '[') + R"("})");
  EXPECT_EQ(in_string.status, 201) << in_string.body;

  std::string limit = std::string(64, '[') + std::string(64, ']');
  HttpResponse at_limit = client_.post("/todos", limit);
  ASSERT_EQ(at_limit.status, 422) << at_limit.body;
  EXPECT_EQ(at_limit.json(), validation_problem("/todos", {body_error("", "must be an object")}));
}

TEST_F(ProblemDetailsTest, SchemaViolationsAre422ListingEveryError) {
  check({
      Scenario("Every broken property is listed with its pointer.")
          .post("/todos", R"({"title":"","done":"x","extra":1,"tags":[1,"ok",")" +
                              std::string(33, 'a') + R"("]})")
          .expect_status(422)
          .expect_problem(validation_problem(
              "/todos", {body_error("/title", "must be at least 1 characters long"),
                         body_error("/done", "must be a boolean"),
                         body_error("/extra", "is not an allowed property"),
                         body_error("/tags/0", "must be a string"),
                         body_error("/tags/2", "must be at most 32 characters long")}))
          .expect_no_header("allow"),
      Scenario("A missing required property is reported at its own pointer.")
          .post("/todos", "{}")
          .expect_status(422)
          .expect_problem(validation_problem("/todos", {body_error("/title", "is required")}))
          .expect_no_header("allow"),
      Scenario("A body that is not an object is reported at the root pointer.")
          .post("/todos", R"(["milk"])")
          .expect_status(422)
          .expect_problem(validation_problem("/todos", {body_error("", "must be an object")}))
          .expect_no_header("allow"),
      Scenario("A missing body is reported when the body is required.")
          .post("/todos", "")
          .expect_status(422)
          .expect_problem(
              validation_problem("/todos", {body_error("", "a request body is required")}))
          .expect_no_header("allow"),
      Scenario("A string too long for maxLength is refused.")
          .post("/todos", R"({"title":")" + std::string(201, 'x') + R"("})")
          .expect_status(422)
          .expect_problem(validation_problem(
              "/todos", {body_error("/title", "must be at most 200 characters long")}))
          .expect_no_header("allow"),
      Scenario("maxItems is enforced.")
          .post("/todos", R"({"title":"x","tags":["1","2","3","4","5","6","7","8","9","10","11"]})")
          .expect_status(422)
          .expect_problem(
              validation_problem("/todos", {body_error("/tags", "must have at most 10 items")}))
          .expect_no_header("allow"),
      Scenario("format: date is checked (there is no 30 February).")
          .post("/todos", R"({"title":"x","due":"2024-02-30"})")
          .expect_status(422)
          .expect_problem(validation_problem(
              "/todos", {body_error("/due", "must be a date as in RFC 3339, e.g. 2024-05-01")}))
          .expect_no_header("allow"),
      Scenario("null is refused for a property that is not nullable.")
          .post("/todos", R"({"title":"x","done":null,"tags":null})")
          .expect_status(422)
          .expect_problem(validation_problem("/todos", {body_error("/done", "must be a boolean"),
                                                        body_error("/tags", "must be an array")}))
          .expect_no_header("allow"),
      Scenario("A property name with '/' and '~' is escaped in the pointer.")
          .post("/todos", R"({"title":"x","a/b~c":1})")
          .expect_status(422)
          .expect_problem(
              validation_problem("/todos", {body_error("/a~1b~0c", "is not an allowed property")}))
          .expect_no_header("allow"),
  });
  // maxLength counts characters, not bytes: 200 two-byte characters are fine.
  std::string e_acute;
  for (int i = 0; i < 200; ++i) e_acute += "\xc3\xa9";
  HttpResponse accents = client_.post("/todos", R"({"title":")" + e_acute + R"("})");
  EXPECT_EQ(accents.status, 201) << accents.body;
  HttpResponse list = client_.get("/todos?limit=100");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json().size(), 2u) << "a refused request stored something: " << list.body;
}

// Bug: minLength/maxLength stop counting at the first U+0000 (valijson's u8_strlen works on a
// NUL-terminated C string), so "a\u0000" followed by 300 characters passes maxLength: 200 and a
// lone "\u0000" fails minLength: 1.
TEST_F(ProblemDetailsTest, LengthLimitsCountCharactersAfterAnEmbeddedNul) {
  HttpResponse too_long =
      client_.post("/todos", R"({"title":"a\u0000)" + std::string(300, 'b') + R"("})");
  EXPECT_EQ(too_long.status, 422) << too_long.body.substr(0, 200);
  if (too_long.status == 422) {
    EXPECT_EQ(too_long.json(),
              validation_problem("/todos",
                                 {body_error("/title", "must be at most 200 characters long")}));
  }
  HttpResponse one_nul = client_.post("/todos", R"({"title":"\u0000"})");
  if (!testing_on_postgres()) {
    EXPECT_EQ(one_nul.status, 201) << one_nul.body;
    return;
  }
  // Valid, but PostgreSQL's text cannot hold U+0000: refused, not cut short
  // (specs/storage.md#postgresql).
  EXPECT_EQ(one_nul.json(),
            validation_problem("/todos", {body_error("/title",
                                                     "holds the character U+0000, which this "
                                                     "database (PostgreSQL) cannot store")}));
}

TEST_F(ProblemDetailsTest, PathParametersAreValidatedWithTheirName) {
  auto id_error = [](const std::string& detail) { return path_error("id", detail); };
  check({
      Scenario("A key that is not an integer is a 422 in the path.")
          .get("/todos/abc")
          .expect_status(422)
          .expect_problem(validation_problem("/todos/abc", {id_error("must be an integer")}))
          .expect_no_header("allow"),
      Scenario("The path parameter's minimum applies.")
          .get("/todos/0")
          .expect_status(422)
          .expect_problem(validation_problem("/todos/0", {id_error("must be >= 1")}))
          .expect_no_header("allow"),
      Scenario("A decoded key that is not an integer is refused too.")
          .del("/todos/1%2F2")
          .expect_status(422)
          .expect_problem(validation_problem("/todos/1%2F2", {id_error("must be an integer")}))
          .expect_no_header("allow"),
      Scenario("Path and body errors come in one answer.")
          .put("/todos/abc", R"({"done":1})")
          .expect_status(422)
          .expect_problem(validation_problem(
              "/todos/abc", {id_error("must be an integer"), body_error("/title", "is required"),
                             body_error("/done", "must be a boolean")}))
          .expect_no_header("allow"),
  });
}

// Sends a POST head announcing `length` body bytes, then the body, on a fresh connection.
std::string post_with_length(size_t length, const std::string& body) {
  return "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(length) + "\r\n\r\n" + body;
}

std::string json_of_size(size_t size) {
  // {"title":"xxx…"} is 12 bytes plus the x's.
  return R"({"title":")" + std::string(size - 12, 'x') + R"("})";
}

// The server's 413 comes from the HTTP layer; `instance` is compared on its own
// (see APayloadTooLargeProblemNamesTheRequestPath).
json without_instance(json problem) {
  problem.erase("instance");
  return problem;
}

json too_large(size_t length, size_t limit) {
  return {{"type", "urn:apiserver:problem:payload-too-large"},
          {"title", "Request body too large"},
          {"status", 413},
          {"detail", "the body has " + std::to_string(length) + " bytes; the limit is " +
                         std::to_string(limit)}};
}

void expect_body_limit_of_1024(uint16_t port) {
  HttpClient client(port);
  // Exactly at the limit: accepted by the HTTP layer (then too long for the schema).
  HttpResponse at_limit = client.post("/todos", json_of_size(1024));
  ASSERT_EQ(at_limit.status, 422) << at_limit.body;
  EXPECT_EQ(at_limit.json()["errors"][0]["detail"], "must be at most 200 characters long");

  RawConnection raw(port);
  raw.write(post_with_length(1025, json_of_size(1025)));
  HttpResponse over = raw.read_response();
  ASSERT_EQ(over.status, 413) << over.body;
  EXPECT_EQ(over.header("content-type"), "application/problem+json");
  EXPECT_EQ(over.header("connection"), "close");
  EXPECT_EQ(without_instance(over.json()), too_large(1025, 1024));
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));

  // A chunked body is counted as it arrives.
  std::string chunk(600, ' ');
  RawConnection chunked(port);
  chunked.write(
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n258\r\n" +
      chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
  HttpResponse chunked_over = chunked.read_response();
  ASSERT_EQ(chunked_over.status, 413) << chunked_over.body;
  EXPECT_EQ(chunked_over.json()["detail"], "the chunked body exceeds the limit of 1024 bytes");
  EXPECT_TRUE(chunked.is_closed_by_peer(milliseconds(3000)));
}

TEST(BodyLimit, MaxBodyFlagSetsTheLimit) {
  TempDir dir;
  ServerProcess server(
      {source_path("examples/todo.yaml"), "--db", dir.file("limit.db"), "--max-body", "1KiB"});
  expect_body_limit_of_1024(server.port());
}

TEST(BodyLimit, ApiserverMaxBodyEnvironmentVariableSetsTheLimit) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("limit.db")},
                       {{"APISERVER_MAX_BODY", "1KiB"}});
  expect_body_limit_of_1024(server.port());
}

TEST(BodyLimit, ADeclaredLengthOverTheDefaultLimitIsRefusedAtOnce) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("limit.db")});
  // Only the head is sent: the server must not wait for 2 MB that never come. One that did
  // would answer 408 when its 30 s body timeout ran out, or nothing within this read's deadline.
  RawConnection raw(server.port());
  raw.write(post_with_length(2'000'000, ""));
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(without_instance(r.json()), too_large(2'000'000, 1024 * 1024));
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));

  // Nor does it answer 100 Continue to a client that asks before sending too much.
  RawConnection expecting(server.port());
  expecting.write(
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: 2000000\r\nExpect: 100-continue\r\n\r\n");
  HttpResponse refused = expecting.read_response();
  EXPECT_EQ(refused.status, 413) << refused.body;

  // Just under the default 1 MiB is accepted by the HTTP layer.
  HttpClient client(server.port());
  HttpResponse big = client.post("/todos", json_of_size(1024 * 1024));
  EXPECT_EQ(big.status, 422) << big.body.substr(0, 300);
}

// Bug (minor): problems raised by the HTTP layer after the request line was parsed (413 here)
// have no `instance`, unlike every other problem, although the request path is known.
TEST(BodyLimit, APayloadTooLargeProblemNamesTheRequestPath) {
  TempDir dir;
  ServerProcess server(
      {source_path("examples/todo.yaml"), "--db", dir.file("limit.db"), "--max-body", "1KiB"});
  RawConnection raw(server.port());
  raw.write(post_with_length(1025, json_of_size(1025)));
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 413) << r.body;
  json expected = too_large(1025, 1024);
  expected["instance"] = "/todos";
  EXPECT_EQ(r.json(), expected);
}

}  // namespace
}  // namespace apiserver::test
