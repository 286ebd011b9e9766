// A schema change on PostgreSQL with two instances on one database: the instance reloaded
// first (SIGHUP) migrates the table; the other keeps serving its document meanwhile (the
// change is additive) and sees the new column once it reloads too; two instances reloading
// the same change at once migrate it once, under the advisory lock, and both serve it.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "support/http_client.hpp"
#include "support/notes_document.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

class PostgresReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
    url_ = ScratchPostgres::instance().new_database();
    spec_ = write_file(dir_, "notes.yaml", notes_document());
    a_.emplace(ServerProcess({spec_, "--db", url_}));
    b_.emplace(ServerProcess({spec_, "--db", url_}));
  }

  // Rewrites the document both instances serve; neither sees it before its SIGHUP.
  void change_document(const std::string& extra) {
    write_file(dir_, "notes.yaml", notes_document(extra));
  }

  // Waits until `server` has logged `times` reloads ("reloaded SPEC").
  static void wait_reloaded(ServerProcess& server, size_t times) {
    for (int waited = 0; waited < 200; ++waited) {
      size_t count = 0;
      const std::string log = server.log();
      for (size_t at = log.find("reloaded "); at != std::string::npos;
           at = log.find("reloaded ", at + 1))
        ++count;
      if (count >= times) return;
      ASSERT_EQ(log.find("reload failed"), std::string::npos) << log;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "no reload in 10 s:\n" << server.log();
  }

  static void reload(ServerProcess& server) {
    ASSERT_EQ(::kill(server.pid(), SIGHUP), 0);
    wait_reloaded(server, 1);
  }

  std::string column_count(const std::string& column) const {
    return ScratchPostgres::query(url_,
                                  "SELECT count(*) FROM information_schema.columns WHERE "
                                  "table_name = 'notes' AND column_name = '" +
                                      column + "'");
  }

  TempDir dir_;
  std::string url_;
  std::string spec_;
  std::optional<ServerProcess> a_, b_;
};

TEST_F(PostgresReloadTest, AColumnAddedByOneInstanceIsSeenByTheOtherAfterItsReload) {
  HttpClient a(a_->port()), b(b_->port());
  ASSERT_EQ(a.post("/notes", R"({"text":"one"})").status, 201);
  ASSERT_EQ(column_count("color"), "0");

  change_document("        color: {type: string}\n");
  reload(*a_);
  EXPECT_EQ(column_count("color"), "1") << "the first instance to reload migrates";
  HttpResponse colored = a.post("/notes", R"({"text":"two","color":"red"})");
  ASSERT_EQ(colored.status, 201) << colored.body;
  EXPECT_EQ(colored.json(), json({{"id", 2}, {"text", "two"}, {"color", "red"}}));

  // The other still serves its own document, on the migrated table.
  HttpResponse old_view = b.get("/notes/2");
  ASSERT_EQ(old_view.status, 200) << old_view.body;
  EXPECT_EQ(old_view.json(), json({{"id", 2}, {"text", "two"}}));
  HttpResponse written_by_old = b.post("/notes", R"({"text":"three"})");
  ASSERT_EQ(written_by_old.status, 201) << written_by_old.body;

  reload(*b_);
  HttpResponse new_view = b.get("/notes/2");
  ASSERT_EQ(new_view.status, 200) << new_view.body;
  EXPECT_EQ(new_view.json(), json({{"id", 2}, {"text", "two"}, {"color", "red"}}));
  EXPECT_EQ(b.get("/notes/3").json(), json({{"id", 3}, {"text", "three"}}));
  EXPECT_EQ(a.get("/notes").json().size(), 3u);
}

TEST_F(PostgresReloadTest, BothReloadingTheSameChangeAtOnceMigrateItOnce) {
  HttpClient a(a_->port()), b(b_->port());
  ASSERT_EQ(a.post("/notes", R"({"text":"one"})").status, 201);
  change_document("        color: {type: string}\n        size: {type: integer}\n");
  ASSERT_EQ(::kill(a_->pid(), SIGHUP), 0);  // both at once
  ASSERT_EQ(::kill(b_->pid(), SIGHUP), 0);
  wait_reloaded(*a_, 1);
  wait_reloaded(*b_, 1);
  EXPECT_EQ(column_count("color"), "1");
  EXPECT_EQ(column_count("size"), "1");
  HttpResponse through_b = b.post("/notes", R"({"text":"two","size":3})");
  ASSERT_EQ(through_b.status, 201) << through_b.body;
  EXPECT_EQ(a.get("/notes/2").json(), json({{"id", 2}, {"text", "two"}, {"size", 3}}));
  EXPECT_EQ(a_->log().find("error"), std::string::npos) << a_->log();
  EXPECT_EQ(b_->log().find("error"), std::string::npos) << b_->log();
}

}  // namespace
}  // namespace apiserver::test
