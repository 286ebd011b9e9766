// The PostgreSQL store, end to end: `apiserver SPEC --db postgresql://...` on a fresh database of
// a scratch cluster (support/scratch_postgres.hpp) answers exactly as on SQLite. The expected
// answers are those of the SQLite tests (todo_crud_test.cpp, todo_list_test.cpp,
// cursor_paging_test.cpp, schema_migration_test.cpp, conditional_requests_test.cpp); tables of
// requests also go to a server on SQLite beside it (support/twin_servers.hpp), which must answer
// the same. Then what a database server adds: keys come from the database, so they survive
// restarts, are never reused, and two processes on one database never hand out the same one.
// Relations, values of every type, seeds, migrations and start-up failures:
// postgres_store_startup_test.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"
#include "support/twin_servers.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kJson[] = "application/json";
constexpr char kProblem[] = "application/problem+json";
constexpr char kMergePatch[] = "application/merge-patch+json";

std::string todo_yaml() {
  return source_path("examples/todo.yaml");
}

std::vector<int> ids_of(const HttpResponse& r) {
  std::vector<int> ids;
  const json items = json::parse(r.body, nullptr, false);
  if (!items.is_array()) return {-1};
  for (const json& item : items) ids.push_back(item.value("id", 0));
  return ids;
}

// The rel="next" target of a Link header, or "" when there is none.
std::string next_link(const HttpResponse& r) {
  static const std::regex next(R"(<([^>]*)>; rel="next")");
  const std::string link = r.header("link").value_or("");
  std::smatch match;
  return std::regex_search(link, match, next) ? match[1].str() : "";
}

// Each test on a fresh database of the scratch cluster; skipped without PostgreSQL.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
    url_ = ScratchPostgres::instance().new_database();
  }
  ServerProcess serve(const std::string& document) const {
    return ServerProcess({document, "--db", url_});
  }
  std::string sql(const std::string& statement) const {
    return ScratchPostgres::query(url_, statement);
  }

  std::string url_;
};

// A server on examples/todo.yaml and a client of it.
class PostgresStoreCrudTest : public PostgresStoreTest {
 protected:
  void SetUp() override {
    PostgresStoreTest::SetUp();
    if (IsSkipped()) return;
    server_.emplace(serve(todo_yaml()));
    client_.emplace(server_->port());
  }

  std::optional<ServerProcess> server_;
  std::optional<HttpClient> client_;
};

TEST_F(PostgresStoreCrudTest, CreateAndReadAnswerAsOnSQLiteAndTheRowsAreInPostgreSQL) {
  const std::string milk_text =
      R"({"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["home","shop"]})";
  const json milk = json::parse(milk_text);
  run_scenarios(
      *client_,
      {
          Scenario("A created todo answers 201 with /todos/1 and the item in schema order.")
              .post("/todos", R"({"tags":["home","shop"],"due":"2024-05-01","title":"milk"})")
              .expect_status(201)
              .expect_header("location", "/todos/1")
              .expect_header("content-type", kJson)
              .expect_body(milk_text),
          Scenario("The next key is 2; a nullable property without a value shows as null.")
              .post("/todos", R"({"title":"bread","done":true})")
              .expect_status(201)
              .expect_header("location", "/todos/2")
              .expect_body(R"({"id":2,"title":"bread","done":true,"due":null})"),
          Scenario("A readOnly id sent on create is ignored: the key is generated.")
              .post("/todos", R"({"id":55,"title":"eggs"})")
              .expect_status(201)
              .expect_header("location", "/todos/3")
              .expect_body(R"({"id":3,"title":"eggs","done":false,"due":null})"),
          Scenario("An existing todo is read back whole.")
              .get("/todos/1")
              .expect_status(200)
              .expect_header("content-type", kJson)
              .expect_json(milk),
          Scenario("A percent-encoded key is decoded before the lookup.")
              .get("/todos/%31")
              .expect_status(200)
              .expect_json(milk),
          Scenario("Nothing was stored under the id that was sent: a 404 naming the path.")
              .get("/todos/55")
              .expect_status(404)
              .expect_header("content-type", kProblem)
              .expect_json(resource_not_found("Todo", "/todos/55")),
      });
  // The rows are in the database of the URL (not in a file named like it).
  EXPECT_EQ(sql("SELECT count(*) FROM todos"), "3");
  EXPECT_EQ(sql("SELECT title FROM todos WHERE id = 2"), "bread");
}

TEST_F(PostgresStoreCrudTest, ReplaceAndMergePatchAnswerAsOnSQLite) {
  ASSERT_EQ(client_->post("/todos", R"({"title":"milk","due":"2024-05-01","tags":["a"]})").status,
            201);
  ASSERT_EQ(client_->post("/todos", R"({"title":"milk","tags":["a"]})").status, 201);
  const json replaced = json::parse(R"({"id":1,"title":"oat milk","done":true,"due":null})");
  auto patch = [](const std::string& name, const std::string& body) {
    return Scenario(name).patch("/todos/2", body).header("Content-Type", kMergePatch);
  };
  auto merged = [](Scenario scenario, const char* item) {
    return scenario.expect_status(200)
        .expect_header("content-type", kJson)
        .expect_json(json::parse(item));
  };
  run_scenarios(
      *client_,
      {
          Scenario("PUT replaces every property: due and tags, left out, are gone.")
              .put("/todos/1", R"({"title":"oat milk","done":true})")
              .expect_status(200)
              .expect_json(replaced),
          Scenario("The replacement is what a later read returns.")
              .get("/todos/1")
              .expect_status(200)
              .expect_json(replaced),
          Scenario("A replacement that breaks the schema is refused with every error.")
              .put("/todos/1", R"({"done":"yes","tags":"a"})")
              .expect_status(422)
              .expect_header("content-type", kProblem)
              .expect_problem(validation_problem(
                  "/todos/1",
                  {body_error("/title", "is required"), body_error("/done", "must be a boolean"),
                   body_error("/tags", "must be an array")})),
          Scenario("Replacing a todo that does not exist is a 404.")
              .put("/todos/9", R"({"title":"x"})")
              .expect_status(404)
              .expect_json(resource_not_found("Todo", "/todos/9")),
          merged(patch("A merge patch changes only the properties it names.",
                       R"({"done":true,"due":"2024-05-01"})"),
                 R"({"id":2,"title":"milk","done":true,"due":"2024-05-01","tags":["a"]})"),
          merged(patch("null removes a nullable property, which then shows as null.",
                       R"({"due":null})"),
                 R"({"id":2,"title":"milk","done":true,"due":null,"tags":["a"]})"),
          merged(patch("null removes a non-nullable optional property, which then is left out.",
                       R"({"tags":null})"),
                 R"({"id":2,"title":"milk","done":true,"due":null})"),
          merged(patch("An array in a patch replaces the stored array.", R"({"tags":["x","y"]})"),
                 R"({"id":2,"title":"milk","done":true,"due":null,"tags":["x","y"]})"),
          patch("Removing a required property is refused.", R"({"title":null})")
              .expect_status(422)
              .expect_problem(
                  validation_problem("/todos/2", {body_error("/title", "is required")})),
          merged(Scenario("The refused writes changed nothing.").get("/todos/2"),
                 R"({"id":2,"title":"milk","done":true,"due":null,"tags":["x","y"]})"),
          Scenario("Patching a todo that does not exist is a 404.")
              .patch("/todos/5", R"({"done":true})")
              .header("Content-Type", kMergePatch)
              .expect_status(404)
              .expect_json(resource_not_found("Todo", "/todos/5")),
      });
}

TEST_F(PostgresStoreCrudTest, DeleteAnswers204ThenTheTodoIsGone) {
  ASSERT_EQ(client_->post("/todos", R"({"title":"milk"})").status, 201);
  ASSERT_EQ(client_->post("/todos", R"({"title":"bread"})").status, 201);
  run_scenarios(*client_,
                {
                    Scenario("DELETE answers 204 with no body.")
                        .del("/todos/1")
                        .expect_status(204)
                        .expect_no_header("content-type")
                        .expect_body(""),
                    Scenario("The deleted todo reads as 404.")
                        .get("/todos/1")
                        .expect_status(404)
                        .expect_header("content-type", kProblem)
                        .expect_json(resource_not_found("Todo", "/todos/1")),
                    Scenario("Deleting it again is a 404.")
                        .del("/todos/1")
                        .expect_status(404)
                        .expect_json(resource_not_found("Todo", "/todos/1")),
                    Scenario("The other todo is untouched.")
                        .get("/todos/2")
                        .expect_status(200)
                        .expect_body(R"({"id":2,"title":"bread","done":false,"due":null})"),
                    Scenario("A deleted key is not handed out again.")
                        .post("/todos", R"({"title":"eggs"})")
                        .expect_status(201)
                        .expect_header("location", "/todos/3"),
                });
  EXPECT_EQ(sql("SELECT count(*) FROM todos"), "2");
}

// tags_string_key.yaml: a given string key, a generated UUID, and a taken key as a 409 (a
// unique violation in PostgreSQL) that leaves the stored item as it was.
TEST_F(PostgresStoreTest, AStringKeyIsGivenOrGeneratedAndATakenOneIsA409) {
  ServerProcess server = serve(test_data_path("e2e/specs/tags_string_key.yaml"));
  HttpClient client(server.port());
  const std::string red_text = R"({"name":"a b/c","color":"red"})";
  const json red = json::parse(red_text);
  run_scenarios(client,
                {
                    Scenario("A given key is percent-encoded in the Location.")
                        .post("/tags", R"({"name":"a b/c","color":"red"})")
                        .expect_status(201)
                        .expect_header("location", "/tags/a%20b%2Fc")
                        .expect_body(red_text),
                    Scenario("A key that is taken is a 409 conflict.")
                        .post("/tags", R"({"name":"a b/c","color":"green"})")
                        .expect_status(409)
                        .expect_header("content-type", kProblem)
                        .expect_json(problem_json("conflict", "Conflict", 409,
                                                  "an item with this key already exists", "/tags")),
                    Scenario("The conflict changed nothing, and the server still writes.")
                        .get("/tags/a%20b%2Fc")
                        .expect_status(200)
                        .expect_json(red),
                });
  HttpResponse generated = client.post("/tags", R"({"color":"blue"})");
  ASSERT_EQ(generated.status, 201) << generated.body;
  const std::string name = generated.json().value("name", "");
  EXPECT_TRUE(std::regex_match(
      name, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << name;
  EXPECT_EQ(generated.header("location"), "/tags/" + name);
  EXPECT_EQ(sql("SELECT count(*) FROM tags"), "2");
}

// PostgreSQL's text cannot hold U+0000 and libpq would cut a value short at it: a string
// property holding one is refused with a 422 at its pointer, never stored cut short (SQLite
// stores it); inside a JSON property it is stored escaped and comes back whole. A string key
// holding one in a path names no item, not the item named by the text before it.
TEST_F(PostgresStoreTest, ANulInTextIsRefusedNeverCutShort) {
  ServerProcess server = serve(todo_yaml());
  HttpClient client(server.port());
  HttpResponse refused = client.post("/todos", R"({"title":"milk\u0000 and honey"})");
  EXPECT_EQ(refused.status, 422) << refused.body;
  const json problem = json::parse(refused.body, nullptr, false);
  ASSERT_TRUE(problem.contains("errors")) << refused.body;
  EXPECT_EQ(problem["errors"][0].value("pointer", ""), "/title") << refused.body;
  EXPECT_NE(problem["errors"][0].value("detail", "").find("U+0000"), std::string::npos)
      << refused.body;
  EXPECT_EQ(sql("SELECT count(*) FROM todos"), "0");

  HttpResponse stored = client.post("/todos", R"({"title":"milk","tags":["a\u0000b"]})");
  ASSERT_EQ(stored.status, 201) << stored.body;
  EXPECT_EQ(client.get("/todos/1").body,
            R"({"id":1,"title":"milk","done":false,"due":null,"tags":["a\u0000b"]})");
  HttpResponse patched =
      client.patch("/todos/1", R"({"title":"x\u0000"})", {{"Content-Type", kMergePatch}});
  EXPECT_EQ(patched.status, 422) << patched.body;
  EXPECT_EQ(json::parse(client.get("/todos/1").body).value("title", ""), "milk");

  ServerProcess tags = serve(test_data_path("e2e/specs/tags_string_key.yaml"));
  HttpClient tag_client(tags.port());
  ASSERT_EQ(tag_client.post("/tags", R"({"name":"red","color":"red"})").status, 201);
  EXPECT_EQ(tag_client.get("/tags/red").status, 200);
  EXPECT_EQ(tag_client.get("/tags/red%00blue").status, 404);
}

// A list server beside one on SQLite: the same data, the same requests, the same answers.
class PostgresStoreListTest : public PostgresStoreTest {
 protected:
  void SetUp() override {
    PostgresStoreTest::SetUp();
    if (IsSkipped()) return;
    twins_.emplace(todo_yaml(), url_);
  }
  void create(const json& body) {
    ASSERT_EQ(twins_->send("POST", "/todos", body.dump()).status, 201);
  }

  // The ids of a list read by following rel="next" from `target` on the PostgreSQL server.
  std::vector<int> walk(std::string target) {
    std::vector<int> ids;
    for (int pages = 0; !target.empty() && pages < 100; ++pages) {
      HttpResponse r = twins_->other_client().get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) break;
      for (int id : ids_of(r)) ids.push_back(id);
      target = next_link(r);
    }
    return ids;
  }

  std::optional<TwinServers> twins_;
};

TEST_F(PostgresStoreListTest, FiltersSortsAndPagesAnswerAsOnSQLite) {
  for (const char* body : {
           R"({"title":"milk","done":false,"tags":["shop"]})",
           R"({"title":"bread","done":true,"due":"2024-05-01"})",
           R"({"title":"Milk 100%","done":false})",
           R"({"title":"oat_milk","done":true,"due":"2024-06-01"})",
           R"({"title":"cheese","done":true,"due":"2024-07-01"})",
           R"({"title":"apples","done":false,"due":"2024-05-01"})",
           R"({"title":"Zucchini"})",
       }) {
    ASSERT_NO_FATAL_FAILURE(create(json::parse(body)));
  }
  struct Case {
    std::string target;
    std::vector<int> ids;
  };
  const std::vector<Case> cases = {
      {"/todos", {1, 2, 3, 4, 5, 6, 7}},
      {"/todos?title=milk", {1}},
      {"/todos?title[eq]=milk", {1}},
      {"/todos?done=true", {2, 4, 5}},
      {"/todos?id[ne]=2", {1, 3, 4, 5, 6, 7}},
      {"/todos?id[gt]=1&id[lte]=3", {2, 3}},
      {"/todos?due[gte]=2024-06-01", {4, 5}},
      {"/todos?due[lt]=2024-06-01", {2, 6}},  // a NULL due is not less than anything
      {"/todos?id[in]=1,3,9", {1, 3}},
      {"/todos?due[null]=true", {1, 3, 7}},
      {"/todos?due[null]=false&done=false", {6}},
      {"/todos?title[contains]=Milk", {3}},  // case-sensitive
      {"/todos?title[contains]=milk", {1, 4}},
      {"/todos?title[icontains]=MILK", {1, 3, 4}},
      {"/todos?title[startswith]=M", {3}},
      {"/todos?title[istartswith]=m", {1, 3}},
      {"/todos?title[icontains]=%25", {3}},  // % and _ are characters, not wildcards
      {"/todos?title[contains]=_", {4}},
      // NULLs come first ascending and last descending, as in SQLite.
      {"/todos?sort=due,id", {1, 3, 7, 2, 6, 4, 5}},
      {"/todos?sort=-due,id", {5, 4, 2, 6, 1, 3, 7}},
      {"/todos?sort=done,-id", {7, 6, 3, 1, 5, 4, 2}},
      {"/todos?sort=-id&limit=3&offset=2", {5, 4, 3}},
      {"/todos?limit=3&offset=6", {7}},
      {"/todos?done=true&sort=-id&limit=2&offset=2", {2}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);
    EXPECT_EQ(ids_of(twins_->send("GET", c.target)), c.ids);
    twins_->send("GET", c.target, "", {{"Prefer", "count=exact"}});
  }
  // The total and the links, written out once (todo_list_test.cpp).
  HttpResponse counted = twins_->send("GET", "/todos?done=true&sort=-id&limit=2&offset=0", "",
                                      {{"Prefer", "count=exact"}});
  EXPECT_EQ(counted.header("x-total-count"), "3");
  EXPECT_EQ(counted.header("preference-applied"), "count=exact");
  EXPECT_EQ(counted.header("link"), R"(</todos?done=true&sort=-id&limit=2&offset=0>; rel="first", )"
                                    R"(</todos?done=true&sort=-id&limit=2&offset=2>; rel="next", )"
                                    R"(</todos?done=true&sort=-id&limit=2&offset=2>; rel="last")");
  HttpResponse empty = twins_->send("GET", "/todos?title=none", "", {{"Prefer", "count=exact"}});
  EXPECT_EQ(empty.body, "[]");
  EXPECT_EQ(empty.header("x-total-count"), "0");
}

// Text compares by code point, as SQLite compares it (upper case before lower case, accented
// letters after z), in sorts, cursors and range filters alike, whatever the collation of the
// database (ICU en-US in the scratch cluster, as on many servers).
TEST_F(PostgresStoreListTest, TextSortsAndComparesByCodePointAsOnSQLite) {
  for (const char* title :
       {"milk", "Milk", "apples", "Zucchini", "\u00e9clair", "oat_milk", "oat milk"}) {
    ASSERT_NO_FATAL_FAILURE(create({{"title", title}}));
  }
  const std::vector<int> ascending = {2, 4, 3, 1, 7, 6, 5};
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?sort=title")), ascending);
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?sort=-title")),
            std::vector<int>(ascending.rbegin(), ascending.rend()));
  EXPECT_EQ(walk("/todos?sort=title&limit=2"), ascending);
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[lt]=a")), (std::vector<int>{2, 4}));
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[gt]=z")), std::vector<int>{5});
}

// hostile_encoding_test.cpp: a NUL in a filter value matches nothing (it is not the end of the
// value); `ne` matches everything, the ranges compare as SQLite compares the whole value.
TEST_F(PostgresStoreListTest, ANulInAFilterMatchesNothingAsOnSQLite) {
  ASSERT_NO_FATAL_FAILURE(create({{"title", "milk"}}));
  ASSERT_NO_FATAL_FAILURE(create({{"title", "milky"}}));
  ASSERT_NO_FATAL_FAILURE(create({{"title", "mil"}}));
  EXPECT_EQ(twins_->send("GET", "/todos?title=milk%00").body, "[]");
  EXPECT_EQ(twins_->send("GET", "/todos?title[startswith]=mi%00lk").body, "[]");
  EXPECT_EQ(twins_->send("GET", "/todos?title[icontains]=MI%00").body, "[]");
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[ne]=milk%00")), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[lt]=milk%00")), (std::vector<int>{1, 3}));
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[lte]=milk%00a")), (std::vector<int>{1, 3}));
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[gt]=milk%00")), std::vector<int>{2});
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[gte]=milk%00")), std::vector<int>{2});
  EXPECT_EQ(ids_of(twins_->send("GET", "/todos?title[in]=milk%00,mil")), std::vector<int>{3});
  EXPECT_EQ(twins_->send("GET", "/todos?title[in]=milk%00").body, "[]");
  EXPECT_EQ(twins_->send("GET", "/todos?title=milk%00&sort=title").body, "[]");
  EXPECT_EQ(twins_->send("GET", "/todos?title=milk").body,
            R"([{"id":1,"title":"milk","done":false,"due":null}])");
}

TEST_F(PostgresStoreListTest, CursorsWalkEveryOrderWholeAndOnce) {
  // Ties on title and done, NULL and set due dates (cursor_paging_test.cpp).
  const char* titles[] = {"milk", "bread", "milk", "apples", "bread", "milk", "eggs"};
  const char* dues[] = {"2024-05-01", nullptr, "2024-04-01", nullptr,
                        "2024-05-01", nullptr, "2024-06-01"};
  for (int i = 0; i < 7; ++i) {
    json body = {{"title", titles[i]}, {"done", i % 2 == 0}};
    if (dues[i] != nullptr) body["due"] = dues[i];
    ASSERT_NO_FATAL_FAILURE(create(body));
  }
  for (const std::string sort : {"id", "-id", "title", "-title", "done,-title", "-done,title",
                                 "due", "-due", "due,-title", "-due,-title", "title,due"}) {
    SCOPED_TRACE("sort=" + sort);
    const std::vector<int> whole = ids_of(twins_->send("GET", "/todos?limit=100&sort=" + sort));
    ASSERT_EQ(whole.size(), 7u);
    for (int limit : {1, 2, 3}) {
      SCOPED_TRACE("limit=" + std::to_string(limit));
      EXPECT_EQ(walk("/todos?sort=" + sort + "&limit=" + std::to_string(limit)), whole);
    }
  }
}

TEST_F(PostgresStoreListTest, PagesOf45CarryTheTotalAndCursorsReachEveryOne) {
  for (int i = 1; i <= 45; ++i) {
    ASSERT_NO_FATAL_FAILURE(
        create({{"title", "todo " + std::to_string(100 + i)}, {"done", i % 3 == 0}}));
  }
  HttpResponse first = twins_->send("GET", "/todos?offset=0", "", {{"Prefer", "count=exact"}});
  std::vector<int> one_to_20;
  for (int id = 1; id <= 20; ++id) one_to_20.push_back(id);
  EXPECT_EQ(ids_of(first), one_to_20);
  EXPECT_EQ(first.header("x-total-count"), "45");
  EXPECT_EQ(first.header("link"), R"(</todos?limit=20&offset=0>; rel="first", )"
                                  R"(</todos?limit=20&offset=20>; rel="next", )"
                                  R"(</todos?limit=20&offset=40>; rel="last")");
  for (const char* target : {"/todos?offset=20", "/todos?offset=40", "/todos?limit=15&offset=30",
                             "/todos?done=true", "/todos?done=false&offset=20"}) {
    twins_->send("GET", target, "", {{"Prefer", "count=exact"}});
  }
  std::vector<int> all;
  for (int id = 1; id <= 45; ++id) all.push_back(id);
  EXPECT_EQ(walk("/todos?limit=7"), all);
  std::vector<int> reversed(all.rbegin(), all.rend());
  EXPECT_EQ(walk("/todos?sort=-title&limit=6"), reversed);
}

// What a restart finds: every change, and keys that go on from the highest ever handed out,
// even when that one was deleted before the restart.
TEST_F(PostgresStoreTest, ARestartKeepsEveryChangeAndNeverReusesADeletedKey) {
  {
    ServerProcess server = serve(todo_yaml());
    HttpClient client(server.port());
    for (const char* title : {"one", "two", "three", "four"}) {
      ASSERT_EQ(client.post_json("/todos", {{"title", title}}).status, 201);
    }
    ASSERT_EQ(
        client.patch("/todos/1", R"({"done":true,"tags":["x"]})", {{"Content-Type", kMergePatch}})
            .status,
        200);
    ASSERT_EQ(client.put("/todos/3", R"({"title":"THREE","due":"2025-01-31"})").status, 200);
    ASSERT_EQ(client.del("/todos/2").status, 204);
    ASSERT_EQ(client.del("/todos/4").status, 204);  // the highest key
  }
  for (int restart = 5; restart <= 6; ++restart) {
    SCOPED_TRACE("start " + std::to_string(restart - 3));
    ServerProcess server = serve(todo_yaml());
    HttpClient client(server.port());
    HttpResponse r = client.get("/todos?id[lt]=5", {{"Prefer", "count=exact"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"([{"id":1,"title":"one","done":true,"due":null,"tags":["x"]},)"
                      R"({"id":3,"title":"THREE","done":false,"due":"2025-01-31"}])");
    EXPECT_EQ(r.header("x-total-count"), "2");
    HttpResponse created = client.post("/todos", R"({"title":"next"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), "/todos/" + std::to_string(restart))
        << "neither 4 (deleted before the first restart) nor the one deleted before this one";
    ASSERT_EQ(client.del("/todos/" + std::to_string(restart)).status, 204);
  }
}

// Two servers on one database: no SQLite file lock stands in the way, and neither keeps state
// (keys, versions, counts) the other cannot see. The second names the database in another
// spelling a libpq URI allows: postgres:// with parameters.
class PostgresStoreTwoInstancesTest : public PostgresStoreTest {
 protected:
  void SetUp() override {
    PostgresStoreTest::SetUp();
    if (IsSkipped()) return;
    a_.emplace(serve(todo_yaml()));
    const std::string other_spelling = "postgres://" + url_.substr(url_.find("://") + 3) +
                                       "?sslmode=disable&application_name=apiserver-b";
    b_.emplace(ServerProcess({todo_yaml(), "--db", other_spelling}));
  }

  std::optional<ServerProcess> a_, b_;
};

TEST_F(PostgresStoreTwoInstancesTest, AWriteThroughOneIsSeenThroughTheOther) {
  HttpClient a(a_->port()), b(b_->port());
  HttpResponse created = a.post("/todos", R"({"title":"milk"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("location"), "/todos/1");
  HttpResponse read = b.get("/todos/1");
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body, created.body);
  HttpResponse patched = b.patch("/todos/1", R"({"done":true})", {{"Content-Type", kMergePatch}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(a.get("/todos/1").body, R"({"id":1,"title":"milk","done":true,"due":null})");
  EXPECT_EQ(b.post("/todos", R"({"title":"bread"})").header("location"), "/todos/2");
  EXPECT_EQ(a.post("/todos", R"({"title":"eggs"})").header("location"), "/todos/3");
  EXPECT_EQ(a.del("/todos/1").status, 204);
  EXPECT_EQ(b.get("/todos/1").status, 404);
  EXPECT_EQ(b.del("/todos/1").status, 404);
  HttpResponse list = b.get("/todos", {{"Prefer", "count=exact"}});
  EXPECT_EQ(ids_of(list), (std::vector<int>{2, 3}));
  EXPECT_EQ(list.header("x-total-count"), "2");
}

// conditional_requests_test.cpp's lost update, with Alice and Bob on different servers: the
// row version lives in the database.
TEST_F(PostgresStoreTwoInstancesTest, IfMatchRefusesALostUpdateAcrossServers) {
  HttpClient alice(a_->port()), bob(b_->port());
  ASSERT_EQ(alice.post("/todos", R"({"title":"milk"})").status, 201);
  const std::string read_by_alice = alice.get("/todos/1").header("etag").value_or("");
  const std::string read_by_bob = bob.get("/todos/1").header("etag").value_or("");
  ASSERT_FALSE(read_by_alice.empty());
  EXPECT_EQ(read_by_alice, read_by_bob);
  HttpResponse bobs = bob.patch("/todos/1", R"({"title":"oat milk"})",
                                {{"Content-Type", kMergePatch}, {"If-Match", read_by_bob}});
  ASSERT_EQ(bobs.status, 200) << bobs.body;
  HttpResponse alices = alice.patch("/todos/1", R"({"title":"soy milk"})",
                                    {{"Content-Type", kMergePatch}, {"If-Match", read_by_alice}});
  EXPECT_EQ(alices.status, 412) << alices.body;
  EXPECT_EQ(alices.header("content-type"), kProblem);
  EXPECT_EQ(alice.get("/todos/1").json().value("title", ""), "oat milk") << "Bob's write stands";
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", read_by_alice}}).status, 412);
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", bobs.header("etag").value_or("")}}).status, 204);
}

TEST_F(PostgresStoreTwoInstancesTest, ConcurrentCreatesThroughBothGetDistinctKeys) {
  constexpr int kEach = 50;
  struct Worker {
    std::vector<int> ids;
    std::vector<std::string> failures;  // checked on the main thread
  };
  std::vector<Worker> workers(2);
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      Worker& worker = workers[static_cast<size_t>(w)];
      try {
        HttpClient client((w == 0 ? a_ : b_)->port());
        for (int i = 0; i < kEach; ++i) {
          HttpResponse r = client.post_json("/todos", {{"title", "w" + std::to_string(w)}});
          if (r.status != 201) {
            worker.failures.push_back(std::to_string(r.status) + " " + r.body);
            continue;
          }
          const int id = r.json().value("id", 0);
          if (r.header("location") != "/todos/" + std::to_string(id))
            worker.failures.push_back("Location " + r.header("location").value_or("") + " for " +
                                      r.body);
          worker.ids.push_back(id);
        }
      } catch (const std::exception& e) {
        worker.failures.push_back(e.what());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int> ids;
  for (const Worker& worker : workers) {
    EXPECT_EQ(worker.failures, std::vector<std::string>{});
    EXPECT_EQ(worker.ids.size(), static_cast<size_t>(kEach));
    ids.insert(worker.ids.begin(), worker.ids.end());
  }
  EXPECT_EQ(ids.size(), 2u * kEach) << "no key was handed out twice";
  std::set<int> one_to_100;
  for (int id = 1; id <= 2 * kEach; ++id) one_to_100.insert(id);
  EXPECT_EQ(ids, one_to_100) << "keys 1, 2, 3... as on SQLite, without gaps";
  for (ServerProcess* server : {&*a_, &*b_}) {
    HttpClient client(server->port());
    HttpResponse list = client.get("/todos?limit=1", {{"Prefer", "count=exact"}});
    EXPECT_EQ(list.header("x-total-count"), std::to_string(2 * kEach)) << list.body;
  }
  EXPECT_EQ(sql("SELECT count(DISTINCT id) FROM todos"), std::to_string(2 * kEach));
}

}  // namespace
}  // namespace apiserver::test
