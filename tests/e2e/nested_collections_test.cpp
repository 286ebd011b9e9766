// Nested collections, end to end (specs/storage.md, "Nested collections"): a collection under
// a stored item path (/posts/{postId}/comments) is stored on its own table, scoped to the parent
// the path names: the parent key is stamped from the path (shown where a property is named like
// the parameter, else hidden), another in the body is a 422, a missing or wrong parent a 404
// that changes nothing, and deleting a parent with children is a 409 unless they cascade, level
// by level. Fixtures: specs/nested_posts.yaml (two levels, restrict, a hidden parent key),
// specs/nested_albums.yaml (three levels, cascade, and a cascade a grandchild restricts), and
// examples/blog.yaml, walked whole.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/scenario.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kJson[] = "application/json";
constexpr char kProblem[] = "application/problem+json";
constexpr char kMergePatch[] = "application/merge-patch+json";

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

// The number of rows in `table` of the database file `db` (read beside the running server),
// or -1 when it cannot be read. With APISERVER_TEST_DATABASE=postgresql, of the database the
// server was given for `db` instead.
int64_t count_rows(const std::string& db, const std::string& table) {
  if (testing_on_postgres()) {
    try {
      return std::stoll(
          ScratchPostgres::query(database_for(db), "SELECT COUNT(*) FROM \"" + table + "\""));
    } catch (const std::exception&) {
      return -1;
    }
  }
  int64_t count = -1;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "SELECT COUNT(*) FROM \"" + table + "\"";
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW)
      count = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  return count;
}

// `scenario` answered with a problem+json document of `status`.
Scenario refused(Scenario scenario, int status) {
  return scenario.expect_status(status)
      .expect_header("content-type", kProblem)
      .expect_json_contains({{"status", status}});
}

// `scenario` answered with a 404 problem: no such item, or no such parent.
Scenario missing(Scenario scenario) {
  return refused(std::move(scenario), 404);
}

// `scenario` answered 200 with exactly `item` (or list) as JSON.
Scenario answers(Scenario scenario, const json& expected) {
  return scenario.expect_status(200).expect_header("content-type", kJson).expect_json(expected);
}

Scenario merge_patch(const std::string& name, const std::string& target, const std::string& body) {
  return Scenario(name).patch(target, body).header("Content-Type", kMergePatch);
}

// True when the problem's field errors include one at the body pointer `pointer`.
bool names_pointer(const HttpResponse& r, const std::string& pointer) {
  const json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array()) return false;
  for (const json& error : body["errors"])
    if (error.is_object() && error.value("pointer", "") == pointer) return true;
  return false;
}

json comment(int id, int post, const std::string& author, const std::string& body) {
  return {{"id", id}, {"postId", post}, {"author", author}, {"body", body}};
}

// A server on `document` with a fresh database file, and a client of it.
class NestedTest : public ::testing::Test {
 protected:
  explicit NestedTest(const std::string& document) : server_({document, "--db", db_}) {}

  // POSTs `body` to `target`, which must answer 201.
  void create(const std::string& target, const json& body) {
    HttpResponse r = client_.post_json(target, body);
    EXPECT_EQ(r.status, 201) << target << ": " << r.body;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("nested.db");
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

class NestedPostsTest : public NestedTest {
 protected:
  NestedPostsTest() : NestedTest(spec("nested_posts.yaml")) {}
  void create_post(const std::string& title) { create("/posts", {{"title", title}}); }
};

TEST_F(NestedPostsTest, ChildCrudWorksThroughItsParent) {
  create_post("first");
  run_scenarios(
      client_,
      {
          Scenario("A comment created under a post answers 201, its Location under the post.")
              .post("/posts/1/comments", R"({"author":"ann","body":"hello"})")
              .expect_status(201)
              .expect_header("location", "/posts/1/comments/1")
              .expect_header("content-type", kJson)
              .expect_json(comment(1, 1, "ann", "hello")),
          answers(Scenario("The post's list holds the comment.").get("/posts/1/comments"),
                  json::array({comment(1, 1, "ann", "hello")})),
          answers(Scenario("The comment reads back through its post.").get("/posts/1/comments/1"),
                  comment(1, 1, "ann", "hello")),
          answers(Scenario("PUT without postId replaces the comment and keeps it under its post.")
                      .put("/posts/1/comments/1", R"({"author":"ann","body":"replaced"})"),
                  comment(1, 1, "ann", "replaced")),
          answers(merge_patch("PATCH merges the patch; the comment stays under its post.",
                              "/posts/1/comments/1", R"({"body":"patched"})"),
                  comment(1, 1, "ann", "patched")),
          Scenario("DELETE of the comment through its post answers 204.")
              .del("/posts/1/comments/1")
              .expect_status(204)
              .expect_body(""),
          missing(Scenario("The deleted comment reads as 404.").get("/posts/1/comments/1")),
          answers(Scenario("The post's list is empty again.").get("/posts/1/comments"),
                  json::array()),
          answers(Scenario("The post itself is untouched.").get("/posts/1"),
                  {{"id", 1}, {"title", "first"}}),
      });
}

TEST_F(NestedPostsTest, CreateStampsTheParentKeyFromThePathAndRefusesAnother) {
  create_post("first");
  create_post("second");
  auto at_post_id = [](const HttpResponse& r) { return names_pointer(r, "/postId"); };
  run_scenarios(
      client_,
      {
          Scenario("A body without postId gets the path's post.")
              .post("/posts/2/comments", R"({"author":"ann","body":"no key"})")
              .expect_status(201)
              .expect_header("location", "/posts/2/comments/1")
              .expect_json(comment(1, 2, "ann", "no key")),
          Scenario("A body whose postId equals the path's is accepted.")
              .post("/posts/2/comments", R"({"postId":2,"author":"ben","body":"same key"})")
              .expect_status(201)
              .expect_header("location", "/posts/2/comments/2")
              .expect_json(comment(2, 2, "ben", "same key")),
          Scenario("Location is the request's collection path and the new key.")
              .post("/posts/1/comments", R"({"author":"cid","body":"other post"})")
              .expect_status(201)
              .expect_header("location", "/posts/1/comments/3")
              .expect_json(comment(3, 1, "cid", "other post")),
          refused(Scenario("A body naming post 2 posted under post 1 is a 422 at /postId.")
                      .post("/posts/1/comments", R"({"postId":2,"author":"eve","body":"moved"})"),
                  422)
              .expect("an error names the pointer /postId", at_post_id),
          refused(merge_patch("A patch moving a comment to another post is a 422 at /postId.",
                              "/posts/1/comments/3", R"({"postId":2})"),
                  422)
              .expect("an error names the pointer /postId", at_post_id),
          answers(Scenario("Post 1 still holds only its own comment.").get("/posts/1/comments"),
                  json::array({comment(3, 1, "cid", "other post")})),
      });
  EXPECT_EQ(count_rows(db_, "comments"), 3) << "the refused comment was not stored";
}

TEST_F(NestedPostsTest, ListShowsOnlyThatParentsChildren) {
  create_post("first");
  create_post("second");
  create("/posts/1/comments", {{"author", "ann"}, {"body", "a"}});
  create("/posts/2/comments", {{"author", "ben"}, {"body", "b"}});
  create("/posts/1/comments", {{"author", "cid"}, {"body", "c"}});
  run_scenarios(
      client_,
      {
          answers(Scenario("Post 1 lists its two comments.").get("/posts/1/comments"),
                  json::array({comment(1, 1, "ann", "a"), comment(3, 1, "cid", "c")})),
          answers(Scenario("Post 2 lists its one comment.").get("/posts/2/comments"),
                  json::array({comment(2, 2, "ben", "b")})),
          answers(Scenario("A filter applies within the post.").get("/posts/1/comments?author=cid"),
                  json::array({comment(3, 1, "cid", "c")})),
      });
}

TEST_F(NestedPostsTest, AMissingParentIsA404ForListAndCreate) {
  create_post("first");
  run_each_scenario(
      client_, {
                   missing(Scenario("No post 999: its list is a 404.").get("/posts/999/comments")),
                   missing(Scenario("Commenting on a post that does not exist is a 404.")
                               .post("/posts/999/comments", R"({"author":"ann","body":"lost"})")),
                   missing(Scenario("And a like.").post("/posts/999/likes", R"({"reader":"ann"})")),
                   missing(Scenario("And a read under it.").get("/posts/999/comments/1")),
               });
  EXPECT_EQ(count_rows(db_, "comments"), 0) << "no comment was stored for the missing post";
  EXPECT_EQ(count_rows(db_, "likes"), 0) << "no like was stored for the missing post";
}

TEST_F(NestedPostsTest, AChildAskedThroughAnotherParentIsA404AndChangesNothing) {
  create_post("first");
  create_post("second");
  create("/posts/1/comments", {{"author", "ann"}, {"body", "kept"}});
  create("/posts/1/likes", {{"reader", "ann"}});
  run_each_scenario(
      client_,
      {
          missing(Scenario("Comment 1 read as post 2's: 404.").get("/posts/2/comments/1")),
          missing(Scenario("Replacing it through post 2 is a 404.")
                      .put("/posts/2/comments/1", R"({"author":"eve","body":"taken"})")),
          missing(merge_patch("Patching it through post 2 is a 404.", "/posts/2/comments/1",
                              R"({"body":"taken"})")),
          missing(Scenario("Deleting it through post 2 is a 404.").del("/posts/2/comments/1")),
          missing(Scenario("So is a like through post 2.").get("/posts/2/likes/1")),
          missing(Scenario("And cannot be deleted through it.").del("/posts/2/likes/1")),
          answers(Scenario("Post 2 lists none of them.").get("/posts/2/comments"), json::array()),
      });
  run_scenarios(
      client_,
      {
          answers(
              Scenario("The comment is unchanged under its own post.").get("/posts/1/comments/1"),
              comment(1, 1, "ann", "kept")),
          answers(Scenario("The like is unchanged under its own post.").get("/posts/1/likes/1"),
                  {{"id", 1}, {"reader", "ann"}}),
      });
  EXPECT_EQ(count_rows(db_, "comments"), 1);
  EXPECT_EQ(count_rows(db_, "likes"), 1);
}

TEST_F(NestedPostsTest, DeletingAParentWithChildrenIsRestrictedWithoutChildrenAsBefore) {
  create_post("commented");
  create_post("liked");
  create_post("lonely");
  create("/posts/1/comments", {{"author", "ann"}, {"body", "stays"}});
  create("/posts/2/likes", {{"reader", "ben"}});
  run_scenarios(
      client_,
      {
          refused(Scenario("A post with comments cannot be deleted: 409.").del("/posts/1"), 409),
          answers(Scenario("The post is still there.").get("/posts/1"),
                  {{"id", 1}, {"title", "commented"}}),
          answers(Scenario("And so is its comment.").get("/posts/1/comments"),
                  json::array({comment(1, 1, "ann", "stays")})),
          refused(Scenario("Likes restrict too: 409.").del("/posts/2"), 409),
          Scenario("Once its comment is deleted...").del("/posts/1/comments/1").expect_status(204),
          Scenario("...the post deletes as before.").del("/posts/1").expect_status(204),
          missing(Scenario("The deleted post reads as 404.").get("/posts/1")),
          Scenario("A post that never had children deletes as before.")
              .del("/posts/3")
              .expect_status(204),
          missing(Scenario("Its comments: a 404.").get("/posts/3/comments")),
      });
}

TEST_F(NestedPostsTest, AChildWithoutTheParentPropertyKeepsTheParentKeyHidden) {
  create_post("first");
  create_post("second");
  run_scenarios(client_,
                {
                    Scenario("A like shows only its own properties, not the post's key.")
                        .post("/posts/1/likes", R"({"reader":"ann"})")
                        .expect_status(201)
                        .expect_header("location", "/posts/1/likes/1")
                        .expect_body(R"({"id":1,"reader":"ann"})"),
                    Scenario("A like on the other post.")
                        .post("/posts/2/likes", R"({"reader":"ben"})")
                        .expect_status(201)
                        .expect_body(R"({"id":2,"reader":"ben"})"),
                    answers(Scenario("The list of post 1 holds only its like, with no parent key.")
                                .get("/posts/1/likes"),
                            json::array({{{"id", 1}, {"reader", "ann"}}})),
                    Scenario("A read shows no parent key either.")
                        .get("/posts/2/likes/2")
                        .expect_status(200)
                        .expect_body(R"({"id":2,"reader":"ben"})"),
                });
}

TEST_F(NestedPostsTest, NestedDataSurvivesARestartOnTheSameDatabase) {
  create_post("first");
  create_post("second");
  create("/posts/1/comments", {{"author", "ann"}, {"body", "before"}});
  create("/posts/2/comments", {{"author", "ben"}, {"body", "before"}});
  create("/posts/1/likes", {{"reader", "cid"}});
  ASSERT_EQ(server_.stop(), 0) << server_.log();

  ServerProcess again({spec("nested_posts.yaml"), "--db", db_});
  HttpClient client(again.port());
  run_scenarios(
      client,
      {
          answers(Scenario("Post 1 still lists only its comment.").get("/posts/1/comments"),
                  json::array({comment(1, 1, "ann", "before")})),
          answers(Scenario("Post 1 still lists its like.").get("/posts/1/likes"),
                  json::array({{{"id", 1}, {"reader", "cid"}}})),
          answers(Scenario("Post 2 still holds no like: the hidden key was kept.")
                      .get("/posts/2/likes"),
                  json::array()),
          missing(Scenario("The wrong post: still 404.").get("/posts/2/comments/1")),
          Scenario("A new comment continues the keys, under its post.")
              .post("/posts/2/comments", R"({"author":"dee","body":"after"})")
              .expect_status(201)
              .expect_header("location", "/posts/2/comments/3")
              .expect_json(comment(3, 2, "dee", "after")),
          refused(Scenario("The restriction holds after the restart.").del("/posts/1"), 409),
      });
}

json album(int id, int user, const std::string& title) {
  return {{"id", id}, {"userId", user}, {"title", title}};
}

json photo(int id, int album, const std::string& caption) {
  return {{"id", id}, {"albumId", album}, {"caption", caption}};
}

class NestedAlbumsTest : public NestedTest {
 protected:
  NestedAlbumsTest() : NestedTest(spec("nested_albums.yaml")) {}
  // Two users, each with albums holding photos:
  //   user 1: album 1 (photos 1, 2), album 2 (photo 3); user 2: album 3 (photo 4).
  void create_users_albums_and_photos() {
    create("/users", {{"name", "ann"}});
    create("/users", {{"name", "ben"}});
    create("/users/1/albums", {{"title", "summer"}});
    create("/users/1/albums", {{"title", "winter"}});
    create("/users/2/albums", {{"title", "travel"}});
    create("/users/1/albums/1/photos", {{"caption", "beach"}});
    create("/users/1/albums/1/photos", {{"caption", "dunes"}});
    create("/users/1/albums/2/photos", {{"caption", "snow"}});
    create("/users/2/albums/3/photos", {{"caption", "harbour"}});
  }
};

TEST_F(NestedAlbumsTest, ThreeLevelsAreStoredWithEveryParentKeyFromThePath) {
  create("/users", {{"name", "ann"}});
  run_scenarios(
      client_,
      {
          Scenario("An album under user 1 gets userId 1.")
              .post("/users/1/albums", R"({"title":"summer"})")
              .expect_status(201)
              .expect_header("location", "/users/1/albums/1")
              .expect_json(album(1, 1, "summer")),
          Scenario("A photo under that album gets albumId 1 and a Location three levels deep.")
              .post("/users/1/albums/1/photos", R"({"caption":"beach"})")
              .expect_status(201)
              .expect_header("location", "/users/1/albums/1/photos/1")
              .expect_json(photo(1, 1, "beach")),
          answers(Scenario("The album's photos list it.").get("/users/1/albums/1/photos"),
                  json::array({photo(1, 1, "beach")})),
          refused(Scenario("A photo body naming another album is a 422 at /albumId.")
                      .post("/users/1/albums/1/photos", R"({"albumId":7,"caption":"x"})"),
                  422)
              .expect("an error names the pointer /albumId",
                      [](const HttpResponse& r) { return names_pointer(r, "/albumId"); }),
          missing(Scenario("No album 9: 404.").get("/users/1/albums/9/photos")),
      });
}

TEST_F(NestedAlbumsTest, AGrandchildAskedThroughAnotherAncestorIsA404AndChangesNothing) {
  create_users_albums_and_photos();
  const json harbour = photo(4, 3, "harbour");
  run_each_scenario(
      client_,
      {
          missing(Scenario("Photo 4 of album 3 asked under user 1 (album 3 is user 2's): 404.")
                      .get("/users/1/albums/3/photos/4")),
          missing(Scenario("As album 1's: 404.").get("/users/2/albums/1/photos/4")),
          missing(Scenario("Replacing it under the wrong user is a 404.")
                      .put("/users/1/albums/3/photos/4", R"({"caption":"taken"})")),
          missing(merge_patch("Patching it under the wrong user is a 404.",
                              "/users/1/albums/3/photos/4", R"({"caption":"taken"})")),
          missing(Scenario("Delete under user 1: 404.").del("/users/1/albums/3/photos/4")),
          missing(Scenario("List under user 1: 404.").get("/users/1/albums/3/photos")),
          missing(Scenario("Adding a photo to album 3 under user 1 is a 404.")
                      .post("/users/1/albums/3/photos", R"({"caption":"sneaked"})")),
      });
  run_scenarios(client_, {answers(Scenario("The photo is unchanged under its own lineage.")
                                      .get("/users/2/albums/3/photos/4"),
                                  harbour)});
  EXPECT_EQ(count_rows(db_, "photos"), 4);
}

TEST_F(NestedAlbumsTest, DeletesCascadeToEveryLevelBelowAndNoFurther) {
  create_users_albums_and_photos();
  run_scenarios(
      client_,
      {
          Scenario("Album 1 deletes with 204, its photos with it.")
              .del("/users/1/albums/1")
              .expect_status(204),
          missing(Scenario("Its photos: a 404.").get("/users/1/albums/1/photos")),
          answers(
              Scenario("The user's other album keeps its photo.").get("/users/1/albums/2/photos"),
              json::array({photo(3, 2, "snow")})),
      });
  EXPECT_EQ(count_rows(db_, "albums"), 2) << "album 1 is deleted";
  EXPECT_EQ(count_rows(db_, "photos"), 2) << "album 1's two photos are deleted";
  run_scenarios(
      client_,
      {
          Scenario("User 1, with an album and its photo, deletes with 204.")
              .del("/users/1")
              .expect_status(204)
              .expect_body(""),
          missing(Scenario("The user is gone.").get("/users/1")),
          missing(Scenario("Its albums answer as a missing parent.").get("/users/1/albums")),
          missing(Scenario("Its photos too.").get("/users/1/albums/2/photos")),
          answers(Scenario("User 2's album is untouched.").get("/users/2/albums"),
                  json::array({album(3, 2, "travel")})),
          answers(Scenario("And so are its photos.").get("/users/2/albums/3/photos"),
                  json::array({photo(4, 3, "harbour")})),
      });
  EXPECT_EQ(count_rows(db_, "albums"), 1) << "user 1's album is deleted";
  EXPECT_EQ(count_rows(db_, "photos"), 1) << "that album's photo is deleted with it";
}

TEST_F(NestedAlbumsTest, ARestrictingGrandchildStopsACascadingDelete) {
  create("/teams", {{"name", "core"}});
  create("/teams/1/projects", {{"name", "engine"}});
  create("/teams/1/projects/1/tasks", {{"title", "oil it"}});
  const json engine = {{"id", 1}, {"teamId", 1}, {"name", "engine"}};
  run_scenarios(
      client_,
      {
          refused(Scenario("A task restricts the cascade: 409.").del("/teams/1"), 409),
          answers(Scenario("The team is still there.").get("/teams/1"),
                  {{"id", 1}, {"name", "core"}}),
          answers(Scenario("So is its project.").get("/teams/1/projects/1"), engine),
          answers(Scenario("And the task.").get("/teams/1/projects/1/tasks/1"),
                  {{"id", 1}, {"projectId", 1}, {"title", "oil it"}}),
          refused(Scenario("Nor the project: 409.").del("/teams/1/projects/1"), 409),
          Scenario("Once the task is deleted...")
              .del("/teams/1/projects/1/tasks/1")
              .expect_status(204),
          Scenario("...the team deletes, its project with it.").del("/teams/1").expect_status(204),
          missing(Scenario("The team is gone.").get("/teams/1")),
      });
  EXPECT_EQ(count_rows(db_, "projects"), 0);
  EXPECT_EQ(count_rows(db_, "tasks"), 0);
}

// The line of `apiserver routes` for each operation: "METHOD path" -> what follows.
std::map<std::string, std::string> routes_of(const std::string& out) {
  std::map<std::string, std::string> routes;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    std::istringstream words(line);
    std::string method, path, rest;
    words >> method >> path >> std::ws;
    std::getline(words, rest);
    routes[method + " " + path] = rest;
  }
  return routes;
}

TEST(NestedRoutesCommand, ListsNestedOperationsAsStored) {
  struct Case {
    std::string document;
    std::map<std::string, std::string> starts;  // "METHOD path" -> how its line must start
  };
  const std::vector<Case> cases = {
      {"nested_posts.yaml",
       {{"GET /posts/{postId}/comments", "list comments"},
        {"POST /posts/{postId}/comments", "create comments"},
        {"GET /posts/{postId}/comments/{commentId}", "read comments"},
        {"PUT /posts/{postId}/comments/{commentId}", "replace comments"},
        {"PATCH /posts/{postId}/comments/{commentId}", "update comments"},
        {"DELETE /posts/{postId}/comments/{commentId}", "delete comments"},
        {"GET /posts/{postId}/likes", "list likes"},
        {"DELETE /posts/{postId}/likes/{likeId}", "delete likes"},
        {"DELETE /posts/{postId}", "delete posts"}}},
      {"nested_albums.yaml",
       {{"GET /users/{userId}/albums/{albumId}/photos", "list photos"},
        {"PATCH /users/{userId}/albums/{albumId}/photos/{photoId}", "update photos"},
        {"DELETE /teams/{teamId}/projects/{projectId}/tasks/{taskId}", "delete tasks"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.document);
    RunResult r = ServerProcess::run({"routes", spec(c.document)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("not stored"), std::string::npos) << r.out;
    const std::map<std::string, std::string> routes = routes_of(r.out);
    for (const auto& [operation, start] : c.starts) {
      auto found = routes.find(operation);
      ASSERT_NE(found, routes.end()) << operation << " is missing from:\n" << r.out;
      EXPECT_EQ(found->second.rfind(start, 0), 0u)
          << operation << ": \"" << found->second << "\" should start with \"" << start << "\"";
    }
  }
}

TEST(NestedValidateCommand, AcceptsTheBlogExampleAndTheNestedFixtures) {
  struct Case {
    std::string path;
    std::string summary;
  };
  const std::vector<Case> cases = {
      {source_path("examples/blog.yaml"),
       "OK, OpenAPI 3.0.3, 24 operation(s), 24 stored on 4 table(s), 0 warning(s)"},
      {spec("nested_posts.yaml"),
       "OK, OpenAPI 3.0.3, 15 operation(s), 15 stored on 3 table(s), 0 warning(s)"},
      {spec("nested_albums.yaml"),
       "OK, OpenAPI 3.0.3, 24 operation(s), 24 stored on 6 table(s), 0 warning(s)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    RunResult r = ServerProcess::run({"validate", c.path});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, c.path + ": " + c.summary + "\n");
    EXPECT_EQ(r.err, "");
  }
}

class NestedBlogExampleTest : public NestedTest {
 protected:
  NestedBlogExampleTest() : NestedTest(source_path("examples/blog.yaml")) {}
};

TEST_F(NestedBlogExampleTest, WalksUsersPostsCommentsAndTags) {
  const json babbage = comment(1, 1, "Charles Babbage", "A fine summary.");
  const json second = comment(2, 2, "Mary Somerville", "More on the loops, please.");
  run_scenarios(
      client_,
      {
          Scenario("A user registers.")
              .post("/users", R"({"name":"Ada Lovelace","email":"ada@example.com"})")
              .expect_status(201)
              .expect_header("location", "/users/1")
              .expect_json({{"id", 1}, {"name", "Ada Lovelace"}, {"email", "ada@example.com"}}),
          Scenario("She writes a post; its authorId names her.")
              .post("/posts", R"({"title":"Notes on the Engine","authorId":1})")
              .expect_status(201)
              .expect_header("location", "/posts/1")
              .expect_json({{"id", 1},
                            {"title", "Notes on the Engine"},
                            {"authorId", 1},
                            {"published", false}}),
          Scenario("And a second one.")
              .post("/posts", R"({"title":"On loops","authorId":1,"published":true})")
              .expect_status(201),
          Scenario("A reader comments on the first post: postId comes from the path.")
              .post("/posts/1/comments", R"({"author":"Charles Babbage","body":"A fine summary."})")
              .expect_status(201)
              .expect_header("location", "/posts/1/comments/1")
              .expect_json(babbage),
          Scenario("Another comments on the second.")
              .post("/posts/2/comments",
                    R"({"author":"Mary Somerville","body":"More on the loops, please."})")
              .expect_status(201)
              .expect_header("location", "/posts/2/comments/2")
              .expect_json(second),
          answers(Scenario("The first post lists only its comment.").get("/posts/1/comments"),
                  json::array({babbage})),
          missing(Scenario("Its comment via post 2: 404.").get("/posts/2/comments/1")),
          missing(Scenario("No post 999: 404.").get("/posts/999/comments")),
          answers(merge_patch("The reader edits the comment.", "/posts/1/comments/1",
                              R"({"body":"A fine summary; loops next?"})"),
                  comment(1, 1, "Charles Babbage", "A fine summary; loops next?")),
          Scenario("The first post deletes, its comments with it (cascade).")
              .del("/posts/1")
              .expect_status(204),
          missing(Scenario("Its comments answer as a missing post.").get("/posts/1/comments")),
          answers(Scenario("The second post keeps its comment.").get("/posts/2/comments"),
                  json::array({second})),
          Scenario("A tag is created.")
              .post("/tags", R"({"name":"history"})")
              .expect_status(201)
              .expect_header("location", "/tags/1")
              .expect_json({{"id", 1}, {"name", "history"}}),
          Scenario("And deleted.").del("/tags/1").expect_status(204),
          answers(Scenario("The author is untouched by it all.").get("/users/1"),
                  {{"id", 1}, {"name", "Ada Lovelace"}, {"email", "ada@example.com"}}),
      });
  EXPECT_EQ(count_rows(db_, "comments"), 1) << "only the second post's comment is left";
}

}  // namespace
}  // namespace apiserver::test
