// The README's first promise: the todo example serves a stored API whose
// data survives a restart.
#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

TEST(TodoExample, CreatedTodoIsReadBackAndSurvivesRestart) {
  TempDir dir;
  const std::string db = dir.file("todo.db");
  std::vector<std::string> args = {source_path("examples/todo.yaml"), "--db", db};
  {
    ServerProcess server(args);
    HttpClient client(server.port());
    HttpResponse created = client.post("/todos", R"({"title":"milk"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), "/todos/1");
    EXPECT_EQ(created.json()["title"], "milk");
    EXPECT_EQ(created.json()["done"], false);

    HttpResponse read = client.get("/todos/1");
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json(), created.json());
  }
  ServerProcess restarted(args);
  HttpClient client(restarted.port());
  HttpResponse read = client.get("/todos/1");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["title"], "milk");
}

}  // namespace
}  // namespace apiserver::test
