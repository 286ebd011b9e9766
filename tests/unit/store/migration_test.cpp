// Unit tests of start-up migrations, through Database on a real file: columns added, NOT NULL
// changes rebuilt with their rows, and refusals for changes that would lose or corrupt data.
#include "store/migration.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "support/server_process.hpp"
#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using model::ColumnType;
using nlohmann::json;
using testing::column;
using testing::query;

class MigrationTest : public ::testing::Test {
 protected:
  // Opens the file with `columns` (key first) as table "items", as a server start would.
  std::vector<std::string> open(std::vector<model::Column> columns, size_t key = 0,
                                model::KeyKind kind = model::KeyKind::kInteger) {
    db_.reset();
    api_ = testing::api_with(testing::resource("items", std::move(columns), key, kind));
    std::vector<std::string> notes;
    db_ = std::make_unique<Database>(path(), *api_, notes);
    return notes;
  }
  // Same, expecting refusal; returns the message.
  std::string refuse(std::vector<model::Column> columns, size_t key = 0) {
    db_.reset();
    api_ = testing::api_with(testing::resource("items", std::move(columns), key));
    std::vector<std::string> notes;
    try {
      Database db(path(), *api_, notes);
    } catch (const DatabaseError& e) {
      return e.what();
    }
    ADD_FAILURE() << "the migration was not refused";
    return "";
  }
  ResourceStore& store() { return db_->store(*api_->resources[0]); }
  json create(const json& item) {
    Record out;
    StoreResult r = store().create(item, out);
    EXPECT_TRUE(r.ok()) << r.detail;
    return store().to_item(out);
  }
  json read(long long key) {
    Record out;
    EXPECT_TRUE(store().read(key, out).ok()) << key;
    return store().to_item(out);
  }
  std::string path() const { return dir_.file("m.db"); }
  std::string count() { return query(path(), "SELECT count(*) FROM items")[0][0]; }

  static bool has(const std::vector<std::string>& notes, const std::string& needle) {
    return std::any_of(notes.begin(), notes.end(),
                       [&](const std::string& n) { return n.find(needle) != std::string::npos; });
  }

  apiserver::test::TempDir dir_;
  std::unique_ptr<model::Api> api_;
  std::unique_ptr<Database> db_;
};

std::vector<model::Column> base() {
  return {column("id", ColumnType::kInteger), column("title", ColumnType::kText, true)};
}

template <typename... More>
std::vector<model::Column> base_plus(More... more) {
  std::vector<model::Column> columns = base();
  (columns.push_back(more), ...);
  return columns;
}

TEST_F(MigrationTest, AddsAnOptionalPropertyAsAColumnAndKeepsTheRows) {
  open(base());
  create({{"title", "a"}});
  create({{"title", "b"}});
  std::vector<std::string> notes = open(base_plus(column("note", ColumnType::kText)));
  EXPECT_TRUE(has(notes, "added column 'note'")) << ::testing::PrintToString(notes);
  EXPECT_EQ(count(), "2");
  EXPECT_EQ(read(1)["title"], "a");
  EXPECT_FALSE(read(1).contains("note"));
  json c = create({{"title", "c"}, {"note", "n"}});
  EXPECT_EQ(read(c["id"].get<long long>())["note"], "n");
}

TEST_F(MigrationTest, AddsARequiredPropertyWithADefaultFillingExistingRows) {
  open(base());
  create({{"title", "a"}});
  std::vector<std::string> notes =
      open(base_plus(column("status", ColumnType::kText, true, json("open"))));
  EXPECT_TRUE(has(notes, "added column 'status'")) << ::testing::PrintToString(notes);
  EXPECT_EQ(read(1)["status"], "open");
}

TEST_F(MigrationTest, RefusesARequiredPropertyWithoutDefaultOnANonEmptyTable) {
  open(base());
  create({{"title", "a"}});
  std::string message = refuse(base_plus(column("owner", ColumnType::kText, true)));
  EXPECT_NE(message.find("'owner'"), std::string::npos) << message;
  EXPECT_NE(message.find("1 existing rows"), std::string::npos) << message;
  // The table is left as it was.
  EXPECT_EQ(query(path(), "PRAGMA table_info(items)").size(), 2u);
  open(base());
  EXPECT_EQ(read(1)["title"], "a");
}

TEST_F(MigrationTest, AddsARequiredPropertyWithoutDefaultToAnEmptyTable) {
  open(base());
  std::vector<std::string> notes = open(base_plus(column("owner", ColumnType::kText, true)));
  auto info = query(path(), "PRAGMA table_info(items)");
  ASSERT_EQ(info.size(), 3u);
  EXPECT_EQ(info[2][1], "owner");
  EXPECT_EQ(info[2][3], "1") << "NOT NULL";
}

TEST_F(MigrationTest, RefusesATypeChange) {
  open(base_plus(column("size", ColumnType::kInteger)));
  create({{"title", "a"}, {"size", 3}});
  std::string message = refuse(base_plus(column("size", ColumnType::kText)));
  EXPECT_NE(message.find("'size'"), std::string::npos) << message;
  EXPECT_NE(message.find("INTEGER"), std::string::npos) << message;
  EXPECT_NE(message.find("TEXT"), std::string::npos) << message;
}

TEST_F(MigrationTest, RefusesATypeChangeEvenOnAnEmptyTable) {
  open(base_plus(column("size", ColumnType::kInteger)));
  std::string message = refuse(base_plus(column("size", ColumnType::kJson)));
  EXPECT_NE(message.find("JSON_TEXT"), std::string::npos) << message;
}

TEST_F(MigrationTest, ReportsEveryProblemOfATableInOneError) {
  open(base_plus(column("a", ColumnType::kInteger), column("b", ColumnType::kReal)));
  create({{"title", "x"}});
  std::string message =
      refuse(base_plus(column("a", ColumnType::kText), column("b", ColumnType::kBoolean),
                       column("c", ColumnType::kText, true)));
  EXPECT_NE(message.find("'a'"), std::string::npos) << message;
  EXPECT_NE(message.find("'b'"), std::string::npos) << message;
  EXPECT_NE(message.find("'c'"), std::string::npos) << message;
}

TEST_F(MigrationTest, RebuildsTheTableWhenARequiredPropertyBecomesOptionalAndKeepsTheRows) {
  open(base_plus(column("size", ColumnType::kInteger)));
  create({{"title", "a"}, {"size", 5000000000LL}});
  create({{"title", "b"}});
  std::vector<model::Column> relaxed = base_plus(column("size", ColumnType::kInteger));
  relaxed[1].not_null = false;
  std::vector<std::string> notes = open(relaxed);
  EXPECT_TRUE(has(notes, "rebuilt table items")) << ::testing::PrintToString(notes);
  EXPECT_EQ(query(path(), "PRAGMA table_info(items)")[1][3], "0") << "title is no longer NOT NULL";
  EXPECT_EQ(count(), "2");
  EXPECT_EQ(read(1), json({{"id", 1}, {"title", "a"}, {"size", 5000000000LL}}));
  EXPECT_EQ(read(2)["title"], "b");
  json c = create({{"size", 1}});
  EXPECT_EQ(c["id"], 3) << "keys continue after the copied rows";
  EXPECT_TRUE(query(path(), "SELECT name FROM sqlite_master WHERE name LIKE '%rebuild%'").empty())
      << "no scratch table is left behind";
}

TEST_F(MigrationTest, RebuildsWhenAnOptionalPropertyBecomesRequiredAndNoRowLacksIt) {
  std::vector<model::Column> loose = base_plus(column("size", ColumnType::kInteger));
  open(loose);
  create({{"title", "a"}, {"size", 1}});
  std::vector<std::string> notes = open(base_plus(column("size", ColumnType::kInteger, true)));
  EXPECT_TRUE(has(notes, "rebuilt")) << ::testing::PrintToString(notes);
  EXPECT_EQ(query(path(), "PRAGMA table_info(items)")[2][3], "1");
  EXPECT_EQ(read(1)["size"], 1);
}

TEST_F(MigrationTest, RefusesMakingAPropertyRequiredWhileRowsLackIt) {
  open(base_plus(column("size", ColumnType::kInteger)));
  create({{"title", "a"}});
  create({{"title", "b"}, {"size", 2}});
  std::string message = refuse(base_plus(column("size", ColumnType::kInteger, true)));
  EXPECT_NE(message.find("'size' became required but 1 rows"), std::string::npos) << message;
}

// BUG: the rebuild copies the rows into a fresh AUTOINCREMENT table, so sqlite_sequence restarts
// at the largest *remaining* key. Keys of items deleted before the migration are handed out
// again, which AUTOINCREMENT exists to prevent (stale links then point at new items).
// Expected: after creating 1..3, deleting 3 and a rebuild, the next key is 4; actual: 3.
TEST_F(MigrationTest, DoesNotReuseKeysOfDeletedItemsAfterARebuild) {
  open(base());
  create({{"title", "a"}});
  create({{"title", "b"}});
  json c = create({{"title", "c"}});
  ASSERT_TRUE(store().remove(c["id"]).ok());
  std::vector<model::Column> relaxed = base();
  relaxed[1].not_null = false;
  std::vector<std::string> notes = open(relaxed);
  ASSERT_TRUE(has(notes, "rebuilt"));
  EXPECT_EQ(create({{"title", "d"}})["id"], 4);
}

TEST_F(MigrationTest, KeepsAColumnThatLeftTheSchemaWithItsData) {
  open(base_plus(column("legacy", ColumnType::kText)));
  create({{"title", "a"}, {"legacy", "old"}});
  std::vector<std::string> notes = open(base());
  EXPECT_TRUE(has(notes, "column 'legacy' is no longer in the schema"))
      << ::testing::PrintToString(notes);
  EXPECT_EQ(query(path(), "SELECT legacy FROM items")[0][0], "old");
  EXPECT_FALSE(read(1).contains("legacy"));
  create({{"title", "b"}});
}

TEST_F(MigrationTest, KeepsADroppedColumnThroughARebuild) {
  open(base_plus(column("legacy", ColumnType::kText)));
  create({{"title", "a"}, {"legacy", "old"}});
  std::vector<model::Column> relaxed = base();
  relaxed[1].not_null = false;
  open(relaxed);
  EXPECT_EQ(query(path(), "SELECT legacy FROM items")[0][0], "old");
}

TEST_F(MigrationTest, RefusesDroppingARequiredColumnThatInsertsWouldStillNeed) {
  open(base_plus(column("must", ColumnType::kText, true)));
  std::string message = refuse(base());
  EXPECT_NE(message.find("'must' is NOT NULL"), std::string::npos) << message;
}

TEST_F(MigrationTest, RefusesAChangedKey) {
  open(base_plus(column("code", ColumnType::kText)));
  std::vector<model::Column> rekeyed = base_plus(column("code", ColumnType::kText));
  std::string message = refuse(rekeyed, 2);
  EXPECT_NE(message.find("key"), std::string::npos) << message;
  std::vector<model::Column> renamed = {column("uid", ColumnType::kInteger),
                                        column("title", ColumnType::kText, true)};
  std::string gone = refuse(renamed);
  EXPECT_NE(gone.find("no key column 'uid'"), std::string::npos) << gone;
}

TEST_F(MigrationTest, MatchesColumnNamesCaseInsensitively) {
  open(base_plus(column("Note", ColumnType::kText)));
  create({{"title", "a"}, {"Note", "x"}});
  std::vector<std::string> notes = open(base_plus(column("note", ColumnType::kText)));
  EXPECT_FALSE(has(notes, "added")) << ::testing::PrintToString(notes);
  EXPECT_EQ(read(1)["note"], "x");
}

TEST_F(MigrationTest, AcceptsAnUnchangedSchemaWithoutNotes) {
  open(base_plus(column("x", ColumnType::kJson)));
  create({{"title", "a"}, {"x", {1, 2}}});
  std::vector<std::string> notes = open(base_plus(column("x", ColumnType::kJson)));
  EXPECT_TRUE(notes.empty()) << ::testing::PrintToString(notes);
  EXPECT_EQ(read(1)["x"], json({1, 2}));
}

TEST_F(MigrationTest, QuotesDefaultsThatHoldQuotes) {
  open(base());
  create({{"title", "a"}});
  open(base_plus(column("label", ColumnType::kText, true, json("it's \"x\"")),
                 column("conf", ColumnType::kJson, false, json({{"a", "b'c"}}))));
  EXPECT_EQ(read(1)["label"], "it's \"x\"");
}

}  // namespace
}  // namespace apiserver::store
