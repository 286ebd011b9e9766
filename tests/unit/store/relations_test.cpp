// Unit tests of nested collections' ties in the store (Relations through ResourceStore): the
// chain of keys a path names, and what deleting a parent does to its children at every depth.
#include "store/relations.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "support/server_process.hpp"
#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using model::ColumnType;
using model::OnParentDelete;
using model::Resource;
using testing::column;
using testing::query;

// users <- albums (userId) <- photos (hidden apiserver_parent), and notes on users (userId),
// each level with the delete rule a test gives it.
struct Family {
  std::unique_ptr<model::Api> api = std::make_unique<model::Api>();
  Resource* users = nullptr;
  Resource* albums = nullptr;
  Resource* photos = nullptr;
  Resource* notes = nullptr;

  Family(OnParentDelete albums_rule, OnParentDelete photos_rule, OnParentDelete notes_rule) {
    users = add(testing::resource(
        "users", {column("id", ColumnType::kInteger), column("name", ColumnType::kText)}));
    albums = add(testing::resource(
        "albums", {column("id", ColumnType::kInteger), column("userId", ColumnType::kInteger),
                   column("title", ColumnType::kText)}));
    auto photo = testing::resource(
        "photos", {column("id", ColumnType::kInteger), column("url", ColumnType::kText),
                   column("apiserver_parent", ColumnType::kInteger)});
    photo->columns[2].in_schema = false;
    photos = add(std::move(photo));
    notes = add(testing::resource(
        "notes", {column("id", ColumnType::kInteger), column("userId", ColumnType::kInteger)}));
    tie(*albums, *users, 1, albums_rule);
    tie(*photos, *albums, 2, photos_rule);
    tie(*notes, *users, 1, notes_rule);
  }
  Resource* add(std::unique_ptr<Resource> r) {
    api->resources.push_back(std::move(r));
    return api->resources.back().get();
  }
  static void tie(Resource& child, Resource& parent, size_t column, OnParentDelete rule) {
    child.parent = model::ParentLink{&parent, column, rule};
    parent.children.push_back(&child);
  }
};

StoreResult create(Database& db, const Resource& r, const nlohmann::json& item) {
  return db.write(r, [&](ResourceStore& rows) {
    Record out;
    return rows.create(item, out);
  });
}

StoreResult remove(Database& db, const Resource& r, const nlohmann::json& key) {
  return db.write(r, [&](ResourceStore& rows) { return rows.remove(key); });
}

size_t count(const Database& db, const std::string& table) {
  return std::stoul(query(db.path(), "SELECT count(*) FROM " + table)[0][0]);
}

// User 1 with album 1 (photos 1, 2) and note 1; user 2 with album 2 (photo 3).
void fill(Database& db, const Family& f) {
  ASSERT_TRUE(create(db, *f.users, {{"name", "ada"}}).ok());
  ASSERT_TRUE(create(db, *f.users, {{"name", "bob"}}).ok());
  ASSERT_TRUE(create(db, *f.albums, {{"userId", 1}, {"title", "a"}}).ok());
  ASSERT_TRUE(create(db, *f.albums, {{"userId", 2}, {"title", "b"}}).ok());
  ASSERT_TRUE(create(db, *f.photos, {{"url", "p1"}, {"apiserver_parent", 1}}).ok());
  ASSERT_TRUE(create(db, *f.photos, {{"url", "p2"}, {"apiserver_parent", 1}}).ok());
  ASSERT_TRUE(create(db, *f.photos, {{"url", "p3"}, {"apiserver_parent", 2}}).ok());
  ASSERT_TRUE(create(db, *f.notes, {{"userId", 1}}).ok());
}

TEST(Relations, ChecksEveryLevelOfThePathsKeys) {
  apiserver::test::TempDir dir;
  Family f(OnParentDelete::kCascade, OnParentDelete::kCascade, OnParentDelete::kCascade);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *f.api, notes);
  fill(db, f);
  ResourceStore& photos = db.store(*f.photos);
  const nlohmann::json photo = 2;
  // /users/1/albums/1/photos/2: lineage innermost first.
  EXPECT_EQ(photos.check_lineage(&photo, {1, 1}).status, StoreStatus::kOk);
  EXPECT_EQ(photos.check_lineage(nullptr, {1, 1}).status, StoreStatus::kOk);
  EXPECT_EQ(photos.check_lineage(nullptr, {"1", "1"}).status, StoreStatus::kOk)
      << "keys as text, as a path without an integer schema gives them";
  EXPECT_EQ(photos.check_lineage(&photo, {2, 2}).status, StoreStatus::kNotFound)
      << "photo 2 is album 1's";
  EXPECT_EQ(photos.check_lineage(nullptr, {1, 2}).status, StoreStatus::kNotFound)
      << "album 1 is user 1's, not user 2's";
  EXPECT_EQ(photos.check_lineage(nullptr, {9, 1}).status, StoreStatus::kNotFound);
  EXPECT_EQ(photos.check_lineage(nullptr, {"x", 1}).status, StoreStatus::kNotFound);
  EXPECT_EQ(photos.check_lineage(nullptr, {1}).status, StoreStatus::kNotFound)
      << "a lineage shorter than the nesting names no row";
  EXPECT_EQ(db.store(*f.users).check_lineage(nullptr, {}).status, StoreStatus::kOk)
      << "a top-level resource has nothing to check";
}

TEST(Relations, CascadesAtEveryDepthAndNeverHandsOutACascadedKeyAgain) {
  apiserver::test::TempDir dir;
  Family f(OnParentDelete::kCascade, OnParentDelete::kCascade, OnParentDelete::kCascade);
  {
    std::vector<std::string> notes;
    Database db(dir.file("r.db"), *f.api, notes);
    fill(db, f);
    ASSERT_EQ(remove(db, *f.users, 1).status, StoreStatus::kOk);
    EXPECT_EQ(count(db, "users"), 1u);
    EXPECT_EQ(count(db, "albums"), 1u) << "user 2's album stays";
    EXPECT_EQ(count(db, "photos"), 1u) << "album 1's photos went with it";
    EXPECT_EQ(count(db, "notes"), 0u);
    // Photo 3 (album 2) is the largest key still there; 1 and 2 are gone with their album.
    ASSERT_EQ(remove(db, *f.photos, 3).status, StoreStatus::kOk);
  }
  // After a restart the counters start past every key ever handed out.
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *f.api, notes);
  Record out;
  ASSERT_TRUE(db.write(*f.albums, [&](ResourceStore& rows) {
                  return rows.create({{"userId", 2}, {"title", "c"}}, out);
                }).ok());
  EXPECT_EQ(out[0].integer, 3) << "album 1 was cascaded: its key is not handed out again";
}

TEST(Relations, ARestrictAnywhereBelowRefusesTheWholeDelete) {
  apiserver::test::TempDir dir;
  // Albums cascade with their user, but photos restrict their album's delete.
  Family f(OnParentDelete::kCascade, OnParentDelete::kRestrict, OnParentDelete::kCascade);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *f.api, notes);
  fill(db, f);
  StoreResult refused = remove(db, *f.users, 1);
  EXPECT_EQ(refused.status, StoreStatus::kConflict);
  EXPECT_NE(refused.detail.find("photos"), std::string::npos) << refused.detail;
  EXPECT_EQ(count(db, "users"), 2u) << "nothing of the refused delete stays done";
  EXPECT_EQ(count(db, "albums"), 2u);
  EXPECT_EQ(count(db, "photos"), 3u);
  EXPECT_EQ(count(db, "notes"), 1u);
  // Without photos, album 1 goes with its user.
  ASSERT_EQ(remove(db, *f.photos, 1).status, StoreStatus::kOk);
  ASSERT_EQ(remove(db, *f.photos, 2).status, StoreStatus::kOk);
  EXPECT_EQ(remove(db, *f.users, 1).status, StoreStatus::kOk);
  EXPECT_EQ(count(db, "albums"), 1u);
}

TEST(Relations, RestrictRefusesOnlyWhileAChildRemains) {
  apiserver::test::TempDir dir;
  Family f(OnParentDelete::kRestrict, OnParentDelete::kCascade, OnParentDelete::kRestrict);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *f.api, notes);
  fill(db, f);
  EXPECT_EQ(remove(db, *f.users, 2).status, StoreStatus::kConflict) << "user 2 has album 2";
  ASSERT_EQ(remove(db, *f.albums, 2).status, StoreStatus::kOk) << "its photo cascades";
  EXPECT_EQ(count(db, "photos"), 2u);
  EXPECT_EQ(remove(db, *f.users, 2).status, StoreStatus::kOk);
  EXPECT_EQ(remove(db, *f.users, 9).status, StoreStatus::kNotFound);
}

}  // namespace
}  // namespace apiserver::store
