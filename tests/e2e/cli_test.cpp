// The command line: `apiserver routes SPEC` (one line per operation, then the tables),
// `apiserver validate SPEC` (file:line:col diagnostics and a summary; exit 0 or 1), serving a
// malformed document (exit 2 with the diagnostics, never listening), bad options, and the
// APISERVER_* environment variables (APISERVER_DB, APISERVER_SPEC, APISERVER_THREADS,
// APISERVER_LOG_LEVEL), plus --db :memory:.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

TEST(RoutesCommand, PrintsEachOperationAndTheTableOfTheTodoExample) {
  RunResult r = ServerProcess::run({"routes", source_path("examples/todo.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "GET     /todos       list todos\n"
            "POST    /todos       create todos\n"
            "GET     /todos/{id}  read todos by id\n"
            "PUT     /todos/{id}  replace todos by id\n"
            "DELETE  /todos/{id}  delete todos by id\n"
            "PATCH   /todos/{id}  update todos by id\n"
            "\n"
            "table todos (Todo): id [key], title [required], done, due, tags, apiserver_version "
            "[row version]\n");
  EXPECT_EQ(r.err, "");
}

TEST(RoutesCommand, MarksRequiredColumnsOfAnotherDocument) {
  RunResult r = ServerProcess::run({"routes", spec("accounts.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "GET     /accounts       list accounts\n"
            "POST    /accounts       create accounts\n"
            "GET     /accounts/{id}  read accounts by id\n"
            "PUT     /accounts/{id}  replace accounts by id\n"
            "PATCH   /accounts/{id}  update accounts by id\n"
            "\n"
            "table accounts (Account): id [key], name [required], password [required], "
            "nickname, level, created, apiserver_version [row version]\n");
}

TEST(RoutesCommand, SaysWhyAnOperationIsNotStored) {
  RunResult r = ServerProcess::run({"routes", spec("unstored.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "GET     /health  not stored: no JSON object schema describes the items of /health\n"
            "GET     /search  not stored: no JSON object schema describes the items of /search\n");
  EXPECT_EQ(r.err, "") << "routes keeps warnings quiet";
}

TEST(RoutesCommand, RefusesABrokenDocument) {
  const std::string path = spec("broken_ref.yaml");
  RunResult r = ServerProcess::run({"routes", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path + ":13:17: error: $ref '#/components/schemas/Missing' does not "
                              "resolve"),
            std::string::npos)
      << r.err;
}

TEST(ValidateCommand, SummarizesAValidDocument) {
  struct Case {
    std::string path;
    std::string summary;
  };
  const std::vector<Case> cases = {
      {source_path("examples/todo.yaml"),
       "OK, OpenAPI 3.0.3, 6 operation(s), 6 stored on 1 table(s), 0 warning(s)"},
      {spec("notes_openapi31.yaml"),
       "OK, OpenAPI 3.1.0, 3 operation(s), 3 stored on 1 table(s), 0 warning(s)"},
      {spec("long_strings.yaml"),
       "OK, OpenAPI 3.0.3, 3 operation(s), 3 stored on 1 table(s), 0 warning(s)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    RunResult r = ServerProcess::run({"validate", c.path});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, c.path + ": " + c.summary + "\n");
    EXPECT_EQ(r.err, "");
  }
}

TEST(ValidateCommand, ReportsWarningsButSucceeds) {
  const std::string path = spec("unstored.yaml");
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out,
            path +
                ":29:10: warning: securityScheme 'key' has no x-apiserver-keys: operations that "
                "require it answer 401 until it is configured (at "
                "/components/securitySchemes/key)\n" +
                path +
                ": OK, OpenAPI 3.0.3, 2 operation(s), 0 stored on 0 table(s), 1 warning(s)\n");
}

TEST(ValidateCommand, ReportsErrorsWithFileLineColumnAndPointer) {
  const std::string path = spec("broken_ref.yaml");
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, path +
                       ":13:17: error: $ref '#/components/schemas/Missing' does not resolve "
                       "(at /paths/~1things/get/responses/200/content/application~1json/"
                       "schema)\n" +
                       path + ": 1 error(s), 0 warning(s)\n");
}

TEST(ValidateCommand, ReportsInvalidYamlAtItsLine) {
  const std::string path = spec("broken_yaml.yaml");
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind(path + ":6:6: error: not valid YAML or JSON: ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\n" + path + ": 1 error(s), 0 warning(s)\n"), std::string::npos) << r.out;
}

TEST(ValidateCommand, ReportsAMissingFile) {
  TempDir dir;
  const std::string path = dir.file("absent.yaml");
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, path + ": error: no such file\n" + path + ": 1 error(s), 0 warning(s)\n");
}

TEST(ServeCommand, AMalformedDocumentExits2WithTheDiagnosticsAndNeverListens) {
  struct Case {
    std::string path;
    std::string diagnostic;  // the start of the line naming the file and the line
  };
  const std::vector<Case> cases = {
      {spec("broken_yaml.yaml"), ":6:6: error: not valid YAML or JSON: "},
      {spec("broken_ref.yaml"),
       ":13:17: error: $ref '#/components/schemas/Missing' does not resolve"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    TempDir dir;
    const std::string db = dir.file("never.db");
    RunResult r = ServerProcess::run({c.path, "--port", "0", "--db", db});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(c.path + c.diagnostic), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.path + ": 1 error(s); nothing is served"), std::string::npos) << r.err;
    EXPECT_EQ((r.out + r.err).find("listening"), std::string::npos) << r.out << r.err;
    EXPECT_FALSE(std::filesystem::exists(db)) << "no database is created for a bad document";
  }
}

TEST(ServeCommand, BadOptionsExit2WithoutServing) {
  TempDir dir;
  RunResult no_spec = ServerProcess::run({"--port", "0"});
  EXPECT_EQ(no_spec.exit_code, 2);
  EXPECT_NE(no_spec.err.find("error: give the OpenAPI document to serve"), std::string::npos)
      << no_spec.err;

  RunResult bad_size = ServerProcess::run({source_path("examples/todo.yaml"), "--port", "0", "--db",
                                           dir.file("x.db"), "--max-body", "lots"});
  EXPECT_EQ(bad_size.exit_code, 2);
  EXPECT_EQ(bad_size.err, "--max-body: 'lots' is not a size such as 1MiB or 4096\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.db")));

  RunResult missing = ServerProcess::run({dir.file("absent.yaml"), "--port", "0"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir.file("absent.yaml") + ": error: no such file"), std::string::npos)
      << missing.err;

  RunResult bad_level =
      ServerProcess::run({source_path("examples/todo.yaml"), "--port", "0"},
                         std::chrono::seconds(30), {{"APISERVER_LOG_LEVEL", "chatty"}});
  EXPECT_NE(bad_level.exit_code, 0);
  EXPECT_NE(bad_level.err.find("--log-level: chatty not in"), std::string::npos) << bad_level.err;
}

TEST(Environment, ApiserverDbChoosesTheDatabaseFile) {
  if (testing_on_postgres())
    GTEST_SKIP() << "checks that APISERVER_DB creates its SQLite file; only --db is redirected to "
                    "PostgreSQL";
  TempDir dir;
  const std::string db = dir.file("from-env.db");
  {
    ServerProcess server({source_path("examples/todo.yaml")}, {{"APISERVER_DB", db}});
    HttpClient client(server.port());
    ASSERT_EQ(client.post("/todos", R"({"title":"kept in the env db"})").status, 201);
    EXPECT_TRUE(server.wait_for_log("database " + db)) << server.log();
  }
  ASSERT_TRUE(std::filesystem::exists(db));
  // The same file named with --db holds the todo.
  ServerProcess again({source_path("examples/todo.yaml"), "--db", db});
  HttpClient client(again.port());
  HttpResponse r = client.get("/todos/1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["title"], "kept in the env db");
}

TEST(Environment, AFlagOverridesItsEnvironmentVariable) {
  if (testing_on_postgres())
    GTEST_SKIP() << "checks which SQLite file (--db or APISERVER_DB) is created; --db is "
                    "redirected to PostgreSQL";
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("flag.db")},
                       {{"APISERVER_DB", dir.file("env.db")}});
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"x"})").status, 201);
  EXPECT_TRUE(std::filesystem::exists(dir.file("flag.db")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("env.db")));
}

TEST(Environment, TheSpecAndThreadsCanComeFromTheEnvironment) {
  TempDir dir;
  ServerProcess server({}, {{"APISERVER_SPEC", source_path("examples/todo.yaml")},
                            {"APISERVER_DB", dir.file("spec-env.db")},
                            {"APISERVER_THREADS", "1"},
                            {"APISERVER_LOG_LEVEL", "info"}});
  HttpClient client(server.port());
  HttpResponse r = client.post("/todos", R"({"title":"one thread"})");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST(Environment, MemoryDatabaseIsThrownAwayAtExit) {
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE(round);
    ServerProcess server({source_path("examples/todo.yaml"), "--db", ":memory:"});
    HttpClient client(server.port());
    EXPECT_EQ(client.get("/todos").body, "[]");
    HttpResponse r = client.post("/todos", R"({"title":"ephemeral"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("location"), "/todos/1");
    // Every connection sees the same data (it is one database, not one per connection).
    HttpClient other(server.port());
    EXPECT_EQ(other.get("/todos/1").status, 200);
  }
}

}  // namespace
}  // namespace apiserver::test
