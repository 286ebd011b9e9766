// Mock answers chosen by the request, end to end (specs/mock.md): the default status (lowest
// declared 2xx), `Prefer: code=` (exact, range, default, undeclared), `Prefer: example=`
// (including a $ref to components/examples), `Prefer: dynamic=true` against the deterministic
// answer (also across a restart), Preference-Applied, declared response headers, media-type
// negotiation with Accept, responses without content, and request validation before any mock
// answer, compared with a stored operation of the same schema.
//
// Fixtures: specs/mock_prefer.yaml (everything a mock, mode: mock) and
// specs/mock_validation.yaml (a stored /todos beside a mocked /drafts with the same schema).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

json undeclared_preference(const std::string& detail, const std::string& instance) {
  return problem_json("undeclared-preference", "Preference not declared", 400, detail, instance);
}

const std::regex kUuid("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                       std::regex::icase);

// Checks `pet` against components/schemas/Pet of mock_prefer.yaml, keyword by keyword.
::testing::AssertionResult is_valid_pet(const json& pet) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << " in " << pet.dump();
  };
  if (!pet.is_object()) return fail("not an object");
  for (const char* required : {"id", "name", "status"}) {
    if (!pet.contains(required)) return fail(std::string("no required '") + required + "'");
  }
  for (const auto& [key, value] : pet.items()) {
    if (key != "id" && key != "name" && key != "status" && key != "tag")
      return fail("additional property '" + key + "'");
  }
  const json& id = pet["id"];
  if (!id.is_number_integer() || id.get<long long>() < 1 || id.get<long long>() > 1000000)
    return fail("id not an integer in [1, 1000000]");
  const json& name = pet["name"];
  if (!name.is_string() || name.get<std::string>().empty() || name.get<std::string>().size() > 12)
    return fail("name not a string of 1 to 12 characters");
  const json& status = pet["status"];
  static const std::set<std::string> kStatuses{"available", "pending", "sold"};
  if (!status.is_string() || kStatuses.count(status.get<std::string>()) == 0)
    return fail("status not one of the enum");
  if (pet.contains("tag")) {
    const json& tag = pet["tag"];
    if (!tag.is_string() || !std::regex_match(tag.get<std::string>(), std::regex("^[a-z]{3}$")))
      return fail("tag does not match ^[a-z]{3}$");
  }
  return ::testing::AssertionSuccess();
}

// The 200 answer of GET /pets: an array of 2 to 4 valid pets.
::testing::AssertionResult is_valid_pet_list(const json& pets) {
  if (!pets.is_array() || pets.size() < 2 || pets.size() > 4)
    return ::testing::AssertionFailure() << "not an array of 2 to 4 items: " << pets.dump();
  for (const json& pet : pets) {
    ::testing::AssertionResult one = is_valid_pet(pet);
    if (!one) return one;
  }
  return ::testing::AssertionSuccess();
}

class MockPreferTest : public ::testing::Test {
 protected:
  ServerProcess server_{{spec("mock_prefer.yaml")}};
  HttpClient client_{server_.port()};
};

TEST_F(MockPreferTest, TheDefaultStatusIsTheLowestDeclared2xx) {
  // POST /pets declares 400, 202 and 201, in that order: 201 answers, with its example.
  HttpResponse created = client_.post("/pets", R"({"name":"Rex"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("content-type"), "application/json");
  EXPECT_EQ(created.json(), json::parse(R"({"id":7,"name":"Rex","status":"available"})"));
  EXPECT_FALSE(created.header("preference-applied").has_value()) << "nothing was asked for";

  // GET /pets declares 500 before 200.
  HttpResponse listed = client_.get("/pets");
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_TRUE(is_valid_pet_list(listed.json()));
}

// mock.md: "200 before 2XX before default". /status declares `default` first, then 2XX.
TEST_F(MockPreferTest, A2xxRangeComesBeforeDefault) {
  HttpResponse r = client_.get("/status");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"ok":true})"));
}

// mock.md: "with no 2xx, the first declared". /legacy declares 404, then 302.
TEST_F(MockPreferTest, WithoutA2xxTheFirstDeclaredResponseAnswers) {
  HttpResponse r = client_.get("/legacy");
  ASSERT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"gone":true})"));
}

TEST_F(MockPreferTest, PreferCodePicksTheDeclaredResponse) {
  HttpResponse r = client_.get("/pets/3", {{"Prefer", "code=404"}});
  ASSERT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json(), json::parse(R"({"title":"No such pet","status":404})"));
  EXPECT_EQ(r.header("preference-applied"), "code=404");

  // The other way round: a declared 2xx asked for explicitly.
  HttpResponse ok = client_.get("/pets/3", {{"Prefer", "code=200"}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json(), json::parse(R"({"id":1,"name":"Tom","status":"available"})"));
  EXPECT_EQ(ok.header("preference-applied"), "code=200");

  // A response with a Location header only, picked by its code.
  HttpResponse moved = client_.get("/legacy", {{"Prefer", "code=302"}});
  EXPECT_EQ(moved.status, 302) << moved.body;
  EXPECT_EQ(moved.header("location"), "/status");
  EXPECT_EQ(moved.body, "");
}

TEST_F(MockPreferTest, PreferCodeFallsBackToADeclaredRangeThenToDefault) {
  // 418 is not declared itself: 4XX covers it, and it is sent with the code asked for.
  HttpResponse teapot = client_.get("/pets/3", {{"Prefer", "code=418"}});
  EXPECT_EQ(teapot.status, 418) << teapot.body;
  EXPECT_EQ(teapot.json(), json::parse(R"({"error":"client"})"));
  EXPECT_EQ(teapot.header("preference-applied"), "code=418");

  // No 5XX either: `default` answers, with the code asked for.
  HttpResponse unavailable = client_.get("/pets/3", {{"Prefer", "code=503"}});
  EXPECT_EQ(unavailable.status, 503) << unavailable.body;
  EXPECT_EQ(unavailable.json(), json::parse(R"({"error":"unexpected"})"));
  EXPECT_EQ(unavailable.header("preference-applied"), "code=503");
}

TEST_F(MockPreferTest, AnUndeclaredCodeIs400NamingTheDeclaredOnes) {
  HttpResponse r = client_.get("/pets", {{"Prefer", "code=503"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json(),
            undeclared_preference(
                "Prefer: code=503 is not declared for GET /pets; declared: 500, 200", "/pets"));
  EXPECT_FALSE(r.header("preference-applied").has_value());

  // A code is three digits; a range or a word is not a code a client can ask for.
  for (std::string code : {"4XX", "default", "99", "600"}) {
    SCOPED_TRACE(code);
    HttpResponse bad = client_.get("/pets/3", {{"Prefer", "code=" + code}});
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(bad.json(),
              undeclared_preference("Prefer: code=" + code +
                                        " is not declared for GET /pets/{petId}; declared: 200, "
                                        "404, 4XX, default",
                                    "/pets/3"));
  }
}

TEST_F(MockPreferTest, PreferExamplePicksANamedExampleFollowingRefs) {
  // Without a preference: the first named example.
  HttpResponse plain = client_.get("/pets/3");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.json(), json::parse(R"({"id":1,"name":"Tom","status":"available"})"));
  EXPECT_FALSE(plain.header("preference-applied").has_value());

  // `dog` is a $ref to components/examples/Dog.
  HttpResponse dog = client_.get("/pets/3", {{"Prefer", "example=dog"}});
  ASSERT_EQ(dog.status, 200) << dog.body;
  EXPECT_EQ(dog.json(), json::parse(R"({"id":2,"name":"Rex","status":"sold","tag":"dog"})"));
  EXPECT_EQ(dog.header("preference-applied"), "example=dog");

  HttpResponse cat = client_.get("/pets/3", {{"Prefer", "example=\"cat\""}});
  ASSERT_EQ(cat.status, 200) << cat.body;
  EXPECT_EQ(cat.json(), json::parse(R"({"id":1,"name":"Tom","status":"available"})"));
  EXPECT_EQ(cat.header("preference-applied"), "example=cat");
}

TEST_F(MockPreferTest, AnUnknownExampleIs400NamingTheDeclaredOnes) {
  HttpResponse r = client_.get("/pets/3", {{"Prefer", "example=fish"}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json(), undeclared_preference("Prefer: example=fish is not declared for this "
                                            "response; declared: cat, dog",
                                            "/pets/3"));

  // The 404 response has only an unnamed example.
  HttpResponse none = client_.get("/pets/3", {{"Prefer", "code=404, example=cat"}});
  ASSERT_EQ(none.status, 400) << none.body;
  EXPECT_EQ(none.json(), undeclared_preference("Prefer: example=cat is not declared for this "
                                               "response; declared: none",
                                               "/pets/3"));
}

TEST_F(MockPreferTest, PreferenceAppliedListsEveryPreferenceHonoured) {
  HttpResponse one_header = client_.get("/pets/3", {{"Prefer", "code=200, example=dog"}});
  ASSERT_EQ(one_header.status, 200) << one_header.body;
  EXPECT_EQ(one_header.header("preference-applied"), "code=200, example=dog");
  EXPECT_EQ(one_header.json()["name"], "Rex");

  HttpResponse two_headers =
      client_.get("/pets/3", {{"Prefer", "code=200"}, {"Prefer", "example=dog"}});
  ASSERT_EQ(two_headers.status, 200) << two_headers.body;
  EXPECT_EQ(two_headers.header("preference-applied"), "code=200, example=dog");

  // An example wins over dynamic=true, so only the example was honoured.
  HttpResponse both = client_.get("/pets/3", {{"Prefer", "dynamic=true, example=dog"}});
  ASSERT_EQ(both.status, 200) << both.body;
  EXPECT_EQ(both.header("preference-applied"), "example=dog");
  EXPECT_EQ(both.json(), json::parse(R"({"id":2,"name":"Rex","status":"sold","tag":"dog"})"));

  // Preferences this server does not know are ignored (RFC 7240), and not listed.
  HttpResponse unknown = client_.get("/pets/3", {{"Prefer", "respond-async, wait=5"}});
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  EXPECT_FALSE(unknown.header("preference-applied").has_value());
}

TEST_F(MockPreferTest, DynamicTrueGivesSchemaValidDataThatDiffersBetweenCalls) {
  std::set<std::string> bodies;
  for (int i = 0; i < 6; ++i) {
    HttpResponse r = client_.get("/pets", {{"Prefer", "dynamic=true"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("preference-applied"), "dynamic=true");
    EXPECT_TRUE(is_valid_pet_list(r.json()));
    bodies.insert(r.body);
  }
  EXPECT_GE(bodies.size(), 5u) << "six dynamic answers should (almost) never repeat";

  // Examples are ignored: the answer is generated from the schema of Pet.
  std::set<std::string> pets;
  for (int i = 0; i < 4; ++i) {
    HttpResponse r = client_.get("/pets/3", {{"Prefer", "dynamic=true"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(is_valid_pet(r.json()));
    pets.insert(r.body);
  }
  EXPECT_GE(pets.size(), 3u);
}

TEST_F(MockPreferTest, WithoutDynamicTheSameRequestGetsTheSameAnswerAcrossARestart) {
  HttpResponse first = client_.get("/pets");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(is_valid_pet_list(first.json()));
  ASSERT_TRUE(first.header("x-correlation-id").has_value());
  for (int i = 0; i < 3; ++i) {
    HttpResponse again = client_.get("/pets");
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("x-correlation-id"), first.header("x-correlation-id"));
  }

  server_.stop();
  ServerProcess restarted({spec("mock_prefer.yaml")});
  HttpClient client(restarted.port());
  HttpResponse after = client.get("/pets");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.body, first.body) << "the deterministic answer depends on the document only";
  EXPECT_EQ(after.header("x-correlation-id"), first.header("x-correlation-id"));
}

TEST_F(MockPreferTest, DeclaredResponseHeadersAreSent) {
  HttpResponse r = client_.get("/pets");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-rate-limit-remaining"), "42") << "the header's example";
  std::optional<std::string> id = r.header("x-correlation-id");
  ASSERT_TRUE(id.has_value()) << "generated from the header's schema";
  EXPECT_TRUE(std::regex_match(*id, kUuid)) << *id;

  // Headers belong to their response: the 500 of the same operation declares none.
  HttpResponse broken = client_.get("/pets", {{"Prefer", "code=500"}});
  ASSERT_EQ(broken.status, 500) << broken.body;
  EXPECT_FALSE(broken.header("x-rate-limit-remaining").has_value());
  EXPECT_FALSE(broken.header("x-correlation-id").has_value());
  EXPECT_EQ(broken.json(), json::parse(R"({"title":"Broken","status":500})"));
}

TEST_F(MockPreferTest, AcceptPicksAmongTheDeclaredMediaTypes) {
  const json tom = json::parse(R"({"id":1,"name":"Tom","status":"available"})");
  // GET /pets/3 with `accept` ("" sends none) is answered as `content_type`: a string as it is
  // (not as JSON text), the object as JSON.
  auto answered_as = [&tom](const std::string& accept, const std::string& content_type) {
    Scenario scenario(accept.empty() ? "Without Accept, the answer is " + content_type + "."
                                     : "Accept: " + accept + " picks " + content_type + ".");
    scenario.get("/pets/3").expect_status(200).expect_header("content-type", content_type);
    if (!accept.empty()) scenario.header("Accept", accept);
    if (content_type == "text/plain") return scenario.expect_body("Tom the cat");
    return scenario.expect_json(tom);
  };
  run_scenarios(client_, {
                             answered_as("", "application/json"),
                             answered_as("text/plain", "text/plain"),
                             // Document order breaks the tie.
                             answered_as("*/*", "application/json"),
                             answered_as("application/json, text/plain", "application/json"),
                             answered_as("text/*;q=0.9, application/json;q=0.5", "text/plain"),
                             answered_as("application/json;q=0, text/plain", "text/plain"),
                             answered_as("text/html, application/*", "application/json"),
                         });
}

TEST_F(MockPreferTest, NoAcceptableMediaTypeIs406NamingTheDeclaredOnes) {
  for (std::string accept : {"image/png", "text/html, application/xml"}) {
    SCOPED_TRACE(accept);
    HttpResponse r = client_.get("/pets/3", {{"Accept", accept}});
    ASSERT_EQ(r.status, 406) << r.body;
    // The operation declares 4XX as application/json without a schema: the problem's body, sent
    // as the declared type (specs/errors.md).
    EXPECT_EQ(r.header("content-type"), "application/json");
    EXPECT_EQ(r.json(),
              problem_json("not-acceptable", "Not acceptable", 406,
                           "this response is declared as application/json, text/plain; the "
                           "Accept header excludes it",
                           "/pets/3"));
  }
}

TEST_F(MockPreferTest, AResponseWithoutContentHasAnEmptyBody) {
  HttpResponse deleted = client_.del("/pets/3");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(deleted.body, "");
  EXPECT_FALSE(deleted.header("content-type").has_value());

  HttpResponse missing = client_.del("/pets/3", {{"Prefer", "code=404"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "");
  EXPECT_FALSE(missing.header("content-type").has_value());
  EXPECT_EQ(missing.header("content-length"), "0");
  EXPECT_EQ(missing.header("preference-applied"), "code=404");

  // Accept plays no part when there is nothing to send.
  HttpResponse queued =
      client_.post("/pets", R"({"name":"Rex"})", {{"Prefer", "code=202"}, {"Accept", "image/png"}});
  EXPECT_EQ(queued.status, 202) << queued.body;
  EXPECT_EQ(queued.body, "");
  EXPECT_FALSE(queued.header("content-type").has_value());
  EXPECT_EQ(queued.header("content-length"), "0");
}

TEST_F(MockPreferTest, HeadGetsTheHeadersOfGetWithoutTheBody) {
  HttpResponse get = client_.get("/pets/3");
  HttpResponse head = client_.head("/pets/3");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-type"), "application/json");
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
}

TEST_F(MockPreferTest, ParametersAreValidatedBeforeAnyPreference) {
  // An invalid path parameter is a 422 even when the Prefer header asks for an undeclared code.
  HttpResponse r = client_.get("/pets/0", {{"Prefer", "code=999"}});
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"type":"urn:apiserver:problem:validation-failed",
      "title":"Request validation failed","status":422,"detail":"1 error in the request",
      "instance":"/pets/0",
      "errors":[{"in":"path","name":"petId","pointer":"","detail":"must be >= 1"}]})"));
}

// ---------------------------------------------------------------------------------------------
// A mock validates requests exactly as a stored operation: /todos is stored, /drafts is not.

json sorted_errors(json problem_body) {
  std::vector<json> errors = problem_body.at("errors").get<std::vector<json>>();
  std::sort(errors.begin(), errors.end(),
            [](const json& a, const json& b) { return a.dump() < b.dump(); });
  problem_body["errors"] = errors;
  return problem_body;
}

class MockValidationTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{spec("mock_validation.yaml"), "--db", dir_.file("validation.db")}};
  HttpClient client_{server_.port()};

  // Sends the same request to the stored and the mocked path and checks that both answer
  // `expected` (with their own instance).
  void expect_same_answer(const std::string& method, const std::string& query,
                          const std::string& body, const Headers& headers, const json& expected) {
    for (std::string path : {"/todos", "/drafts"}) {
      SCOPED_TRACE(method + " " + path + query);
      HttpResponse r = client_.request(method, path + query, body, headers);
      ASSERT_EQ(r.status, expected.at("status").get<int>()) << r.body;
      EXPECT_EQ(r.header("content-type"), "application/problem+json");
      json want = expected;
      want["instance"] = path;
      json got = r.json();
      if (got.contains("errors")) {
        got = sorted_errors(got);
        want = sorted_errors(want);
      }
      EXPECT_EQ(got, want);
    }
  }
};

TEST_F(MockValidationTest, BodyErrorsAreThoseOfTheStoredOperation) {
  json expected = json::parse(R"({"type":"urn:apiserver:problem:validation-failed",
      "title":"Request validation failed","status":422,"detail":"5 errors in the request",
      "errors":[
        {"in":"body","pointer":"/done","detail":"must be a boolean"},
        {"in":"body","pointer":"/tags/1","detail":"must be at most 4 characters long"},
        {"in":"body","pointer":"/tags","detail":"must have at most 2 items"},
        {"in":"body","pointer":"/title","detail":"must be at least 1 characters long"},
        {"in":"body","pointer":"/x","detail":"is not an allowed property"}]})");
  // The Prefer header asks for an undeclared code: validation still comes first.
  expect_same_answer("POST", "", R"({"title":"","done":"yes","tags":["a","bbbbbb","c"],"x":1})",
                     {{"Prefer", "code=999"}}, expected);

  json missing = json::parse(R"({"type":"urn:apiserver:problem:validation-failed",
      "title":"Request validation failed","status":422,"detail":"1 error in the request",
      "errors":[{"in":"body","pointer":"/title","detail":"is required"}]})");
  expect_same_answer("POST", "", R"({"done":true})", {}, missing);

  json empty = json::parse(R"({"type":"urn:apiserver:problem:validation-failed",
      "title":"Request validation failed","status":422,"detail":"1 error in the request",
      "errors":[{"in":"body","pointer":"","detail":"a request body is required"}]})");
  expect_same_answer("POST", "", "", {{"Content-Type", "application/json"}}, empty);
}

TEST_F(MockValidationTest, ParameterErrorsAreThoseOfTheStoredOperation) {
  json too_big = json::parse(R"({"type":"urn:apiserver:problem:validation-failed",
      "title":"Request validation failed","status":422,"detail":"1 error in the request",
      "errors":[{"in":"query","name":"limit","pointer":"","detail":"must be <= 100"}]})");
  expect_same_answer("GET", "?limit=500", "", {}, too_big);

  json not_integer = too_big;
  not_integer["errors"][0]["detail"] = "must be an integer";
  expect_same_answer("GET", "?limit=abc", "", {{"Prefer", "example=none"}}, not_integer);
}

TEST_F(MockValidationTest, MalformedAndUndeclaredBodiesAreRefusedAsForTheStoredOperation) {
  expect_same_answer(
      "POST", "", R"({"title":)", {},
      problem_json(
          "malformed-body", "Malformed request body", 400,
          "the body is not valid JSON: parse error at line 1, column 10: syntax error while "
          "parsing value - unexpected end of input; expected '[', '{', or a literal",
          ""));
  expect_same_answer("POST", "", "hello", {{"Content-Type", "text/plain"}},
                     problem_json("unsupported-media-type", "Unsupported media type", 415,
                                  "Content-Type 'text/plain' is not accepted here; send one of: "
                                  "application/json",
                                  ""));
}

TEST_F(MockValidationTest, AValidRequestGetsTheMockAnswerAndStoresNothing) {
  HttpResponse r = client_.post("/drafts", R"({"title":"plan","tags":["a"]})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"id":9,"title":"accepted"})"));
  HttpResponse list = client_.get("/drafts?limit=5");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json(), json::parse(R"([{"id":1,"title":"draft"}])"));
  HttpResponse todos = client_.get("/todos");
  ASSERT_EQ(todos.status, 200) << todos.body;
  EXPECT_EQ(todos.json(), json::array()) << "a mock never writes to the stored table";
}

}  // namespace
}  // namespace apiserver::test
