// Concurrency sanity on examples/todo.yaml: several clients, each on its own keep-alive
// connection, creating (and then updating and deleting) todos at the same time must get
// distinct keys, lose no write, and leave a list whose exact count matches; and a write once
// answered is seen by every later read, on any connection and event loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

constexpr int kThreads = 4;

// What one worker saw; checked on the main thread (gtest assertions are not for workers).
struct WorkerLog {
  std::vector<int> ids;
  std::vector<std::string> failures;
  int connections = 0;
};

class ConcurrencyTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{source_path("examples/todo.yaml"), "--db",
                                                 dir_.file("busy.db"), "--threads", "2"}};
};

TEST_F(ConcurrencyTest, FourClientsCreating50EachGet200DistinctIds) {
  constexpr int kPerThread = 50;
  std::vector<WorkerLog> logs(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([this, t, &logs] {
      WorkerLog& log = logs[static_cast<size_t>(t)];
      try {
        HttpClient client(server_.port());
        for (int i = 0; i < kPerThread; ++i) {
          nlohmann::json body = {{"title", "t" + std::to_string(t) + "-" + std::to_string(i)}};
          HttpResponse r = client.post_json("/todos", body);
          if (r.status != 201) {
            log.failures.push_back(std::to_string(r.status) + " " + r.body);
            continue;
          }
          int id = r.json()["id"].get<int>();
          if (r.header("location") != "/todos/" + std::to_string(id) ||
              r.json()["title"] != body["title"]) {
            log.failures.push_back("mismatched answer: " + r.body);
          }
          log.ids.push_back(id);
        }
        log.connections = client.connections_opened();
      } catch (const std::exception& e) {
        log.failures.push_back(e.what());
      }
    });
  }
  for (std::thread& w : workers) w.join();

  std::set<int> ids;
  for (const WorkerLog& log : logs) {
    EXPECT_EQ(log.failures, std::vector<std::string>{});
    EXPECT_EQ(log.ids.size(), static_cast<size_t>(kPerThread));
    EXPECT_EQ(log.connections, 1) << "each worker kept one connection alive";
    // Each worker's own creations got increasing keys.
    EXPECT_TRUE(std::is_sorted(log.ids.begin(), log.ids.end()));
    ids.insert(log.ids.begin(), log.ids.end());
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads * kPerThread));
  if (!ids.empty()) {
    EXPECT_EQ(*ids.begin(), 1);
    EXPECT_EQ(*ids.rbegin(), kThreads * kPerThread);
  }

  HttpClient client(server_.port());
  HttpResponse r = client.get("/todos?limit=1", {{"Prefer", "count=exact"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-total-count"), "200");
  HttpResponse t3 = client.get("/todos?title=t3-49");
  ASSERT_EQ(t3.status, 200) << t3.body;
  EXPECT_EQ(t3.json().size(), 1u);
}

TEST_F(ConcurrencyTest, InterleavedUpdatesAndDeletesLoseNoWrite) {
  constexpr int kPerThread = 20;
  std::vector<WorkerLog> logs(kThreads);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([this, t, &logs] {
      WorkerLog& log = logs[static_cast<size_t>(t)];
      try {
        HttpClient client(server_.port());
        const Headers patch = {{"Content-Type", "application/merge-patch+json"}};
        for (int i = 0; i < kPerThread; ++i) {
          HttpResponse created = client.post_json("/todos", {{"title", "w" + std::to_string(t)}});
          if (created.status != 201) {
            log.failures.push_back("create: " + created.body);
            continue;
          }
          const std::string path = *created.header("location");
          HttpResponse patched = client.patch(path, R"({"done":true,"tags":["x"]})", patch);
          if (patched.status != 200 || patched.json()["done"] != true)
            log.failures.push_back("patch: " + patched.body);
          if (i % 2 == 1) {
            HttpResponse deleted = client.del(path);
            if (deleted.status != 204) log.failures.push_back("delete: " + deleted.body);
          }
          HttpResponse listed = client.get("/todos?limit=5&sort=-id");
          if (listed.status != 200) log.failures.push_back("list: " + listed.body);
        }
      } catch (const std::exception& e) {
        log.failures.push_back(e.what());
      }
    });
  }
  for (std::thread& w : workers) w.join();
  for (const WorkerLog& log : logs) EXPECT_EQ(log.failures, std::vector<std::string>{});

  HttpClient client(server_.port());
  HttpResponse all = client.get("/todos?limit=100", {{"Prefer", "count=exact"}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.header("x-total-count"), std::to_string(kThreads * kPerThread / 2));
  for (const nlohmann::json& item : all.json()) {
    EXPECT_EQ(item["done"], true) << item.dump();
    EXPECT_EQ(item["tags"], nlohmann::json::array({"x"})) << item.dump();
  }
  HttpResponse open = client.get("/todos?done=false", {{"Prefer", "count=exact"}});
  EXPECT_EQ(open.header("x-total-count"), "0");
}

// The reads an event loop handles in one turn share a database snapshot: one a write was
// answered after must not serve a read that arrived after that answer. Each checker writes on
// one connection and reads on another (connections spread over the two loops), while other
// clients keep both loops busy reading, so that snapshots are held when the reads arrive.
TEST_F(ConcurrencyTest, AWriteAnsweredOnOneConnectionIsReadOnAnother) {
  constexpr int kCheckers = 2;
  constexpr int kRounds = 60;
  std::atomic<bool> checking{true};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([this, &checking] {
      try {
        HttpClient client(server_.port());
        while (checking) client.get("/todos?limit=3");
      } catch (const std::exception&) {
        // The checkers' failures are what this test reports.
      }
    });
  }
  std::vector<WorkerLog> logs(kCheckers);
  std::vector<std::thread> checkers;
  for (int t = 0; t < kCheckers; ++t) {
    checkers.emplace_back([this, t, &logs] {
      WorkerLog& log = logs[static_cast<size_t>(t)];
      try {
        HttpClient writer(server_.port());
        HttpClient reader(server_.port());
        for (int i = 0; i < kRounds; ++i) {
          HttpResponse created = writer.post_json("/todos", {{"title", "first"}});
          if (created.status != 201) {
            log.failures.push_back("create: " + created.body);
            continue;
          }
          const std::string path = *created.header("location");
          HttpResponse read = reader.get(path);
          if (read.status != 200) log.failures.push_back("created, then " + read.body);
          writer.patch_json(path, {{"title", "second"}},
                            {{"Content-Type", "application/merge-patch+json"}});
          read = reader.get(path);
          if (read.status != 200 || read.json()["title"] != "second")
            log.failures.push_back("updated, then " + read.body);
          HttpResponse listed = reader.get("/todos?title=second&limit=100");
          bool found = false;
          for (const nlohmann::json& item : listed.json())
            found = found || "/todos/" + item["id"].dump() == path;
          if (!found) log.failures.push_back("updated, then listed without it: " + listed.body);
          writer.del(path);
          if (reader.get(path).status != 404) log.failures.push_back("deleted, then read " + path);
        }
      } catch (const std::exception& e) {
        log.failures.push_back(e.what());
      }
    });
  }
  for (std::thread& c : checkers) c.join();
  checking = false;
  for (std::thread& r : readers) r.join();
  for (const WorkerLog& log : logs) EXPECT_EQ(log.failures, std::vector<std::string>{});
}

}  // namespace
}  // namespace apiserver::test
