// Unit tests of ResourceStore on a real SQLite file: create/read/replace/update/remove/list,
// keys (integer and UUID), value round trips, error statuses, and the read-transaction trap.
#include "store/resource_store.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "support/server_process.hpp"
#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using model::ColumnType;
using nlohmann::json;
using testing::column;

// Columns: 0 id (key), 1 title (NOT NULL), 2 done (boolean, default false), 3 size (integer),
// 4 score (real), 5 meta (JSON), 6 priority (integer, nullable, default 3).
std::unique_ptr<model::Resource> todos() {
  return testing::resource(
      "todos", {column("id", ColumnType::kInteger), column("title", ColumnType::kText, true),
                column("done", ColumnType::kBoolean, false, json(false)),
                column("size", ColumnType::kInteger), column("score", ColumnType::kReal),
                column("meta", ColumnType::kJson),
                column("priority", ColumnType::kInteger, false, json(3))});
}

class ResourceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_ = testing::api_with(todos());
    db_ = std::make_unique<Database>(dir_.file("test.db"), *api_, notes_);
  }
  ResourceStore& store() { return db_->store(*api_->resources[0]); }
  json create(const json& item) {
    Record out;
    StoreResult r = store().create(item, out);
    EXPECT_TRUE(r.ok()) << r.detail;
    return store().to_item(out);
  }
  json read(const json& key, StoreStatus expected = StoreStatus::kOk) {
    Record out;
    StoreResult r = store().read(key, out);
    EXPECT_EQ(r.status, expected) << key.dump();
    return r.ok() ? store().to_item(out) : json();
  }

  apiserver::test::TempDir dir_;
  std::unique_ptr<model::Api> api_;
  std::vector<std::string> notes_;
  std::unique_ptr<Database> db_;
};

TEST_F(ResourceStoreTest, CreatesItemsWithIncreasingIntegerKeys) {
  json a = create({{"title", "a"}});
  json b = create({{"title", "b"}});
  EXPECT_EQ(a["id"], 1);
  EXPECT_EQ(b["id"], 2);
  EXPECT_EQ(a["title"], "a");
}

TEST_F(ResourceStoreTest, AppliesColumnDefaultsOnCreate) {
  json a = create({{"title", "a"}});
  EXPECT_EQ(a["done"], false);
  EXPECT_EQ(a["priority"], 3);
  EXPECT_FALSE(a.contains("size")) << "NULL columns are left out of the item";
}

TEST_F(ResourceStoreTest, KeepsAKeyTheClientGives) {
  json a = create({{"id", 42}, {"title", "a"}});
  EXPECT_EQ(a["id"], 42);
  EXPECT_EQ(read(42)["title"], "a");
  EXPECT_EQ(create({{"title", "next"}})["id"], 43);
}

TEST_F(ResourceStoreTest, ReportsADuplicateKeyAsAConflict) {
  create({{"id", 7}, {"title", "a"}});
  Record out;
  StoreResult r = store().create({{"id", 7}, {"title", "b"}}, out);
  EXPECT_EQ(r.status, StoreStatus::kConflict);
  EXPECT_NE(r.detail.find("already exists"), std::string::npos) << r.detail;
  EXPECT_EQ(read(7)["title"], "a");
}

TEST_F(ResourceStoreTest, ReportsAMissingRequiredValueAsInvalidNamingTheColumn) {
  Record out;
  StoreResult r = store().create({{"done", true}}, out);
  EXPECT_EQ(r.status, StoreStatus::kInvalid);
  EXPECT_EQ(r.detail, "title");
}

TEST_F(ResourceStoreTest, RoundTripsEveryColumnType) {
  json item = {{"title", "caf\xC3\xA9 \"quoted\" 'single'"},
               {"done", true},
               {"size", 5000000000LL},
               {"score", 2.75},
               {"meta", {{"tags", {"a", "b"}}, {"nested", {{"n", 1}}}, {"null", nullptr}}},
               {"priority", -9223372036854775807LL}};
  json created = create(item);
  json stored = read(created["id"]);
  item["id"] = created["id"];
  EXPECT_EQ(stored, item);
  EXPECT_EQ(stored["size"].get<long long>(), 5000000000LL) << "64-bit integers round-trip exactly";
  EXPECT_TRUE(stored["done"].is_boolean());
}

// On SQLite a create or replace answers the values it bound, not the row read back: they must
// be the row as stored, to the type of each number.
TEST_F(ResourceStoreTest, AnswersCreatesAndReplacesWithTheRowAsStored) {
  json created =
      create({{"title", "x"}, {"size", 7.0}, {"score", 3}, {"meta", {{"k", 1.5}}}, {"done", true}});
  EXPECT_EQ(created.dump(), read(created["id"]).dump());
  Record out;
  const std::string key = std::to_string(created["id"].get<long long>());
  ASSERT_TRUE(
      store()
          .replace(key, {{"title", "y"}, {"score", 1e300}, {"size", -1}, {"meta", "s"}}, out)
          .ok());
  EXPECT_EQ(store().to_item(out).dump(), read(created["id"]).dump());
}

TEST_F(ResourceStoreTest, RoundTripsJsonArraysScalarsAndNumericStrings) {
  for (const json& meta : {json::array({1, "two", nullptr, json::object()}), json("123"), json(12),
                           json(true), json::object()}) {
    json created = create({{"title", "t"}, {"meta", meta}});
    EXPECT_EQ(read(created["id"])["meta"], meta) << meta.dump();
  }
}

TEST_F(ResourceStoreTest, ReadsByIntegerOrDecimalStringKey) {
  create({{"title", "a"}});
  EXPECT_EQ(read(1)["title"], "a");
  EXPECT_EQ(read("1")["title"], "a") << "path parameters arrive as text";
  read(2, StoreStatus::kNotFound);
  read("abc", StoreStatus::kNotFound);
  read("", StoreStatus::kNotFound);
  read("99999999999999999999", StoreStatus::kNotFound);
  read(1.5, StoreStatus::kNotFound);
  read(json::object(), StoreStatus::kNotFound);
}

// BUG: set_key() accepts any mix of digits and '-' and hands it to std::stoll, which stops at
// the first bad character: the key "1-2" (or "1-", "1--5") reads, replaces and deletes item 1.
// Reachable when the key path parameter is undeclared (then it is "accepted as a string").
TEST_F(ResourceStoreTest, DoesNotReadAnItemByAKeyWithTrailingGarbage) {
  create({{"title", "a"}});
  read("1-2", StoreStatus::kNotFound);
  read("1-", StoreStatus::kNotFound);
  Record out;
  EXPECT_EQ(store().remove("1-9").status, StoreStatus::kNotFound);
  read(1);
}

TEST_F(ResourceStoreTest, ReplacesEveryColumnButTheKey) {
  json a = create({{"title", "a"}, {"size", 1}, {"score", 1.5}, {"done", true}});
  Record out;
  StoreResult r = store().replace(a["id"], {{"id", 999}, {"title", "b"}}, out);
  ASSERT_TRUE(r.ok()) << r.detail;
  json replaced = store().to_item(out);
  EXPECT_EQ(replaced["id"], a["id"]) << "the key never changes";
  EXPECT_EQ(replaced["title"], "b");
  EXPECT_FALSE(replaced.contains("size")) << "absent properties are cleared";
  EXPECT_FALSE(replaced.contains("score"));
  EXPECT_EQ(replaced["done"], false) << "absent properties with a default get it";
  EXPECT_EQ(read(a["id"]), replaced);
  read(999, StoreStatus::kNotFound);
}

TEST_F(ResourceStoreTest, ReportsReplacingAMissingItemAsNotFound) {
  Record out;
  EXPECT_EQ(store().replace(5, {{"title", "x"}}, out).status, StoreStatus::kNotFound);
  EXPECT_EQ(store().replace("zz", {{"title", "x"}}, out).status, StoreStatus::kNotFound);
}

TEST_F(ResourceStoreTest, ReportsReplacingWithoutARequiredValueAsInvalid) {
  json a = create({{"title", "a"}});
  Record out;
  StoreResult r = store().replace(a["id"], {{"size", 1}}, out);
  EXPECT_EQ(r.status, StoreStatus::kInvalid);
  EXPECT_EQ(read(a["id"])["title"], "a");
}

TEST_F(ResourceStoreTest, UpdatesAnItemThroughAMutator) {
  json a = create({{"title", "a"}, {"size", 1}});
  Record out;
  StoreResult r = store().update(
      a["id"],
      [](json& item) {
        EXPECT_EQ(item["title"], "a");
        item["title"] = "b";
        item.erase("size");
        return true;
      },
      out);
  ASSERT_TRUE(r.ok()) << r.detail;
  json updated = store().to_item(out);
  EXPECT_EQ(updated["title"], "b");
  EXPECT_FALSE(updated.contains("size"));
  EXPECT_EQ(read(a["id"]), updated);
}

TEST_F(ResourceStoreTest, LeavesTheRowUntouchedWhenTheMutatorAborts) {
  json a = create({{"title", "a"}});
  Record out;
  StoreResult r = store().update(
      a["id"],
      [](json& item) {
        item["title"] = "changed";
        return false;
      },
      out);
  EXPECT_EQ(r.status, StoreStatus::kAborted);
  EXPECT_EQ(read(a["id"])["title"], "a");
  EXPECT_EQ(create({{"title", "after"}})["title"], "after") << "no transaction is left open";
}

TEST_F(ResourceStoreTest, ReportsUpdatingAMissingItemAsNotFoundWithoutCallingTheMutator) {
  Record out;
  bool called = false;
  StoreResult r = store().update(
      77, [&](json&) { return called = true; }, out);
  EXPECT_EQ(r.status, StoreStatus::kNotFound);
  EXPECT_FALSE(called);
  EXPECT_EQ(create({{"title", "after"}})["title"], "after");
}

TEST_F(ResourceStoreTest, RollsBackAndRethrowsWhenTheMutatorThrows) {
  json a = create({{"title", "a"}});
  Record out;
  EXPECT_THROW(store().update(
                   a["id"], [](json&) -> bool { throw std::runtime_error("boom"); }, out),
               std::runtime_error);
  EXPECT_EQ(read(a["id"])["title"], "a");
  EXPECT_EQ(create({{"title", "after"}})["title"], "after") << "the transaction was rolled back";
}

TEST_F(ResourceStoreTest, ReportsAnUpdateThatRemovesARequiredValueAsInvalidAndRollsBack) {
  json a = create({{"title", "a"}});
  Record out;
  StoreResult r = store().update(
      a["id"],
      [](json& item) {
        item.erase("title");
        return true;
      },
      out);
  EXPECT_EQ(r.status, StoreStatus::kInvalid);
  EXPECT_EQ(read(a["id"])["title"], "a");
  EXPECT_EQ(create({{"title", "after"}})["title"], "after");
}

// BUG: update() turns the row into an item with to_item(), which leaves NULL columns out, and
// writes it back with defaults applied to absent properties. A nullable column with a default
// that holds NULL (the client set it to null) is silently reset to its default by any PATCH of
// another property.
TEST_F(ResourceStoreTest, KeepsANullValueWithADefaultThroughAnUpdateOfAnotherProperty) {
  json a = create({{"title", "a"}, {"priority", nullptr}});
  ASSERT_FALSE(a.contains("priority")) << "stored as NULL";
  Record out;
  ASSERT_TRUE(store()
                  .update(
                      a["id"],
                      [](json& item) {
                        item["title"] = "b";
                        return true;
                      },
                      out)
                  .ok());
  EXPECT_FALSE(read(a["id"]).contains("priority")) << "priority was reset to its default";
}

TEST_F(ResourceStoreTest, RemovesItems) {
  json a = create({{"title", "a"}});
  EXPECT_TRUE(store().remove(a["id"]).ok());
  read(a["id"], StoreStatus::kNotFound);
  EXPECT_EQ(store().remove(a["id"]).status, StoreStatus::kNotFound);
  EXPECT_EQ(store().remove("x").status, StoreStatus::kNotFound);
}

TEST_F(ResourceStoreTest, NeverReusesTheKeyOfARemovedItem) {
  create({{"title", "a"}});
  json b = create({{"title", "b"}});
  ASSERT_TRUE(store().remove(b["id"]).ok());
  EXPECT_EQ(create({{"title", "c"}})["id"], 3);
}

class ListTest : public ResourceStoreTest {
 protected:
  void SetUp() override {
    ResourceStoreTest::SetUp();
    // id: title, done, size
    create({{"title", "e"}, {"done", true}, {"size", 3}});   // 1
    create({{"title", "b"}, {"done", false}, {"size", 1}});  // 2
    create({{"title", "d"}, {"done", true}, {"size", 1}});   // 3
    create({{"title", "a"}, {"done", false}});               // 4 (size NULL)
    create({{"title", "c"}, {"done", true}, {"size", 2}});   // 5
  }
  std::vector<long long> ids(const ListQuery& query, long long* total = nullptr) {
    std::vector<Record> rows;
    long long count = -1;
    StoreResult r = store().list(query, rows, count);
    EXPECT_TRUE(r.ok()) << r.detail;
    if (total) *total = count;
    std::vector<long long> out;
    for (const Record& row : rows) out.push_back(store().to_item(row)["id"].get<long long>());
    return out;
  }
};

TEST_F(ListTest, ListsByKeyByDefault) {
  EXPECT_EQ(ids(ListQuery{}), (std::vector<long long>{1, 2, 3, 4, 5}));
}

TEST_F(ListTest, AppliesLimitAndOffset) {
  ListQuery q;
  q.limit = 2;
  EXPECT_EQ(ids(q), (std::vector<long long>{1, 2}));
  q.offset = 2;
  EXPECT_EQ(ids(q), (std::vector<long long>{3, 4}));
  q.offset = 4;
  EXPECT_EQ(ids(q), (std::vector<long long>{5}));
  q.offset = 10;
  EXPECT_TRUE(ids(q).empty());
}

TEST_F(ListTest, FiltersByEquality) {
  ListQuery q;
  q.filters = {{2, true}};
  EXPECT_EQ(ids(q), (std::vector<long long>{1, 3, 5}));
  q.filters = {{2, true}, {3, 1}};
  EXPECT_EQ(ids(q), (std::vector<long long>{3}));
  q.filters = {{1, "b"}};
  EXPECT_EQ(ids(q), (std::vector<long long>{2}));
  q.filters = {{3, nullptr}};
  EXPECT_EQ(ids(q), (std::vector<long long>{4})) << "a null filter matches NULL";
  q.filters = {{1, "zzz"}};
  EXPECT_TRUE(ids(q).empty());
}

TEST_F(ListTest, FiltersWithEveryOperator) {
  using Op = FilterOp;
  auto only = [&](std::vector<Filter> filters) {
    ListQuery q;
    q.filters = std::move(filters);
    return ids(q);
  };
  using Ids = std::vector<long long>;
  EXPECT_EQ(only({{3, 1, Op::kNe}}), (Ids{1, 4, 5})) << "NULL is not equal to 1";
  EXPECT_EQ(only({{3, 2, Op::kLt}}), (Ids{2, 3})) << "NULL is in no order";
  EXPECT_EQ(only({{3, 2, Op::kLe}}), (Ids{2, 3, 5}));
  EXPECT_EQ(only({{3, 2, Op::kGt}}), (Ids{1}));
  EXPECT_EQ(only({{3, 2, Op::kGe}}), (Ids{1, 5}));
  EXPECT_EQ(only({{1, "c", Op::kGe}}), (Ids{1, 3, 5})) << "text in its order";
  EXPECT_EQ(only({{1, json::array({"a", "e", "z"}), Op::kIn}}), (Ids{1, 4}));
  EXPECT_EQ(only({{3, json::array({3}), Op::kIn}}), (Ids{1}));
  EXPECT_EQ(only({{3, true, Op::kIsNull}}), (Ids{4}));
  EXPECT_EQ(only({{3, false, Op::kIsNull}}), (Ids{1, 2, 3, 5}));
  EXPECT_EQ(only({{3, 1, Op::kGe}, {2, true}}), (Ids{1, 3, 5})) << "every filter must hold";
}

TEST_F(ListTest, TextOperatorsTakeWildcardsLiterally) {
  create({{"title", "Milk 100%"}});  // 6
  create({{"title", "oat_milk"}});   // 7
  create({{"title", "MILKY"}});      // 8
  using Op = FilterOp;
  auto only = [&](Op op, const char* text) {
    ListQuery q;
    q.filters = {{1, text, op}};
    return ids(q);
  };
  using Ids = std::vector<long long>;
  EXPECT_EQ(only(Op::kContains, "ilk"), (Ids{6, 7}));
  EXPECT_EQ(only(Op::kIContains, "ilk"), (Ids{6, 7, 8}));
  EXPECT_EQ(only(Op::kStartsWith, "M"), (Ids{6, 8}));
  EXPECT_EQ(only(Op::kStartsWith, "m"), (Ids{}));
  EXPECT_EQ(only(Op::kIStartsWith, "m"), (Ids{6, 8}));
  EXPECT_EQ(only(Op::kIContains, "%"), (Ids{6})) << "% is no wildcard";
  EXPECT_EQ(only(Op::kIContains, "_"), (Ids{7})) << "_ is no wildcard";
  EXPECT_EQ(only(Op::kIStartsWith, "\\"), (Ids{})) << "the escape character itself";
  EXPECT_EQ(only(Op::kContains, "%"), (Ids{6}));
}

TEST_F(ListTest, SortsAscendingAndDescendingWithTheKeyAsTieBreaker) {
  ListQuery q;
  q.sort = {{1, false}};
  EXPECT_EQ(ids(q), (std::vector<long long>{4, 2, 5, 3, 1}));
  q.sort = {{1, true}};
  EXPECT_EQ(ids(q), (std::vector<long long>{1, 3, 5, 2, 4}));
  q.sort = {{3, false}};
  EXPECT_EQ(ids(q), (std::vector<long long>{4, 2, 3, 5, 1})) << "NULL first, ties by key";
  q.sort = {{2, true}, {3, true}};
  EXPECT_EQ(ids(q), (std::vector<long long>{1, 5, 3, 2, 4}));
}

TEST_F(ListTest, CountsTheTotalOfTheFilterIgnoringThePage) {
  ListQuery q;
  q.want_total = true;
  q.limit = 1;
  long long total = 0;
  EXPECT_EQ(ids(q, &total), (std::vector<long long>{1}));
  EXPECT_EQ(total, 5);
  q.filters = {{2, false}};
  q.offset = 1;
  EXPECT_EQ(ids(q, &total), (std::vector<long long>{4}));
  EXPECT_EQ(total, 2);
}

TEST_F(ListTest, ReusesStatementsWithNewValues) {
  ListQuery q;
  q.filters = {{1, "a"}};
  EXPECT_EQ(ids(q), (std::vector<long long>{4}));
  q.filters = {{1, "e"}};
  EXPECT_EQ(ids(q), (std::vector<long long>{1}));
}

TEST_F(ListTest, SurvivesManyQueryShapes) {
  // More shapes than the statement cache holds.
  for (int i = 0; i < 100; ++i) {
    ListQuery q;
    q.sort = {{static_cast<size_t>(1 + i % 3), i % 2 == 0}};
    if (i % 5 == 0) q.filters = {{2, true}};
    q.want_total = i % 7 == 0;
    q.offset = i % 3;
    ASSERT_FALSE(ids(q).empty()) << i;
  }
}

TEST_F(ResourceStoreTest, CreatesRightAfterAReadEvenWhenAnotherConnectionWroteInBetween) {
  // A SELECT left half-read would keep its read transaction (and snapshot) open; in WAL mode the
  // next write on that connection would then fail with "database is locked" after the timeout.
  std::vector<std::string> notes;
  Database other(db_->path(), *api_, notes);
  ResourceStore& mine = store();
  ResourceStore& theirs = other.store(*api_->resources[0]);
  Record out;
  ASSERT_TRUE(mine.create({{"title", "a"}}, out).ok());
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(mine.read(1, out).ok());
    std::vector<Record> rows;
    long long total = 0;
    ListQuery q;
    q.want_total = true;
    ASSERT_TRUE(mine.list(q, rows, total).ok());
    // Keys chosen here: two Database objects on one file are two servers, whose key
    // counters do not know each other (one server per file is the supported setup).
    ASSERT_TRUE(theirs.create({{"id", 1000 + round}, {"title", "theirs"}}, out).ok());
    auto start = std::chrono::steady_clock::now();
    StoreResult r = mine.create({{"title", "mine"}}, out);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(r.ok()) << r.detail;
    EXPECT_LT(elapsed, std::chrono::seconds(1));
    ASSERT_TRUE(theirs.read(1, out).ok());
    ASSERT_TRUE(mine.update(
                        1,
                        [](json& item) {
                          item["size"] = 1;
                          return true;
                        },
                        out)
                    .ok());
  }
}

TEST_F(ResourceStoreTest, NeverHandsOutADeletedKeyAgainEvenAfterARestart) {
  create({{"title", "a"}});
  create({{"title", "b"}});
  EXPECT_EQ(create({{"title", "c"}})["id"], 3);
  ASSERT_TRUE(store().remove(3).ok());
  EXPECT_EQ(create({{"title", "d"}})["id"], 4) << "the counter moves on";
  ASSERT_TRUE(store().remove(4).ok());
  db_.reset();
  db_ = std::make_unique<Database>(dir_.file("test.db"), *api_, notes_);
  EXPECT_EQ(create({{"title", "e"}})["id"], 5) << "the high-water mark survives the restart";
}

TEST_F(ResourceStoreTest, CountsOnFromAKeyAClientChose) {
  EXPECT_EQ(create({{"id", 40}, {"title", "chosen"}})["id"], 40);
  EXPECT_EQ(create({{"title", "assigned"}})["id"], 41);
}

TEST_F(ResourceStoreTest, GivesEachThreadItsOwnStore) {
  ResourceStore* main_store = &store();
  ResourceStore* thread_store = nullptr;
  std::thread worker([&] {
    thread_store = &db_->store(*api_->resources[0]);
    Record out;
    EXPECT_TRUE(thread_store->create({{"title", "from thread"}}, out).ok());
  });
  worker.join();
  EXPECT_NE(thread_store, main_store);
  EXPECT_EQ(&store(), main_store) << "the same thread gets the same store";
  EXPECT_EQ(read(1)["title"], "from thread");
}

TEST_F(ResourceStoreTest, WritesFromSeveralThreadsAllLand) {
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Record out;
        StoreResult r = db_->store(*api_->resources[0]).create({{"title", std::to_string(t)}}, out);
        EXPECT_TRUE(r.ok()) << r.detail;
      }
    });
  }
  for (auto& w : workers) w.join();
  ListQuery q;
  q.want_total = true;
  std::vector<Record> rows;
  long long total = 0;
  ASSERT_TRUE(store().list(q, rows, total).ok());
  EXPECT_EQ(total, 80);
}

// ---------------------------------------------------------------------------------------------
// UUID keys

class UuidStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_ = testing::api_with(testing::resource(
        "notes", {column("id", ColumnType::kText), column("text", ColumnType::kText)}, 0,
        model::KeyKind::kUuid));
    db_ = std::make_unique<Database>(dir_.file("uuid.db"), *api_, notes_);
  }
  ResourceStore& store() { return db_->store(*api_->resources[0]); }
  apiserver::test::TempDir dir_;
  std::unique_ptr<model::Api> api_;
  std::vector<std::string> notes_;
  std::unique_ptr<Database> db_;
};

TEST_F(UuidStoreTest, GeneratesUniqueVersion4Uuids) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    Record out;
    ASSERT_TRUE(store().create({{"text", "n"}}, out).ok());
    std::string key = store().to_item(out)["id"].get<std::string>();
    EXPECT_TRUE(std::regex_match(key, uuid)) << key;
    EXPECT_TRUE(seen.insert(key).second) << "duplicate " << key;
  }
}

TEST_F(UuidStoreTest, KeepsAClientKeyAndReadsByIt) {
  Record out;
  ASSERT_TRUE(store().create({{"id", "my-key"}, {"text", "n"}}, out).ok());
  EXPECT_EQ(store().to_item(out)["id"], "my-key");
  ASSERT_TRUE(store().read("my-key", out).ok());
  EXPECT_EQ(store().to_item(out)["text"], "n");
  EXPECT_EQ(store().read("other", out).status, StoreStatus::kNotFound);
  EXPECT_EQ(store().create({{"id", "my-key"}}, out).status, StoreStatus::kConflict);
  EXPECT_TRUE(store().remove("my-key").ok());
}

TEST_F(UuidStoreTest, TreatsANullKeyAsAbsent) {
  Record out;
  ASSERT_TRUE(store().create({{"id", nullptr}, {"text", "n"}}, out).ok());
  EXPECT_EQ(store().to_item(out)["id"].get<std::string>().size(), 36u);
}

}  // namespace
}  // namespace apiserver::store
