// What happens to stored data across restarts and document versions: a restart keeps every
// change; a version adding optional properties adds columns and keeps the rows (and going back
// keeps the new columns' data); a version adding a required property without a default is
// refused on a non-empty table (exit 1 naming the property) but accepted on an empty one; a
// version changing a property's type is refused. Refusals leave the database as it was.
// Fixtures: specs/todo_v2_optional.yaml, todo_v2_required.yaml, todo_v2_type_change.yaml.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

std::string todo_v1() {
  return source_path("examples/todo.yaml");
}
std::string fixture(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

// Serves `spec` on `db`, runs `body` with a client, then stops the server.
template <typename Body>
void with_server(const std::string& spec, const std::string& db, Body body) {
  ServerProcess server({spec, "--db", db});
  HttpClient client(server.port());
  body(client, server);
}

void seed_v1(const std::string& db) {
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess&) {
    ASSERT_EQ(client.post("/todos", R"({"title":"milk","due":"2024-05-01","tags":["a"]})").status,
              201);
    ASSERT_EQ(client.post("/todos", R"({"title":"bread","done":true})").status, 201);
  });
}

// Runs the server on a document the database cannot hold; it must exit by itself.
RunResult refused_start(const std::string& spec, const std::string& db) {
  return ServerProcess::run({spec, "--port", "0", "--db", db}, std::chrono::seconds(10));
}

void expect_v1_rows_intact(const std::string& db) {
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess&) {
    HttpResponse r = client.get("/todos");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"([{"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["a"]},)"
                      R"({"id":2,"title":"bread","done":true,"due":null}])");
  });
}

TEST(SchemaMigration, ARestartKeepsEveryChange) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess&) {
    for (const char* title : {"one", "two", "three"}) {
      ASSERT_EQ(client.post_json("/todos", {{"title", title}}).status, 201);
    }
    ASSERT_EQ(client
                  .patch("/todos/1", R"({"done":true,"tags":["x"]})",
                         {{"Content-Type", "application/merge-patch+json"}})
                  .status,
              200);
    ASSERT_EQ(client.put("/todos/3", R"({"title":"THREE","due":"2025-01-31"})").status, 200);
    ASSERT_EQ(client.del("/todos/2").status, 204);
  });
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess&) {
    HttpResponse r = client.get("/todos", {{"Prefer", "count=exact"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"([{"id":1,"title":"one","done":true,"due":null,"tags":["x"]},)"
                      R"({"id":3,"title":"THREE","done":false,"due":"2025-01-31"}])");
    EXPECT_EQ(r.header("x-total-count"), "2");
    // Keys keep counting where they stopped; a deleted key is not reused.
    HttpResponse created = client.post("/todos", R"({"title":"four"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), "/todos/4");
  });
}

TEST(SchemaMigration, AddingOptionalPropertiesAddsColumnsAndKeepsRows) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  ASSERT_NO_FATAL_FAILURE(seed_v1(db));
  with_server(fixture("todo_v2_optional.yaml"), db, [](HttpClient& client, ServerProcess& server) {
    EXPECT_TRUE(server.wait_for_log("table todos: added column 'priority'")) << server.log();
    EXPECT_TRUE(server.wait_for_log("table todos: added column 'note'")) << server.log();
    // Old rows are all there; the new column with a default shows it, the other is absent.
    HttpResponse r = client.get("/todos");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"([{"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["a"],)"
                      R"("note":"none"},)"
                      R"({"id":2,"title":"bread","done":true,"due":null,"note":"none"}])");
    HttpResponse created = client.post("/todos", R"({"title":"eggs","priority":3,"note":"x"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body,
              R"({"id":3,"title":"eggs","done":false,"due":null,"priority":3,"note":"x"})");
    // The new property's constraints apply.
    HttpResponse too_high = client.post("/todos", R"({"title":"x","priority":9})");
    ASSERT_EQ(too_high.status, 422) << too_high.body;
    EXPECT_EQ(
        too_high.json()["errors"],
        nlohmann::json::parse(R"([{"in":"body","pointer":"/priority","detail":"must be <= 5"}])"));
    HttpResponse filtered = client.get("/todos?priority=3");
    ASSERT_EQ(filtered.status, 200) << filtered.body;
    EXPECT_EQ(filtered.json().size(), 1u);
  });
  // Back to the first version: the extra columns stay in the table but not in the answers.
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess& server) {
    EXPECT_TRUE(
        server.wait_for_log("column 'priority' is no longer in the schema; it is kept "
                            "with its data"))
        << server.log();
    HttpResponse r = client.get("/todos/3");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"id":3,"title":"eggs","done":false,"due":null})");
  });
  // And forward again: the data kept in those columns comes back.
  with_server(fixture("todo_v2_optional.yaml"), db, [](HttpClient& client, ServerProcess&) {
    HttpResponse r = client.get("/todos/3");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"id":3,"title":"eggs","done":false,"due":null,"priority":3,"note":"x"})");
  });
}

TEST(SchemaMigration, ARequiredPropertyWithoutDefaultIsRefusedOnANonEmptyTable) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  ASSERT_NO_FATAL_FAILURE(seed_v1(db));
  RunResult r = refused_start(fixture("todo_v2_required.yaml"), db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the database " + database_for(db) +
                       " does not fit the document:\n"
                       "  - table todos: new required property 'owner' has no default, and 2 "
                       "existing rows have no value for it. Give it a default or make it "
                       "optional\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ((r.out + r.err).find("listening"), std::string::npos);
  expect_v1_rows_intact(db);
}

TEST(SchemaMigration, ARequiredPropertyWithoutDefaultIsAcceptedOnAnEmptyTable) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  with_server(todo_v1(), db, [](HttpClient& client, ServerProcess&) {
    ASSERT_EQ(client.get("/todos").status, 200);  // the table exists, empty
  });
  with_server(fixture("todo_v2_required.yaml"), db, [](HttpClient& client, ServerProcess&) {
    HttpResponse missing = client.post("/todos", R"({"title":"milk"})");
    ASSERT_EQ(missing.status, 422) << missing.body;
    EXPECT_EQ(
        missing.json()["errors"],
        nlohmann::json::parse(R"([{"in":"body","pointer":"/owner","detail":"is required"}])"));
    HttpResponse created = client.post("/todos", R"({"title":"milk","owner":"ann"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body, R"({"id":1,"title":"milk","done":false,"due":null,"owner":"ann"})");
  });
}

TEST(SchemaMigration, ChangingAPropertysTypeIsRefused) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  ASSERT_NO_FATAL_FAILURE(seed_v1(db));
  RunResult r = refused_start(fixture("todo_v2_type_change.yaml"), db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the database " + database_for(db) +
                       " does not fit the document:\n"
                       "  - table todos: column 'done' is BOOLEAN in the database but the schema "
                       "makes it TEXT; changing it could corrupt data. Migrate it by hand\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ((r.out + r.err).find("listening"), std::string::npos);
  expect_v1_rows_intact(db);
}

TEST(SchemaMigration, AFileThatIsNotADatabaseIsRefused) {
  if (testing_on_postgres())
    GTEST_SKIP() << "writes a file that is not a SQLite database and expects it refused; nothing "
                    "alike on PostgreSQL";
  TempDir dir;
  const std::string db = write_file(dir, "junk.db", std::string(4096, 'j'));
  RunResult r = refused_start(todo_v1(), db);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(db), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("listening"), std::string::npos);
}

}  // namespace
}  // namespace apiserver::test
