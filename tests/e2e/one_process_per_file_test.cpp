// One apiserver process per SQLite file: a second process started on a file another one serves
// (by the same path or through a symbolic link) is refused at start-up, naming the holder,
// instead of handing out the same keys and answering 409s; the file is free again once the
// first process is gone, however it ended.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;

std::string todo_spec() {
  return source_path("examples/todo.yaml");
}

void expect_refused(const std::string& db, pid_t holder) {
  RunResult second =
      ServerProcess::run({todo_spec(), "--db", db, "--port", "0"}, std::chrono::seconds(20));
  EXPECT_EQ(second.exit_code, 1) << second.out << second.err;
  const std::string log = second.out + second.err;
  EXPECT_NE(log.find("is in use by another apiserver process (pid " + std::to_string(holder) + ")"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("listening on"), std::string::npos) << log;
}

TEST(OneProcessPerFile, ASecondProcessOnTheSameFileIsRefusedAtStartUp) {
  if (testing_on_postgres())
    GTEST_SKIP() << "the one-process claim is on the SQLite file (its -lock file); a PostgreSQL "
                    "database takes several servers";
  TempDir dir;
  const std::string db = dir.file("todo.db");
  ServerProcess first({todo_spec(), "--db", db});
  HttpClient client(first.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"first"})").status, 201);

  expect_refused(db, first.pid());
  fs::create_symlink(db, dir.file("link.db"));
  expect_refused(dir.file("link.db"), first.pid());

  // The first process still serves, untouched by the attempts.
  ASSERT_EQ(client.post("/todos", R"({"title":"second"})").status, 201);
  EXPECT_EQ(client.get("/todos/2").status, 200);
}

TEST(OneProcessPerFile, TheFileIsFreeOnceItsProcessIsGoneEvenKilled) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  {
    ServerProcess first({todo_spec(), "--db", db});
    HttpClient client(first.port());
    ASSERT_EQ(client.post("/todos", R"({"title":"kept"})").status, 201);
    first.stop(SIGKILL);
  }
  ServerProcess next({todo_spec(), "--db", db});
  HttpClient client(next.port());
  EXPECT_EQ(client.get("/todos/1").status, 200);
  EXPECT_EQ(client.post("/todos", R"({"title":"after"})").status, 201);
}

}  // namespace
}  // namespace apiserver::test
