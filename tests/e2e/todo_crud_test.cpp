// Stored CRUD on examples/todo.yaml, end to end: create (201, Location, the stored item in
// schema order, readOnly input dropped), read (200 / 404), replace (PUT), update (PATCH as a
// JSON Merge Patch validated after merging) and delete (204 then 404). Fixture specs cover
// what todo.yaml does not: x-apiserver read-only-input: refuse, writeOnly and nullable
// properties and a PATCH declared as application/json (specs/accounts.yaml), and a writable
// key compared against the path on PUT (specs/notes_openapi31.yaml), and a string key taken
// from the item path, generated as a UUID when absent (specs/tags_string_key.yaml).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kMergePatch[] = "application/merge-patch+json";

// The problem+json body the server sends for a 422, with `errors` in the given order.
json validation_problem(const std::string& instance, json errors) {
  const size_t n = errors.size();
  return {{"type", "urn:apiserver:problem:validation-failed"},
          {"title", "Request validation failed"},
          {"status", 422},
          {"detail", n == 1 ? std::string("1 error in the request")
                            : std::to_string(n) + " errors in the request"},
          {"instance", instance},
          {"errors", std::move(errors)}};
}

json body_error(const std::string& pointer, const std::string& detail) {
  return {{"in", "body"}, {"pointer", pointer}, {"detail", detail}};
}

// `problem` with its errors sorted, so that comparisons do not depend on the order in which
// the validator happens to find them (every error must still be there, and nothing else).
json with_sorted_errors(json problem) {
  if (problem.contains("errors") && problem["errors"].is_array()) {
    std::vector<json> errors = problem["errors"].get<std::vector<json>>();
    std::sort(errors.begin(), errors.end(),
              [](const json& a, const json& b) { return a.dump() < b.dump(); });
    problem["errors"] = errors;
  }
  return problem;
}

json not_found_problem(const std::string& resource, const std::string& path) {
  return {{"type", "urn:apiserver:problem:resource-not-found"},
          {"title", "Resource not found"},
          {"status", 404},
          {"detail", "no " + resource + " at " + path},
          {"instance", path}};
}

std::vector<std::string> serve_args(const std::string& spec, const TempDir& dir) {
  return {spec, "--db", dir.file("crud.db")};
}

// One step of a scenario table: a request and everything expected of its response.
struct Step {
  std::string name;  // what the step shows, as a sentence
  std::string method;
  std::string target;
  std::string body;
  Headers headers;
  int status;
  std::string content_type;  // "" when the response must have no Content-Type
  json expected;             // the whole JSON body; null for an empty body
};

void run_steps(HttpClient& client, const std::vector<Step>& steps) {
  for (const Step& step : steps) {
    SCOPED_TRACE(step.name);
    HttpResponse r = client.request(step.method, step.target, step.body, step.headers);
    ASSERT_EQ(r.status, step.status) << r.body;
    if (step.content_type.empty()) {
      EXPECT_FALSE(r.header("content-type").has_value());
    } else {
      EXPECT_EQ(r.header("content-type"), step.content_type);
    }
    if (step.expected.is_null()) {
      EXPECT_EQ(r.body, "");
    } else {
      EXPECT_EQ(with_sorted_errors(r.json()), with_sorted_errors(step.expected)) << r.body;
    }
  }
}

class TodoCrudTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{serve_args(source_path("examples/todo.yaml"), dir_)};
  HttpClient client_{server_.port()};
};

TEST_F(TodoCrudTest, CreateAnswers201WithLocationAndTheStoredItemInSchemaOrder) {
  // Keys deliberately in reverse schema order: the answer follows the schema, not the input.
  HttpResponse r =
      client_.post("/todos", R"({"tags":["home","shop"],"due":"2024-05-01","title":"milk"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), "/todos/1");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["home","shop"]})");

  HttpResponse second = client_.post("/todos", R"({"title":"bread","done":true})");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(second.header("location"), "/todos/2");
  // A nullable property without a value shows as null; a non-nullable one (tags) is left out.
  EXPECT_EQ(second.body, R"({"id":2,"title":"bread","done":true,"due":null})");
}

TEST_F(TodoCrudTest, CreateIgnoresAReadOnlyIdInTheBody) {
  HttpResponse r = client_.post("/todos", R"({"id":55,"title":"milk"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), "/todos/1");
  EXPECT_EQ(r.body, R"({"id":1,"title":"milk","done":false,"due":null})");
  EXPECT_EQ(client_.get("/todos/55").status, 404);
}

TEST_F(TodoCrudTest, ReadReturnsTheStoredItemOrA404Problem) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk","tags":["a"]})").status, 201);
  run_steps(client_,
            {
                {"An existing todo is read back whole.",
                 "GET",
                 "/todos/1",
                 "",
                 {},
                 200,
                 "application/json",
                 json::parse(R"({"id":1,"title":"milk","done":false,"due":null,"tags":["a"]})")},
                {"A todo that was never created is a 404 problem naming the path.",
                 "GET",
                 "/todos/2",
                 "",
                 {},
                 404,
                 "application/problem+json",
                 not_found_problem("Todo", "/todos/2")},
                {"A percent-encoded key is decoded before the lookup.",
                 "GET",
                 "/todos/%31",
                 "",
                 {},
                 200,
                 "application/json",
                 json::parse(R"({"id":1,"title":"milk","done":false,"due":null,"tags":["a"]})")},
            });
}

TEST_F(TodoCrudTest, ReplaceStoresTheWholeNewItem) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk","due":"2024-05-01","tags":["a"]})").status,
            201);
  const json replaced = json::parse(R"({"id":1,"title":"oat milk","done":true,"due":null})");
  run_steps(client_,
            {
                {"PUT replaces every property: due and tags, left out, are gone.",
                 "PUT",
                 "/todos/1",
                 R"({"title":"oat milk","done":true})",
                 {},
                 200,
                 "application/json",
                 replaced},
                {"The replacement is what a later read returns.",
                 "GET",
                 "/todos/1",
                 "",
                 {},
                 200,
                 "application/json",
                 replaced},
                {"A key in the body equal to the path's is accepted.",
                 "PUT",
                 "/todos/1",
                 R"({"id":1,"title":"oat milk","done":true})",
                 {},
                 200,
                 "application/json",
                 replaced},
                {"A replacement that breaks the schema is refused with every error.",
                 "PUT",
                 "/todos/1",
                 R"({"done":"yes","tags":"a"})",
                 {},
                 422,
                 "application/problem+json",
                 validation_problem("/todos/1", {body_error("/title", "is required"),
                                                 body_error("/done", "must be a boolean"),
                                                 body_error("/tags", "must be an array")})},
                {"The refused replacement changed nothing.",
                 "GET",
                 "/todos/1",
                 "",
                 {},
                 200,
                 "application/json",
                 replaced},
                {"Replacing a todo that does not exist is a 404.",
                 "PUT",
                 "/todos/9",
                 R"({"title":"x"})",
                 {},
                 404,
                 "application/problem+json",
                 not_found_problem("Todo", "/todos/9")},
            });
}

// Bug: the readOnly key is dropped from the body before it is compared with the path, so a
// PUT whose body names another todo is accepted (200) instead of refused (422).
TEST_F(TodoCrudTest, ReplaceRefusesABodyKeyThatDiffersFromThePathKey) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"first"})").status, 201);
  ASSERT_EQ(client_.post("/todos", R"({"title":"second"})").status, 201);
  run_steps(
      client_,
      {
          {"A body id different from the path id is a 422 at /id.",
           "PUT",
           "/todos/1",
           R"({"id":2,"title":"changed"})",
           {},
           422,
           "application/problem+json",
           validation_problem("/todos/1", {body_error("/id", "must equal the key in the path")})},
          {"Neither todo changed.",
           "GET",
           "/todos/1",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"id":1,"title":"first","done":false,"due":null})")},
          {"The other todo did not change either.",
           "GET",
           "/todos/2",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"id":2,"title":"second","done":false,"due":null})")},
      });
}

TEST_F(TodoCrudTest, UpdateMergesAPatchAndValidatesTheMergedItem) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk","tags":["a"]})").status, 201);
  const Headers patch = {{"Content-Type", kMergePatch}};
  run_steps(
      client_,
      {
          {"A merge patch changes only the properties it names.", "PATCH", "/todos/1",
           R"({"done":true,"due":"2024-05-01"})", patch, 200, "application/json",
           json::parse(R"({"id":1,"title":"milk","done":true,"due":"2024-05-01","tags":["a"]})")},
          {"null removes a nullable property, which then shows as null.", "PATCH", "/todos/1",
           R"({"due":null})", patch, 200, "application/json",
           json::parse(R"({"id":1,"title":"milk","done":true,"due":null,"tags":["a"]})")},
          {"null removes a non-nullable optional property, which then is left out.", "PATCH",
           "/todos/1", R"({"tags":null})", patch, 200, "application/json",
           json::parse(R"({"id":1,"title":"milk","done":true,"due":null})")},
          {"An array in a patch replaces the stored array.", "PATCH", "/todos/1",
           R"({"tags":["x","y"]})", patch, 200, "application/json",
           json::parse(R"({"id":1,"title":"milk","done":true,"due":null,"tags":["x","y"]})")},
          {"A readOnly id in a patch is ignored.", "PATCH", "/todos/1", R"({"id":7,"done":false})",
           patch, 200, "application/json",
           json::parse(R"({"id":1,"title":"milk","done":false,"due":null,"tags":["x","y"]})")},
          {"Patching title to \"\" gives a merged item that breaks minLength.", "PATCH", "/todos/1",
           R"({"title":""})", patch, 422, "application/problem+json",
           validation_problem("/todos/1",
                              {body_error("/title", "must be at least 1 characters long")})},
          {"Removing a required property gives a merged item without it.", "PATCH", "/todos/1",
           R"({"title":null})", patch, 422, "application/problem+json",
           validation_problem("/todos/1", {body_error("/title", "is required")})},
          {"Every error of the merged item is listed.", "PATCH", "/todos/1",
           R"({"done":"x","extra":1,"title":null})", patch, 422, "application/problem+json",
           validation_problem("/todos/1", {body_error("/done", "must be a boolean"),
                                           body_error("/extra", "is not an allowed property"),
                                           body_error("/title", "is required")})},
          {"A patch that is not an object is refused.", "PATCH", "/todos/1", "[1]", patch, 422,
           "application/problem+json",
           validation_problem("/todos/1", {body_error("", "must be a JSON object")})},
          {"todo.yaml declares only merge-patch+json, so application/json is a 415.",
           "PATCH",
           "/todos/1",
           R"({"done":true})",
           {{"Content-Type", "application/json"}},
           415,
           "application/problem+json",
           {{"type", "urn:apiserver:problem:unsupported-media-type"},
            {"title", "Unsupported media type"},
            {"status", 415},
            {"detail",
             "Content-Type 'application/json' is not accepted here; send one of: "
             "application/merge-patch+json"},
            {"instance", "/todos/1"}}},
          {"The refused patches changed nothing.",
           "GET",
           "/todos/1",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"id":1,"title":"milk","done":false,"due":null,"tags":["x","y"]})")},
          {"Patching a todo that does not exist is a 404.", "PATCH", "/todos/5", R"({"done":true})",
           patch, 404, "application/problem+json", not_found_problem("Todo", "/todos/5")},
      });
}

TEST_F(TodoCrudTest, DeleteAnswers204ThenTheTodoIsGone) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk"})").status, 201);
  ASSERT_EQ(client_.post("/todos", R"({"title":"bread"})").status, 201);
  run_steps(
      client_,
      {
          {"DELETE answers 204 with no body.", "DELETE", "/todos/1", "", {}, 204, "", nullptr},
          {"The deleted todo reads as 404.",
           "GET",
           "/todos/1",
           "",
           {},
           404,
           "application/problem+json",
           not_found_problem("Todo", "/todos/1")},
          {"Deleting it again is a 404.",
           "DELETE",
           "/todos/1",
           "",
           {},
           404,
           "application/problem+json",
           not_found_problem("Todo", "/todos/1")},
          {"The other todo is untouched.",
           "GET",
           "/todos/2",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"id":2,"title":"bread","done":false,"due":null})")},
      });
  // A deleted key is not handed out again.
  HttpResponse r = client_.post("/todos", R"({"title":"eggs"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("location"), "/todos/3");
}

TEST(AccountsSpec, ReadOnlyInputIsRefusedWhenTheDocumentAsksForIt) {
  TempDir dir;
  ServerProcess server(serve_args(test_data_path("e2e/specs/accounts.yaml"), dir));
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/accounts", R"({"name":"ann","password":"secret123"})").status, 201);
  run_steps(client, {
                        {"Every readOnly property sent on create is an 'is read-only' error.",
                         "POST",
                         "/accounts",
                         R"({"id":5,"name":"bob","password":"secret123","created":"today"})",
                         {},
                         422,
                         "application/problem+json",
                         validation_problem("/accounts", {body_error("/id", "is read-only"),
                                                          body_error("/created", "is read-only")})},
                        {"A readOnly id in a patch is refused too.",
                         "PATCH",
                         "/accounts/1",
                         R"({"id":1})",
                         {},
                         422,
                         "application/problem+json",
                         validation_problem("/accounts/1", {body_error("/id", "is read-only")})},
                        {"Nothing was created by the refused request.",
                         "GET",
                         "/accounts/2",
                         "",
                         {},
                         404,
                         "application/problem+json",
                         not_found_problem("Account", "/accounts/2")},
                    });
}

TEST(AccountsSpec, WriteOnlyPropertiesAreStoredButNeverShown) {
  TempDir dir;
  ServerProcess server(serve_args(test_data_path("e2e/specs/accounts.yaml"), dir));
  HttpClient client(server.port());
  // nickname is nullable (shown as null), created is readOnly but not nullable (left out),
  // level has a default, password is writeOnly (never shown).
  const json ann = json::parse(R"({"id":1,"name":"ann","nickname":null,"level":1})");
  run_steps(client,
            {
                {"The created account does not show its password.",
                 "POST",
                 "/accounts",
                 R"({"name":"ann","password":"secret123"})",
                 {},
                 201,
                 "application/json",
                 ann},
                {"Nor does a read.", "GET", "/accounts/1", "", {}, 200, "application/json", ann},
                {"Nor does the list.",
                 "GET",
                 "/accounts",
                 "",
                 {},
                 200,
                 "application/json",
                 json::array({ann})},
                {"The writeOnly property is still validated.",
                 "POST",
                 "/accounts",
                 R"({"name":"bob","password":"short"})",
                 {},
                 422,
                 "application/problem+json",
                 validation_problem(
                     "/accounts", {body_error("/password", "must be at least 8 characters long")})},
                {"The PATCH declared as application/json takes application/json.",
                 "PATCH",
                 "/accounts/1",
                 R"({"nickname":"annie"})",
                 {},
                 200,
                 "application/json",
                 json::parse(R"({"id":1,"name":"ann","nickname":"annie","level":1})")},
                {"The stored password takes part in the merged item: removing it is refused.",
                 "PATCH",
                 "/accounts/1",
                 R"({"password":null})",
                 {},
                 422,
                 "application/problem+json",
                 validation_problem("/accounts/1", {body_error("/password", "is required")})},
                {"A writeOnly property cannot be used as a filter.",
                 "GET",
                 "/accounts?password=secret123",
                 "",
                 {},
                 422,
                 "application/problem+json",
                 validation_problem("/accounts",
                                    {{{"in", "query"},
                                      {"name", "password"},
                                      {"pointer", ""},
                                      {"detail",
                                       "is not a filterable property; filter by one of: id, name, "
                                       "nickname, level, created"}}})},
            });
  HttpResponse wrong_type =
      client.patch("/accounts/1", R"({"nickname":null})", {{"Content-Type", kMergePatch}});
  EXPECT_EQ(wrong_type.status, 415) << wrong_type.body;
}

TEST(NotesSpec, AWritableKeyInAPutBodyMustEqualThePathKey) {
  TempDir dir;
  ServerProcess server(serve_args(test_data_path("e2e/specs/notes_openapi31.yaml"), dir));
  HttpClient client(server.port());
  run_steps(
      client,
      {
          {"A writable key given on create is used as the key.",
           "POST",
           "/notes",
           R"({"id":7,"text":"seven"})",
           {},
           201,
           "application/json",
           json::parse(R"({"id":7,"text":"seven","extra":null})")},
          {"A body key different from the path key is refused.",
           "PUT",
           "/notes/7",
           R"({"id":8,"text":"eight"})",
           {},
           422,
           "application/problem+json",
           validation_problem("/notes/7", {body_error("/id", "must equal the key in the path")})},
          {"The same key in the body and the path is accepted.",
           "PUT",
           "/notes/7",
           R"({"id":7,"text":"still seven","extra":"x"})",
           {},
           200,
           "application/json",
           json::parse(R"({"id":7,"text":"still seven","extra":"x"})")},
          {"The refused PUT did not create note 8.",
           "GET",
           "/notes/8",
           "",
           {},
           404,
           "application/problem+json",
           not_found_problem("Note", "/notes/8")},
          {"Path and body errors are reported together.",
           "PUT",
           "/notes/abc",
           R"({"text":5})",
           {},
           422,
           "application/problem+json",
           validation_problem(
               "/notes/abc",
               {{{"in", "path"}, {"name", "id"}, {"pointer", ""}, {"detail", "must be an integer"}},
                body_error("/text", "must be a string")})},
      });
  HttpResponse created = client.post("/notes", R"({"text":"auto"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/notes/8");
}

TEST(TagsSpec, AStringKeyIsGivenOrGeneratedAndPercentEncodedInLocation) {
  TempDir dir;
  ServerProcess server(serve_args(test_data_path("e2e/specs/tags_string_key.yaml"), dir));
  HttpClient client(server.port());
  HttpResponse given = client.post("/tags", R"({"name":"a b/c","color":"red"})");
  ASSERT_EQ(given.status, 201) << given.body;
  EXPECT_EQ(given.header("location"), "/tags/a%20b%2Fc");
  EXPECT_EQ(given.body, R"({"name":"a b/c","color":"red"})");

  HttpResponse generated = client.post("/tags", R"({"color":"blue"})");
  ASSERT_EQ(generated.status, 201) << generated.body;
  const std::string name = generated.json()["name"].get<std::string>();
  EXPECT_TRUE(std::regex_match(
      name, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << name;
  EXPECT_EQ(generated.header("location"), "/tags/" + name);

  run_steps(
      client,
      {
          {"The Location of a given key reads the tag back.",
           "GET",
           "/tags/a%20b%2Fc",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"name":"a b/c","color":"red"})")},
          {"A key that is taken is a 409 conflict.",
           "POST",
           "/tags",
           R"({"name":"a b/c","color":"green"})",
           {},
           409,
           "application/problem+json",
           {{"type", "urn:apiserver:problem:conflict"},
            {"title", "Conflict"},
            {"status", 409},
            {"detail", "an item with this key already exists"},
            {"instance", "/tags"}}},
          {"The conflict changed nothing.",
           "GET",
           "/tags/a%20b%2Fc",
           "",
           {},
           200,
           "application/json",
           json::parse(R"({"name":"a b/c","color":"red"})")},
          {"PUT does not create a missing tag.",
           "PUT",
           "/tags/new",
           R"({"color":"x"})",
           {},
           404,
           "application/problem+json",
           not_found_problem("Tag", "/tags/new")},
          {"The string key is filterable.",
           "GET",
           "/tags?name=a%20b%2Fc",
           "",
           {},
           200,
           "application/json",
           json::parse(R"([{"name":"a b/c","color":"red"}])")},
          {"DELETE takes the encoded key.", "DELETE", "/tags/a%20b%2Fc", "", {}, 204, "", nullptr},
          {"Only the generated tag is left.",
           "GET",
           "/tags",
           "",
           {},
           200,
           "application/json",
           json::array({{{"name", name}, {"color", "blue"}}})},
      });
}

}  // namespace
}  // namespace apiserver::test
