// PostgreSQL restarted under a running server (support/scratch_postgres.hpp: a fast shutdown cuts
// every connection, then the same data comes back on the same port). While it is away, requests
// answer 503 with Retry-After and /readyz is not ready: never a 500, never a wrong answer. Once it
// is back, the same server process reads and writes again, on connections made anew, with every
// row written before still there.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// What a client may see from a todo server whose database restarts: the row as written, a
// create, or a 503 that says when to retry. Anything else is returned as a complaint.
std::string unexpected(const HttpResponse& r) {
  if (r.status == 503) return r.header("retry-after") ? "" : "a 503 without Retry-After";
  if (r.status == 201) return "";
  if (r.status == 200) {
    const json body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.value("title", "") == "milk" ? "" : "a wrong read: " + r.body;
  }
  return std::to_string(r.status) + ": " + r.body;
}

TEST(PostgresFaultsTest, ARestartedDatabaseIsA503ThenServedAgainWithoutARestart) {
  if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
  ScratchPostgres& cluster = ScratchPostgres::instance();
  const std::string url = cluster.new_database();
  ServerProcess server({source_path("examples/todo.yaml"), "--db", url});
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  ASSERT_EQ(client.get("/todos/1").status, 200);

  // Reads and creates from a second client all through the restart.
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<std::string> complaints;
  int answers = 0;
  std::thread load([&] {
    HttpClient loader(server.port());
    for (int i = 0; !stop; ++i) {
      try {
        const HttpResponse r =
            i % 2 == 0 ? loader.get("/todos/1") : loader.post("/todos", R"({"title":"milk"})");
        std::lock_guard<std::mutex> lock(mutex);
        ++answers;
        if (std::string complaint = unexpected(r); !complaint.empty())
          complaints.push_back(complaint);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        complaints.push_back(std::string("no answer: ") + e.what());
      }
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  cluster.restart();

  // Back without restarting the server: ready, then a read and a create on new connections.
  EXPECT_TRUE(wait_until([&] { return client.get("/readyz").status == 200; }))
      << "/readyz never turned ready again";
  EXPECT_TRUE(wait_until([&] { return client.get("/todos/1").status == 200; }));
  EXPECT_TRUE(wait_until([&] {
    return client.post("/todos", R"({"title":"milk"})").status == 201;
  })) << "the server never wrote again";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop = true;
  load.join();

  std::lock_guard<std::mutex> lock(mutex);
  EXPECT_GT(answers, 0);
  EXPECT_TRUE(complaints.empty()) << complaints.size() << " unexpected answers, the first: "
                                  << (complaints.empty() ? "" : complaints.front());
  // The list counts what the table holds, and starts with the row written before the restart.
  const HttpResponse first = client.get("/todos?limit=1", {{"Prefer", "count=exact"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("x-total-count").value_or(""),
            ScratchPostgres::query(url, "SELECT count(*) FROM todos"));
  EXPECT_EQ(first.body, R"([{"id":1,"title":"milk","done":false,"due":null}])");
}

// While the database is down (stopped, not yet back), /readyz says so and a read is a 503: the
// server does not wait for it, and does not give up on it either.
TEST(PostgresFaultsTest, WhileTheDatabaseIsDownReadyzIsFalseAndRequestsAre503) {
  if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
  ScratchPostgres& cluster = ScratchPostgres::instance();
  const std::string url = cluster.new_database();
  ServerProcess server({source_path("examples/todo.yaml"), "--db", url});
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  cluster.stop_for_test();
  const HttpResponse ready = client.get("/readyz");
  const HttpResponse read = client.get("/todos/1");
  const HttpResponse create = client.post("/todos", R"({"title":"milk"})");
  cluster.start_for_test();
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(read.status, 503) << read.body;
  EXPECT_TRUE(read.header("retry-after")) << read.body;
  EXPECT_EQ(create.status, 503) << create.body;
  EXPECT_TRUE(wait_until([&] { return client.get("/todos/1").status == 200; }));
  EXPECT_TRUE(
      wait_until([&] { return client.post("/todos", R"({"title":"milk"})").status == 201; }));
}

}  // namespace
}  // namespace apiserver::test
