// The PostgreSQL store, end to end, continued (postgres_store_test.cpp has CRUD, lists, restarts
// and two servers on one database): references, cascades and embedding on examples/blog.yaml and
// values of every JSON type, answered as on SQLite (references_test.cpp, embedding_test.cpp, and
// a server on SQLite beside it); then start-up: seed rows loaded once by two servers starting
// together on an empty database, a new optional property added as a column, a type change
// refused naming the column, the password of the URL never shown, an unreachable database
// refused with a message (no crash), and the GIN index of full-text search following its
// declaration.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"
#include "support/twin_servers.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "s3cret-pw";
constexpr char kMergePatch[] = "application/merge-patch+json";

std::string fixture(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The first line of `text` holding every one of `words`, or "" when none does.
std::string line_with(const std::string& text, const std::vector<std::string>& words) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    bool all = true;
    for (const std::string& word : words) all = all && line.find(word) != std::string::npos;
    if (all) return line;
  }
  return "";
}

std::vector<int> ids_of_list(const HttpResponse& r) {
  std::vector<int> ids;
  const json items = json::parse(r.body, nullptr, false);
  if (!items.is_array()) return {-1};
  for (const json& item : items) ids.push_back(item.value("id", 0));
  return ids;
}

// A port of 127.0.0.1 nothing listens on (free a moment ago).
uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Runs the server on a document or database it must refuse; it must exit by itself.
RunResult refused_start(const std::string& document, const std::string& url) {
  return ServerProcess::run({document, "--port", "0", "--db", url}, std::chrono::seconds(60));
}

// An exit, not a crash: a non-zero status below 128 (128 + N is death by signal N).
void expect_clean_failure(const RunResult& r) {
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_LT(r.exit_code, 128) << "ended by a signal: " << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("listening on"), std::string::npos) << r.out << r.err;
}

// Each test on a fresh database of the scratch cluster; skipped without PostgreSQL.
class PostgresStoreStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
    url_ = ScratchPostgres::instance().new_database();
  }
  std::string sql(const std::string& statement) const {
    return ScratchPostgres::query(url_, statement);
  }
  // url_ with the password, which trust authentication accepts and ignores.
  std::string url_with_password() const {
    const std::string scheme = "postgresql://apiserver";
    return scheme + ":" + kPassword + url_.substr(scheme.size());
  }

  std::string url_;
};

// blog.yaml on PostgreSQL beside SQLite: every answer compared, the key ones also written out.
class PostgresStoreRelationsTest : public PostgresStoreStartupTest {
 protected:
  void SetUp() override {
    PostgresStoreStartupTest::SetUp();
    if (IsSkipped()) return;
    twins_.emplace(source_path("examples/blog.yaml"), url_);
  }
  HttpResponse send(const std::string& method, const std::string& target, const json& body) {
    return twins_->send(method, target, body.dump(),
                        {{"Content-Type", method == "PATCH" ? kMergePatch : "application/json"}});
  }
  HttpResponse get(const std::string& target) { return twins_->send("GET", target); }
  json get_json(const std::string& target) {
    HttpResponse r = get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return json::parse(r.body, nullptr, false);
  }
  // The answer is a 422 whose only error is "names no User" at /authorId.
  static void expect_unknown_author(const HttpResponse& r) {
    ASSERT_EQ(r.status, 422) << r.body;
    const json errors = json::parse(r.body, nullptr, false).value("errors", json::array());
    ASSERT_EQ(errors.size(), 1u) << r.body;
    EXPECT_EQ(errors[0].value("pointer", ""), "/authorId") << r.body;
    EXPECT_EQ(errors[0].value("detail", ""), "names no User: no item has that key") << r.body;
  }

  std::optional<TwinServers> twins_;
};

TEST_F(PostgresStoreRelationsTest, AWriteNamingNoUserIsRefusedAndUsesNoKey) {
  expect_unknown_author(send("POST", "/posts", {{"title", "Orphan"}, {"authorId", 7}}));
  ASSERT_EQ(send("POST", "/users", {{"name", "Ada"}, {"email", "ada@example.com"}}).status, 201);
  HttpResponse post = send("POST", "/posts", {{"title", "Notes"}, {"authorId", 1}});
  ASSERT_EQ(post.status, 201) << post.body;
  EXPECT_EQ(post.header("location"), "/posts/1") << "the refused create used no key";
  expect_unknown_author(send("PUT", "/posts/1", {{"title", "Notes"}, {"authorId", 2}}));
  expect_unknown_author(send("PATCH", "/posts/1", {{"authorId", 3}}));
  EXPECT_EQ(get_json("/posts/1").value("authorId", 0), 1) << "the refused writes changed nothing";
  EXPECT_EQ(sql("SELECT count(*) FROM posts"), "1");
}

TEST_F(PostgresStoreRelationsTest, AReferencedUserIsA409AndDeletingAPostCascadesToItsComments) {
  ASSERT_EQ(send("POST", "/users", {{"name", "Ada"}, {"email", "ada@example.com"}}).status, 201);
  ASSERT_EQ(send("POST", "/users", {{"name", "Ben"}, {"email", "ben@example.com"}}).status, 201);
  ASSERT_EQ(send("POST", "/posts", {{"title", "Notes"}, {"authorId", 1}}).status, 201);
  ASSERT_EQ(send("POST", "/posts", {{"title", "Loops"}, {"authorId", 2}}).status, 201);
  // Comments interleaved over the two posts: post 1 has 1, 3, 4; post 2 has 2, 5.
  int n = 0;
  for (int on : {1, 2, 1, 1, 2}) {
    const std::string target = "/posts/" + std::to_string(on) + "/comments";
    HttpResponse r =
        send("POST", target, {{"author", "reader"}, {"body", "c" + std::to_string(++n)}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.header("location"), target + "/" + std::to_string(n));
  }
  EXPECT_EQ(send("POST", "/posts/9/comments", {{"author", "x"}, {"body", "y"}}).status, 404);

  HttpResponse refused = twins_->send("DELETE", "/users/1");
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_NE(refused.body.find("referenced by Post items (their authorId)"), std::string::npos)
      << refused.body;
  EXPECT_EQ(get("/users/1").status, 200) << "the refused delete left the user";

  EXPECT_EQ(twins_->send("DELETE", "/posts/1").status, 204);
  EXPECT_EQ(get("/posts/1/comments").status, 404) << "the post is gone";
  EXPECT_EQ(get("/posts/1/comments/3").status, 404);
  EXPECT_EQ(sql("SELECT count(*) FROM comments"), "2") << "its comments went with it";
  EXPECT_EQ(get_json("/posts/2/comments").size(), 2u) << "the other post's stayed";
  EXPECT_EQ(twins_->send("DELETE", "/users/1").status, 204) << "nothing references Ada now";
  EXPECT_EQ(twins_->send("DELETE", "/users/2").status, 409) << "Ben still has a post";
}

TEST_F(PostgresStoreRelationsTest, AuthorAndCommentsEmbedAsOnSQLite) {
  for (const char* name : {"Ada", "Ben"})
    ASSERT_EQ(
        send("POST", "/users", {{"name", name}, {"email", lower(name) + "@example.com"}}).status,
        201);
  for (int author : {1, 2, 1})
    ASSERT_EQ(
        send("POST", "/posts", {{"title", "by " + std::to_string(author)}, {"authorId", author}})
            .status,
        201);
  for (int on : {1, 2, 1, 1, 2, 1})
    ASSERT_EQ(send("POST", "/posts/" + std::to_string(on) + "/comments",
                   {{"author", "reader"}, {"body", "on " + std::to_string(on)}})
                  .status,
              201);

  json expected = get_json("/posts/3");
  expected["author"] = get_json("/users/1");
  EXPECT_EQ(get_json("/posts/3?embed=author"), expected) << "the post, and its author as read";
  const json list = get_json("/posts?embed=author");
  ASSERT_EQ(list.size(), 3u) << list.dump();
  EXPECT_EQ(list[1].value("author", json()), get_json("/users/2")) << list.dump();

  const json read = get_json("/posts/1?embed=comments");
  EXPECT_EQ(read.value("comments", json()), get_json("/posts/1/comments"))
      << "each comment as the post's own comment list shows it";
  const json with_comments = get_json("/posts?embed=comments");
  ASSERT_EQ(with_comments.size(), 3u) << with_comments.dump();
  EXPECT_EQ(with_comments[1].value("comments", json()), get_json("/posts/2/comments"));
  EXPECT_EQ(with_comments[2].value("comments", json()), json::array()) << "no comments: []";
  for (const char* target : {"/posts?embed=author,comments", "/posts/2?embed=author&embed=comments",
                             "/posts?fields=id,title&embed=author", "/posts?embed=nope"}) {
    get(target);
  }
}

// Every JSON value a column holds comes back as SQLite gives it back: text beyond ASCII and with
// escapes, 64-bit integer extremes, doubles, booleans, objects and arrays; sorted and filtered
// alike, NULLs included.
constexpr char kValues[] = R"(openapi: 3.0.3
info: {title: Values, version: "1"}
paths:
  /things:
    get:
      responses:
        "200": {description: All, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
        count: {type: integer}
        ratio: {type: number}
        flag: {type: boolean}
        meta: {type: object}
        list: {type: array}
)";

using PostgresStoreValuesTest = PostgresStoreStartupTest;

TEST_F(PostgresStoreValuesTest, EveryKindOfValueComesBackAsOnSQLite) {
  TempDir dir;
  TwinServers twins(write_file(dir, "values.yaml", kValues), url_);
  for (const char* body : {
           R"({"name":"h\u00e9llo \u2713 \ud83d\ude00 \"q\" \\ / \t","count":9223372036854775807,)"
           R"("ratio":0.1,"flag":true,"meta":{"z":1,"a":[1,2,{"b":null}],"m":"x"},)"
           R"("list":[{"k":"v"},2.5,"s",null,true]})",
           R"({"name":"","count":-9223372036854775808,"ratio":-1e-7,"flag":false,"meta":{},)"
           R"("list":[]})",
           R"({"name":"  spaces  ","count":0,"ratio":123456789.125,"meta":{"n":{"d":{"x":true}}}})",
           R"({"count":42,"ratio":1e300})",
           R"({"ratio":3,"name":"Zed"})",
       }) {
    EXPECT_EQ(twins.send("POST", "/things", body).status, 201);
  }
  for (const char* target :
       {"/things/1", "/things/2", "/things/3", "/things/4", "/things/5", "/things",
        "/things?sort=ratio", "/things?sort=-count", "/things?sort=flag", "/things?sort=-flag",
        "/things?count[gt]=0", "/things?ratio[lt]=1", "/things?name=", "/things?flag=false",
        "/things?ratio=3", "/things?count=9223372036854775807"}) {
    twins.send("GET", target, "", {{"Prefer", "count=exact"}});
  }
}

// mock_seed.yaml's seed rows (2 colors inline, 3 shapes from a file), on an empty database that
// two servers start on at the same moment: both come up, each row is there once, and created
// keys go on after the seeded ones. A few rounds, to give the race a chance.
TEST_F(PostgresStoreStartupTest, TwoServersStartingTogetherOnAnEmptyDatabaseSeedItOnce) {
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string url = round == 0 ? url_ : ScratchPostgres::instance().new_database();
    const std::vector<std::string> args = {fixture("mock_seed.yaml"), "--db", url};
    std::optional<ServerProcess> servers[2];
    std::string errors[2];
    std::vector<std::thread> starting;
    for (int i = 0; i < 2; ++i) {
      starting.emplace_back([&, i] {
        try {
          servers[i].emplace(args);
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (std::thread& t : starting) t.join();
    ASSERT_TRUE(servers[0] && servers[1]) << errors[0] << "\n" << errors[1];
    EXPECT_EQ(ScratchPostgres::query(url, "SELECT count(*) FROM colors"), "2");
    EXPECT_EQ(ScratchPostgres::query(url, "SELECT count(*) FROM shapes"), "3");
    HttpClient a(servers[0]->port()), b(servers[1]->port());
    const std::string colors =
        R"([{"id":1,"name":"red","hex":"#ff0000"},{"id":2,"name":"green","hex":"#00ff00"}])";
    EXPECT_EQ(a.get("/colors").body, colors);
    EXPECT_EQ(b.get("/colors").body, colors);
    EXPECT_EQ(a.post("/colors", R"({"name":"blue","hex":"#0000ff"})").header("location"),
              "/colors/3")
        << "created keys go on after the seeded ones";
    EXPECT_EQ(b.post("/colors", R"({"name":"black","hex":"#000000"})").header("location"),
              "/colors/4");
    servers[0].reset();
    servers[0].emplace(args);  // a restart does not seed again
    EXPECT_EQ(ScratchPostgres::query(url, "SELECT count(*) FROM colors"), "4");
  }
}

// schema_migration_test.cpp's migrations: rows written with examples/todo.yaml.
void seed_v1(const std::string& url) {
  ServerProcess server({source_path("examples/todo.yaml"), "--db", url});
  HttpClient client(server.port());
  ASSERT_EQ(client.post("/todos", R"({"title":"milk","due":"2024-05-01","tags":["a"]})").status,
            201);
  ASSERT_EQ(client.post("/todos", R"({"title":"bread","done":true})").status, 201);
}

TEST_F(PostgresStoreStartupTest, AnOptionalPropertyAddsAColumnAndKeepsTheRows) {
  ASSERT_NO_FATAL_FAILURE(seed_v1(url_));
  {
    ServerProcess server({fixture("todo_v2_optional.yaml"), "--db", url_});
    HttpClient client(server.port());
    EXPECT_EQ(sql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'todos' "
                  "AND column_name IN ('priority', 'note')"),
              "2");
    HttpResponse r = client.get("/todos");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"([{"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["a"],)"
                      R"("note":"none"},)"
                      R"({"id":2,"title":"bread","done":true,"due":null,"note":"none"}])");
    HttpResponse created = client.post("/todos", R"({"title":"eggs","priority":3,"note":"x"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.body,
              R"({"id":3,"title":"eggs","done":false,"due":null,"priority":3,"note":"x"})");
    EXPECT_EQ(ids_of_list(client.get("/todos?priority=3")), std::vector<int>{3});
  }
  // Back to the first version: the column stays, the answers leave it out.
  ServerProcess server({source_path("examples/todo.yaml"), "--db", url_});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/todos/3").body, R"({"id":3,"title":"eggs","done":false,"due":null})");
}

TEST_F(PostgresStoreStartupTest, ATypeChangeIsRefusedNamingTheTableAndColumn) {
  ASSERT_NO_FATAL_FAILURE(seed_v1(url_));
  const std::string column_type =
      "SELECT data_type FROM information_schema.columns WHERE "
      "table_name = 'todos' AND column_name = 'done'";
  const std::string before = sql(column_type);
  // With the password in the URL: a message naming the database must not show it.
  const RunResult r = refused_start(fixture("todo_v2_type_change.yaml"), url_with_password());
  expect_clean_failure(r);
  EXPECT_NE(line_with(r.out + r.err, {"todos", "done"}), "")
      << "a line names the table and the column 'done': " << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find(kPassword), std::string::npos) << r.out << r.err;
  EXPECT_EQ(sql(column_type), before) << "the refusal changed nothing";
  ServerProcess server({source_path("examples/todo.yaml"), "--db", url_});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/todos").body,
            R"([{"id":1,"title":"milk","done":false,"due":"2024-05-01","tags":["a"]},)"
            R"({"id":2,"title":"bread","done":true,"due":null}])");
}

TEST_F(PostgresStoreStartupTest, TheServerNeverShowsThePasswordOfItsUrl) {
  ServerProcess server(
      {source_path("examples/todo.yaml"), "--db", url_with_password(), "--log-level", "trace"});
  HttpClient client(server.port());
  EXPECT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  EXPECT_EQ(client.get("/todos/1").status, 200);
  EXPECT_EQ(client.get("/todos/9").status, 404);
  EXPECT_EQ(client.get("/nowhere").status, 404);
  server.stop();
  EXPECT_EQ(server.log().find(kPassword), std::string::npos) << server.log();
}

TEST_F(PostgresStoreStartupTest, AnUnreachableDatabaseStopsStartUpWithAMessage) {
  const std::string port = std::to_string(unused_port());
  for (const std::string& url :
       {"postgresql://apiserver:" + std::string(kPassword) + "@127.0.0.1:" + port + "/nowhere",
        "postgres://apiserver@127.0.0.1:" + port + "/nowhere",
        url_.substr(0, url_.rfind('/')) + "/no_such_database"}) {
    SCOPED_TRACE(url);
    const RunResult r = refused_start(source_path("examples/todo.yaml"), url);
    expect_clean_failure(r);
    const std::string said = lower(r.out + r.err);
    EXPECT_TRUE(said.find("database") != std::string::npos ||
                said.find("postgresql") != std::string::npos)
        << "the message says what could not be reached: " << r.out << r.err;
    EXPECT_EQ(said.find(kPassword), std::string::npos) << r.out << r.err;
  }
}

// x-apiserver-search on PostgreSQL: a GIN index over the searched columns, built from the rows
// already stored, rebuilt when the columns change (and only then), dropped with the declaration.
// declared_queries_test.cpp checks the answers on both backends.
TEST_F(PostgresStoreStartupTest, FullTextSearchKeepsAGinIndexThatFollowsTheDeclaration) {
  TempDir dir;
  auto notes = [&](const std::string& search) {
    return write_file(dir, "notes.yaml", R"(openapi: 3.0.3
info: {title: Notes, version: "1"}
paths:
  /notes:
    get:
      responses:
        "200": {description: All, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
components:
  schemas:
    Note:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
        text: {type: string}
)" + search);
  };
  const std::string index_count =
      "SELECT count(*) FROM pg_indexes WHERE indexname = 'apiserver_search_notes'";
  const std::string covered =
      "SELECT obj_description(CAST('apiserver_search_notes' AS regclass), 'pg_class')";
  {
    ServerProcess server({notes(""), "--db", url_});
    HttpClient client(server.port());
    ASSERT_EQ(client.post("/notes", R"({"title":"Groceries","text":"milk and honey"})").status,
              201);
  }
  EXPECT_EQ(sql(index_count), "0");
  {
    ServerProcess server({notes("      x-apiserver-search: [text]\n"), "--db", url_});
    EXPECT_TRUE(server.wait_for_log("table notes: built its search index")) << server.log();
    HttpClient client(server.port());
    EXPECT_EQ(client.get("/notes?q=HONEY").json().size(), 1u) << "rows stored before are found";
    EXPECT_EQ(client.get("/notes?q=groceries").json().size(), 0u) << "the title is not searched";
  }
  EXPECT_EQ(sql(index_count), "1");
  EXPECT_EQ(sql(covered), "text");
  {
    ServerProcess server({notes("      x-apiserver-search: [text]\n"), "--db", url_});
    EXPECT_FALSE(server.wait_for_log("search index", std::chrono::milliseconds(200)))
        << "an unchanged declaration rebuilds nothing: " << server.log();
  }
  {
    ServerProcess server({notes("      x-apiserver-search: [title, text]\n"), "--db", url_});
    EXPECT_TRUE(server.wait_for_log("table notes: built its search index")) << server.log();
    EXPECT_EQ(HttpClient(server.port()).get("/notes?q=groceries%20milk").json().size(), 1u);
  }
  EXPECT_EQ(sql(covered), "title,text");
  {
    ServerProcess server({notes(""), "--db", url_});
    EXPECT_TRUE(server.wait_for_log("table notes: dropped its search index")) << server.log();
  }
  EXPECT_EQ(sql(index_count), "0");
}

}  // namespace
}  // namespace apiserver::test
