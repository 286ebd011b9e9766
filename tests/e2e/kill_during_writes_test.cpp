// Durability across a crash: the server is killed (SIGKILL) in the middle of a write load,
// started again on the same file, and must still have every write it answered 2xx, in a file
// that passes SQLite's integrity check. Kept to about two seconds of load: it runs in CI.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

constexpr int kClients = 8;

// The rows of PRAGMA integrity_check ("ok" alone when the file is sound).
std::string integrity_check(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open " + path;
  }
  std::string report;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      report += (report.empty() ? "" : "\n") +
                std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "NULL");
    }
  } else {
    report = sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return report;
}

// id -> title of every row of the todos table.
std::map<long long, std::string> stored_titles(const std::string& path) {
  std::map<long long, std::string> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT id, title FROM todos", -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* title = sqlite3_column_text(stmt, 1);
        rows[sqlite3_column_int64(stmt, 0)] =
            title != nullptr ? reinterpret_cast<const char*>(title) : "";
      }
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return rows;
}

TEST(KillDuringWrites, EveryWriteAnswered2xxSurvivesSigkill) {
  if (testing_on_postgres())
    GTEST_SKIP()
        << "checks the SQLite file after SIGKILL (PRAGMA integrity_check, rows read from the file)";
  TempDir dir;
  const std::string db = dir.file("killed.db");
  const std::vector<std::string> args{source_path("examples/todo.yaml"), "--db", db, "--access-log",
                                      "off"};
  std::mutex mutex;
  std::map<long long, std::string> acknowledged;  // id -> title answered 201
  {
    ServerProcess server(args);
    std::atomic<bool> killed{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        try {
          HttpClient client(server.port());
          client.set_timeout(std::chrono::seconds(5));
          for (int i = 0; !killed; ++i) {
            std::string title = "c" + std::to_string(c) + "-" + std::to_string(i);
            HttpResponse r = client.post_json("/todos", {{"title", title}});
            if (r.status != 201) continue;
            std::lock_guard<std::mutex> lock(mutex);
            acknowledged[r.json().at("id").get<long long>()] = title;
          }
        } catch (const std::exception&) {
          // The server died under this client: what it answered before is what counts.
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    killed = true;
    server.stop(SIGKILL);
    for (std::thread& t : clients) t.join();
  }
  ASSERT_GT(acknowledged.size(), 50U) << "too few writes before the kill to test anything";
  EXPECT_EQ(integrity_check(db), "ok");

  // The restarted server serves them (the last ones, the likeliest lost, over HTTP)...
  {
    ServerProcess restarted(args);
    HttpClient client(restarted.port());
    size_t checked = 0;
    for (auto it = acknowledged.rbegin(); it != acknowledged.rend() && checked < 50; ++it) {
      ++checked;
      HttpResponse r = client.get("/todos/" + std::to_string(it->first));
      EXPECT_EQ(r.status, 200) << "todo " << it->first;
      if (r.status == 200) {
        EXPECT_EQ(r.json().value("title", ""), it->second);
      }
    }
  }
  // ... and the file holds every one of them.
  std::map<long long, std::string> stored = stored_titles(db);
  size_t missing = 0;
  for (const auto& [id, title] : acknowledged) {
    auto found = stored.find(id);
    if (found != stored.end() && found->second == title) continue;
    if (++missing <= 5) ADD_FAILURE() << "todo " << id << " (" << title << ") is not stored";
  }
  EXPECT_EQ(missing, 0U) << "of " << acknowledged.size() << " acknowledged writes";
}

}  // namespace
}  // namespace apiserver::test
