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
using model::OnDelete;
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

  Family(OnDelete albums_rule, OnDelete photos_rule, OnDelete notes_rule) {
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
  static void tie(Resource& child, Resource& parent, size_t column, OnDelete rule) {
    child.parent = model::ParentLink{&parent, column, rule};
    parent.children.push_back(&child);
    parent.dependents.push_back({&child, column, rule});
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
  Family f(OnDelete::kCascade, OnDelete::kCascade, OnDelete::kCascade);
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
  Family f(OnDelete::kCascade, OnDelete::kCascade, OnDelete::kCascade);
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
  Family f(OnDelete::kCascade, OnDelete::kRestrict, OnDelete::kCascade);
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
  Family f(OnDelete::kRestrict, OnDelete::kCascade, OnDelete::kRestrict);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *f.api, notes);
  fill(db, f);
  EXPECT_EQ(remove(db, *f.users, 2).status, StoreStatus::kConflict) << "user 2 has album 2";
  ASSERT_EQ(remove(db, *f.albums, 2).status, StoreStatus::kOk) << "its photo cascades";
  EXPECT_EQ(count(db, "photos"), 2u);
  EXPECT_EQ(remove(db, *f.users, 2).status, StoreStatus::kOk);
  EXPECT_EQ(remove(db, *f.users, 9).status, StoreStatus::kNotFound);
}

// users, and posts whose authorId references users (`rule`) and whose editorId does too
// (restrict), and whose parentId references posts themselves (cascade).
struct Authors {
  std::unique_ptr<model::Api> api = std::make_unique<model::Api>();
  Resource* users = nullptr;
  Resource* posts = nullptr;

  explicit Authors(OnDelete rule) {
    api->resources.push_back(testing::resource("users", {column("id", ColumnType::kInteger)}));
    users = api->resources.back().get();
    api->resources.push_back(testing::resource(
        "posts",
        {column("id", ColumnType::kInteger), column("authorId", ColumnType::kInteger),
         column("editorId", ColumnType::kInteger), column("parentId", ColumnType::kInteger)}));
    posts = api->resources.back().get();
    refer(*posts, 1, *users, rule);
    refer(*posts, 2, *users, OnDelete::kRestrict);
    refer(*posts, 3, *posts, OnDelete::kCascade);
  }
  static void refer(Resource& holder, size_t column, Resource& target, OnDelete rule) {
    holder.references.push_back({column, &target});
    target.dependents.push_back({&holder, column, rule});
  }
};

TEST(Relations, AWriteWhoseReferenceNamesNoRowIsRefusedAtItsProperty) {
  apiserver::test::TempDir dir;
  Authors a(OnDelete::kRestrict);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *a.api, notes);
  ASSERT_TRUE(create(db, *a.users, nlohmann::json::object()).ok());
  EXPECT_TRUE(create(db, *a.posts, {{"authorId", 1}}).ok());
  EXPECT_TRUE(create(db, *a.posts, {{"authorId", nullptr}}).ok()) << "null references nothing";
  StoreResult dangling = create(db, *a.posts, {{"authorId", 1}, {"editorId", 7}});
  EXPECT_EQ(dangling.status, StoreStatus::kUnknownReference);
  EXPECT_EQ(dangling.detail, "editorId");
  StoreResult replaced = db.write(*a.posts, [&](ResourceStore& rows) {
    Record out;
    return rows.replace(1, {{"authorId", 2}}, out);
  });
  EXPECT_EQ(replaced.status, StoreStatus::kUnknownReference);
  StoreResult updated = db.write(*a.posts, [&](ResourceStore& rows) {
    Record out;
    return rows.update(
        1, [](nlohmann::json& item) { return (item["parentId"] = 9), true; }, out);
  });
  EXPECT_EQ(updated.status, StoreStatus::kUnknownReference);
  EXPECT_EQ(updated.detail, "parentId");
  EXPECT_EQ(count(db, "posts"), 2u);
  EXPECT_EQ(query(db.path(), "SELECT authorId, parentId FROM posts WHERE id = 1")[0],
            (std::vector<std::string>{"1", "NULL"}))
      << "refused writes change nothing";
}

TEST(Relations, DeletingAReferencedRowRestrictsOrCascadesByTheReferencesRule) {
  apiserver::test::TempDir dir;
  Authors restricted(OnDelete::kRestrict);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *restricted.api, notes);
  ASSERT_TRUE(create(db, *restricted.users, nlohmann::json::object()).ok());
  ASSERT_TRUE(create(db, *restricted.posts, {{"authorId", 1}}).ok());
  StoreResult refused = remove(db, *restricted.users, 1);
  EXPECT_EQ(refused.status, StoreStatus::kConflict);
  EXPECT_NE(refused.detail.find("referenced by posts items (their authorId)"), std::string::npos)
      << refused.detail;

  apiserver::test::TempDir other;
  Authors cascading(OnDelete::kCascade);
  Database cdb(other.file("c.db"), *cascading.api, notes);
  ASSERT_TRUE(create(cdb, *cascading.users, nlohmann::json::object()).ok());
  ASSERT_TRUE(create(cdb, *cascading.users, nlohmann::json::object()).ok());
  ASSERT_TRUE(create(cdb, *cascading.posts, {{"authorId", 1}}).ok());
  ASSERT_TRUE(create(cdb, *cascading.posts, {{"authorId", 2}, {"parentId", 1}}).ok());
  ASSERT_TRUE(create(cdb, *cascading.posts, {{"authorId", 2}}).ok());
  EXPECT_EQ(remove(cdb, *cascading.users, 1).status, StoreStatus::kOk);
  // Post 1 went with its author, and post 2 (a reply to it) with post 1.
  EXPECT_EQ(query(cdb.path(), "SELECT id FROM posts")[0], std::vector<std::string>{"3"});
}

TEST(Relations, ACycleOfCascadingReferencesIsRefusedNotFollowedForever) {
  apiserver::test::TempDir dir;
  Authors a(OnDelete::kRestrict);
  std::vector<std::string> notes;
  Database db(dir.file("r.db"), *a.api, notes);
  ASSERT_TRUE(create(db, *a.posts, nlohmann::json::object()).ok());
  ASSERT_TRUE(create(db, *a.posts, {{"parentId", 1}}).ok());
  ASSERT_TRUE(db.write(*a.posts, [&](ResourceStore& rows) {
                  Record out;
                  return rows.update(
                      1, [](nlohmann::json& item) { return (item["parentId"] = 2), true; }, out);
                }).ok());
  StoreResult refused = remove(db, *a.posts, 1);
  EXPECT_EQ(refused.status, StoreStatus::kConflict);
  EXPECT_EQ(count(db, "posts"), 2u);
}

TEST(Relations, SeedsTheTablesReferencedFirstWhateverTheirOrder) {
  apiserver::test::TempDir dir;
  // posts (authorId -> users) come first in the model, as they may in a document.
  auto api = std::make_unique<model::Api>();
  api->resources.push_back(testing::resource(
      "posts", {column("id", ColumnType::kInteger), column("authorId", ColumnType::kInteger)}));
  api->resources.push_back(testing::resource("users", {column("id", ColumnType::kInteger)}));
  Resource& posts = *api->resources[0];
  Resource& users = *api->resources[1];
  Authors::refer(posts, 1, users, OnDelete::kRestrict);
  users.seed_rows = {{{"id", 7}}};
  posts.seed_rows = {{{"authorId", 7}}};
  std::vector<std::string> notes;
  {
    Database db(dir.file("seeded.db"), *api, notes);
    EXPECT_EQ(count(db, "posts"), 1u);
  }
  posts.seed_rows = {{{"authorId", 8}}};
  try {
    Database db(dir.file("refused.db"), *api, notes);
    ADD_FAILURE() << "a seed row naming no user is refused";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("authorId names no row of the table it references"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace apiserver::store
