// Unit tests of Database: opening a SQLite file, WAL mode, creating the tables of an API, and
// errors for files that cannot be opened.
#include "store/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/server_process.hpp"
#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using model::ColumnType;
using testing::column;
using testing::query;

bool has_note(const std::vector<std::string>& notes, const std::string& needle) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(needle) != std::string::npos; });
}

std::unique_ptr<model::Api> two_tables() {
  auto api = std::make_unique<model::Api>();
  api->resources.push_back(testing::resource(
      "todos",
      {column("id", ColumnType::kInteger), column("title", ColumnType::kText, true),
       column("done", ColumnType::kBoolean, false, false), column("meta", ColumnType::kJson)}));
  api->resources.push_back(testing::resource(
      "weird \"name\"", {column("key", ColumnType::kText), column("select", ColumnType::kReal)}, 0,
      model::KeyKind::kUuid));
  return api;
}

TEST(Database, CreatesATableForEveryResource) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  Database db(dir.file("a.db"), *api, notes);
  EXPECT_EQ(db.path(), dir.file("a.db"));
  EXPECT_TRUE(has_note(notes, "created table todos"));
  auto tables = query(db.path(), "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
  std::vector<std::string> names;
  for (const auto& row : tables) names.push_back(row[0]);
  EXPECT_NE(std::find(names.begin(), names.end(), "todos"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "weird \"name\""), names.end())
      << "identifiers are quoted, whatever they hold";
}

TEST(Database, DeclaresColumnTypesKeyAndConstraints) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  Database db(dir.file("a.db"), *api, notes);
  // cid, name, type, notnull, dflt_value, pk
  auto columns = query(db.path(), "PRAGMA table_info(todos)");
  ASSERT_EQ(columns.size(), 4u);
  EXPECT_EQ(columns[0], (std::vector<std::string>{"0", "id", "INTEGER", "1", "NULL", "1"}));
  EXPECT_EQ(columns[1], (std::vector<std::string>{"1", "title", "TEXT", "1", "NULL", "0"}));
  EXPECT_EQ(columns[2], (std::vector<std::string>{"2", "done", "BOOLEAN", "0", "0", "0"}));
  EXPECT_EQ(columns[3], (std::vector<std::string>{"3", "meta", "JSON_TEXT", "0", "NULL", "0"}));
  auto weird = query(db.path(), "PRAGMA table_info(\"weird \"\"name\"\"\")");
  ASSERT_EQ(weird.size(), 2u);
  EXPECT_EQ(weird[0][2], "TEXT");
  EXPECT_EQ(weird[0][5], "1");
  EXPECT_EQ(weird[1][1], "select");
  auto sql = query(db.path(), "SELECT sql FROM sqlite_master WHERE name='todos'");
  // Keys come from KeySequence: AUTOINCREMENT would cost a second page write per insert.
  EXPECT_EQ(sql[0][0].find("AUTOINCREMENT"), std::string::npos) << sql[0][0];
  EXPECT_NE(sql[0][0].find("\"id\" INTEGER PRIMARY KEY NOT NULL"), std::string::npos) << sql[0][0];
}

TEST(Database, SwitchesTheFileToWal) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  Database db(dir.file("a.db"), *api, notes);
  EXPECT_EQ(query(db.path(), "PRAGMA journal_mode")[0][0], "wal");
  EXPECT_FALSE(has_note(notes, "journal mode"));
}

TEST(Database, ReopensAnExistingFileWithoutTouchingItsRows) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  {
    std::vector<std::string> notes;
    Database db(dir.file("a.db"), *api, notes);
    Record out;
    ASSERT_TRUE(db.store(*api->resources[0]).create({{"title", "kept"}}, out).ok());
  }
  std::vector<std::string> notes;
  Database db(dir.file("a.db"), *api, notes);
  EXPECT_FALSE(has_note(notes, "created")) << "nothing to do the second time";
  Record out;
  ASSERT_TRUE(db.store(*api->resources[0]).read(1, out).ok());
  EXPECT_EQ(db.store(*api->resources[0]).to_item(out)["title"], "kept");
}

TEST(Database, OpensAFileWhosePathHasSpaces) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  std::string path = dir.file("my data file=1.db");
  Database db(path, *api, notes);
  Record out;
  EXPECT_TRUE(db.store(*api->resources[0]).create({{"title", "x"}}, out).ok());
  EXPECT_EQ(query(path, "SELECT count(*) FROM todos")[0][0], "1");
}

// BUG: connect_string() escapes '"' as '\"', but SOCI's connect-string parser knows no escapes:
// the quoted value ends at the backslash. For the path `<dir>/my "data" file.db` the server
// silently creates and uses the file `<dir>/my \` instead. Expected: the named file is used (or
// a DatabaseError refuses the path); actual: another file is used without a word.
TEST(Database, OpensAFileWhosePathHasQuotes) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  std::string path = dir.file("my \"data\" file.db");
  try {
    Database db(path, *api, notes);
    Record out;
    EXPECT_TRUE(db.store(*api->resources[0]).create({{"title", "x"}}, out).ok());
  } catch (const DatabaseError&) {
    return;  // refusing the path is fine too
  }
  EXPECT_TRUE(std::filesystem::exists(path)) << "the database went elsewhere";
  EXPECT_FALSE(std::filesystem::exists(dir.file("my \\")));
}

TEST(Database, ThrowsDatabaseErrorWhenTheFileCannotBeOpened) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  try {
    Database db(dir.file("missing/dir/a.db"), *api, notes);
    FAIL() << "opened a file in a missing directory";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("missing/dir/a.db"), std::string::npos) << e.what();
  }
}

TEST(Database, ThrowsDatabaseErrorForAFileThatIsNotADatabase) {
  apiserver::test::TempDir dir;
  std::string path = apiserver::test::write_file(dir, "text.db", std::string(4096, 'x'));
  auto api = two_tables();
  std::vector<std::string> notes;
  EXPECT_THROW(Database(path, *api, notes), DatabaseError);
}

TEST(Database, WorksWithAnApiWithoutResources) {
  apiserver::test::TempDir dir;
  model::Api api;
  std::vector<std::string> notes;
  Database db(dir.file("empty.db"), api, notes);
  EXPECT_TRUE(query(db.path(), "SELECT name FROM sqlite_master WHERE type='table'").empty());
}

TEST(Database, KeepsTwoDatabasesInOneThreadApart) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  Database first(dir.file("1.db"), *api, notes);
  Database second(dir.file("2.db"), *api, notes);
  Record out;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(first.store(*api->resources[0]).create({{"title", "one"}}, out).ok());
    ASSERT_TRUE(second.store(*api->resources[0]).create({{"title", "two"}}, out).ok());
  }
  EXPECT_EQ(query(first.path(), "SELECT count(*) FROM todos WHERE title='one'")[0][0], "3");
  EXPECT_EQ(query(second.path(), "SELECT count(*) FROM todos WHERE title='two'")[0][0], "3");
  EXPECT_EQ(query(first.path(), "SELECT count(*) FROM todos WHERE title='two'")[0][0], "0");
}

TEST(Database, DoesNotReuseAConnectionOfADestroyedDatabase) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  {
    Database gone(dir.file("gone.db"), *api, notes);
    Record out;
    ASSERT_TRUE(gone.store(*api->resources[0]).create({{"title", "x"}}, out).ok());
  }
  Database fresh(dir.file("fresh.db"), *api, notes);
  Record out;
  ASSERT_TRUE(fresh.store(*api->resources[0]).create({{"title", "y"}}, out).ok());
  EXPECT_EQ(query(fresh.path(), "SELECT title FROM todos")[0][0], "y");
  EXPECT_EQ(query(dir.file("gone.db"), "SELECT count(*) FROM todos")[0][0], "1");
}

// A reload opens the file again while the previous Database still serves: with the counters
// shared, the two never hand out one key twice, and the newer one starts past both.
TEST(Database, TwoDatabasesOnOneFileShareTheKeyCounters) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  auto counters = std::make_shared<KeyCounters>();
  Database old_generation(dir.file("a.db"), *api, notes, counters);
  Record out;
  ASSERT_TRUE(old_generation.store(*api->resources[0]).create({{"title", "old"}}, out).ok());
  Database new_generation(dir.file("a.db"), *api, notes, counters);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(old_generation.store(*api->resources[0]).create({{"title", "old"}}, out).ok());
    ASSERT_TRUE(new_generation.store(*api->resources[0]).create({{"title", "new"}}, out).ok());
  }
  EXPECT_EQ(query(dir.file("a.db"), "SELECT count(DISTINCT id) FROM todos")[0][0], "7");
  // Without shared counters the second would start where the first stood when it opened.
  Database apart(dir.file("a.db"), *api, notes);
  ASSERT_TRUE(apart.store(*api->resources[0]).create({{"title", "apart"}}, out).ok());
  EXPECT_EQ(query(dir.file("a.db"), "SELECT max(id) FROM todos")[0][0], "8");
}

// A thread's reads share one snapshot until its release runs; a write the writer committed
// meanwhile (answered, so a request may have been sent because of it) renews the snapshot at
// the next hold, and the reads after that see the write.
TEST(Database, AHeldSnapshotIsRenewedOnceTheWriterCommittedPastIt) {
  apiserver::test::TempDir dir;
  auto api = two_tables();
  std::vector<std::string> notes;
  Database db(dir.file("a.db"), *api, notes);
  const model::Resource& todos = *api->resources[0];
  std::function<void()> release = db.hold_read_snapshot();
  ASSERT_TRUE(release) << "the thread held no snapshot before";
  Record out;
  EXPECT_EQ(db.store(todos).read(1, out).status, StoreStatus::kNotFound);
  ASSERT_TRUE(db.write(todos, [](ResourceStore& rows) {
                  Record created;
                  return rows.create({{"title", "new"}}, created);
                }).ok());
  EXPECT_EQ(db.store(todos).read(1, out).status, StoreStatus::kNotFound)
      << "inside the snapshot, which began before the write";
  EXPECT_FALSE(db.hold_read_snapshot()) << "held already: renewed in place, released once";
  EXPECT_TRUE(db.store(todos).read(1, out).ok()) << "the renewed snapshot sees the write";
  release();
  EXPECT_TRUE(db.store(todos).read(1, out).ok());
}

}  // namespace
}  // namespace apiserver::store
