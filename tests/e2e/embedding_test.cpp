// Embedding, end to end (specs/storage.md, "Embedding"): a readOnly property of a stored item
// schema named like a reference minus its `Id`/`_id` suffix (`author`, for `authorId`) or like
// a nested collection's last segment (`comments`) is an embed slot. It is never stored (no
// column, writes ignore it) and absent from answers unless the query parameter `embed` of a
// stored read or list asks for it; then it holds the user as GET /users/{id} shows it (absent
// for a null reference), or the post's comments in key order, at most the list default limit
// per post (3 in the fixture). Names are comma-separated or repeated; a dotted name reaches one
// level deeper (`comments.author`); a name that is no slot is refused at the parameter `embed`.
// It combines with `fields`, takes the ETag away as `fields` does, costs one SQL statement per
// level whatever the page holds (apiserver_database_statements_total on /metrics), and is
// published on the reads and lists that have slots. Fixtures: specs/embed_blog.yaml, and a
// small OpenAPI 3.1 document written by a test (a `$ref` slot, an `_id` reference).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"
#include "support/scratch_postgres.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kProblem[] = "application/problem+json";
constexpr char kMergePatch[] = "application/merge-patch+json";
constexpr char kStatements[] = "apiserver_database_statements_total";

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

// The column names of `table` in the database file `db` (read beside the running server).
// With APISERVER_TEST_DATABASE=postgresql, of the database the server was given for `db`.
std::set<std::string> columns_of(const std::string& db, const std::string& table) {
  std::set<std::string> columns;
  if (testing_on_postgres()) {
    std::istringstream names(ScratchPostgres::query(
        database_for(db),
        "SELECT string_agg(column_name, E'\\n') FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = '" +
            table + "'"));
    for (std::string name; std::getline(names, name);) columns.insert(name);
    return columns;
  }
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    const std::string sql = "PRAGMA table_info(\"" + table + "\")";
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW)
        columns.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  return columns;
}

// The sum of every series of the metric `name` in a Prometheus text, or -1 when it has none.
double metric_sum(const std::string& text, const std::string& name) {
  std::istringstream lines(text);
  double sum = 0;
  bool found = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() <= name.size() || line.compare(0, name.size(), name) != 0) continue;
    const char next = line[name.size()];
    if (next != ' ' && next != '{') continue;
    const size_t value = next == '{' ? line.find('}') + 1 : name.size();
    sum += std::stod(line.substr(value));
    found = true;
  }
  return found ? sum : -1;
}

// The keys ("id") of the items of `items`, in order.
std::vector<int> ids_of(const json& items) {
  std::vector<int> ids;
  if (!items.is_array()) return ids;
  for (const json& item : items) ids.push_back(item.value("id", 0));
  return ids;
}

// A server on specs/embed_blog.yaml (or on the document `text`) with a fresh database file, a
// client of it, and the writes and reads the tests build their data with.
class EmbeddingTest : public ::testing::Test {
 protected:
  explicit EmbeddingTest(std::string text = "")
      : text_(std::move(text)), server_({document_, "--db", db_, "--access-log", "off"}) {}

  // POSTs `body` to `target`, which must answer 201; returns the stored item's key.
  int create(const std::string& target, const json& body) {
    HttpResponse r = client_.post_json(target, body);
    EXPECT_EQ(r.status, 201) << target << ": " << r.body;
    const json item = json::parse(r.body, nullptr, false);
    return item.is_object() ? item.value("id", 0) : 0;
  }
  int user(const std::string& name) { return create("/users", {{"name", name}}); }
  int post(const std::string& title, std::optional<int> author = std::nullopt) {
    json body = {{"title", title}};
    if (author) body["authorId"] = *author;
    return create("/posts", body);
  }
  int comment(int post, const std::string& text, std::optional<int> author = std::nullopt) {
    json body = {{"body", text}};
    if (author) body["authorId"] = *author;
    return create("/posts/" + std::to_string(post) + "/comments", body);
  }

  // GETs `target`, which must answer 200 with JSON; returns that JSON (discarded otherwise).
  json get_json(const std::string& target) {
    HttpResponse r = client_.get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    EXPECT_EQ(r.header("content-type").value_or(""), "application/json") << target;
    return json::parse(r.body, nullptr, false);
  }
  json user_json(int id) { return get_json("/users/" + std::to_string(id)); }

  const std::string text_;
  TempDir dir_;
  const std::string document_ =
      text_.empty() ? spec("embed_blog.yaml") : write_file(dir_, "document.yaml", text_);
  const std::string db_ = dir_.file("embed.db");
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(EmbeddingTest, AuthorEmbedsTheReferencedUserOnAReadAndOnAList) {
  const int ada = user("Ada"), ben = user("Ben"), cid = user("Cid");
  const std::vector<int> authors = {ada, ben, ada, cid, ben};
  for (size_t i = 0; i < authors.size(); ++i) post("post " + std::to_string(i + 1), authors[i]);

  json expected = get_json("/posts/3");
  expected["author"] = user_json(ada);
  EXPECT_EQ(get_json("/posts/3?embed=author"), expected) << "the post, and its author as read";

  const json list = get_json("/posts?limit=20&embed=author");
  ASSERT_TRUE(list.is_array()) << list.dump();
  ASSERT_EQ(list.size(), authors.size()) << list.dump();
  for (size_t i = 0; i < authors.size(); ++i) {
    SCOPED_TRACE("post " + std::to_string(i + 1));
    json item = get_json("/posts/" + std::to_string(i + 1));
    item["author"] = user_json(authors[i]);
    EXPECT_EQ(list[i], item) << "each post with its own author, shared authors included";
  }
}

TEST_F(EmbeddingTest, CommentsEmbedEachPostsFirstCommentsByKeyAndNoOtherPosts) {
  const int first = post("five comments"), second = post("two comments"), third = post("none");
  // Interleaved, so that the two posts' keys alternate: first has 1, 3, 4, 6, 7; second 2, 5.
  for (int on : {first, second, first, first, second, first, first})
    comment(on, "on post " + std::to_string(on));

  json read = get_json("/posts/1?embed=comments");
  EXPECT_EQ(ids_of(read["comments"]), (std::vector<int>{1, 3, 4}))
      << "the first 3 (the default limit) by key: " << read.dump();
  EXPECT_EQ(read["comments"], get_json("/posts/1/comments"))
      << "each comment as the post's own comment list shows it";
  EXPECT_EQ(read.value("title", ""), "five comments") << read.dump();

  json list = get_json("/posts?embed=comments");
  ASSERT_TRUE(list.is_array()) << list.dump();
  ASSERT_EQ(ids_of(list), (std::vector<int>{first, second, third})) << list.dump();
  EXPECT_EQ(ids_of(list[0]["comments"]), (std::vector<int>{1, 3, 4})) << list.dump();
  EXPECT_EQ(ids_of(list[1]["comments"]), (std::vector<int>{2, 5})) << list.dump();
  EXPECT_EQ(list[1]["comments"], get_json("/posts/2/comments")) << list.dump();
  EXPECT_EQ(list[2]["comments"], json::array()) << "a post without comments embeds []";
  for (const json& item : list) {
    for (const json& c : item.value("comments", json::array()))
      EXPECT_EQ(c.value("postId", 0), item.value("id", -1)) << "only the post's own: " << c;
  }
  EXPECT_EQ(get_json("/posts/3?embed=comments"),
            json({{"id", third}, {"title", "none"}, {"comments", json::array()}}));
}

TEST_F(EmbeddingTest, ADottedNameEmbedsTheCommentsAuthorsOneLevelDeeper) {
  const int ada = user("Ada"), ben = user("Ben");
  post("Notes", ada);
  comment(1, "by Ben", ben);
  comment(1, "anonymous");
  comment(1, "by Ada", ada);

  json comments = get_json("/posts/1/comments");
  ASSERT_EQ(ids_of(comments), (std::vector<int>{1, 2, 3})) << comments.dump();
  comments[0]["author"] = user_json(ben);
  comments[2]["author"] = user_json(ada);  // the anonymous comment has no author to embed

  json deep = get_json("/posts/1?embed=comments.author");
  EXPECT_FALSE(deep.contains("author")) << "only the comments' authors were asked for";
  EXPECT_EQ(deep["comments"], comments) << deep.dump();
  EXPECT_EQ(get_json("/posts/1?embed=comments,comments.author"), deep)
      << "comments.author implies comments";
  EXPECT_EQ(get_json("/posts?embed=comments.author"), json::array({deep})) << "so does a list";

  json both = deep;
  both["author"] = user_json(ada);
  EXPECT_EQ(get_json("/posts/1?embed=author,comments.author"), both) << "comma-separated";
  EXPECT_EQ(get_json("/posts/1?embed=author&embed=comments.author"), both) << "repeated";
  EXPECT_EQ(get_json("/posts/1?embed=comments.author&embed=author"), both) << "in any order";

  EXPECT_EQ(get_json("/posts/1/comments?embed=author"), comments) << "a comment's own slot";
  EXPECT_EQ(get_json("/posts/1/comments/3?embed=author"), comments[2]);
}

TEST_F(EmbeddingTest, ANameThatIsNoSlotIsRefusedAtTheEmbedParameter) {
  const int ada = user("Ada");
  post("Notes", ada);
  comment(1, "hi", ada);
  struct Case {
    std::string why;
    std::string target;
    std::vector<std::string> names;  // the detail names one of these
  };
  const std::vector<Case> cases = {
      {"An unknown name on a list.", "/posts?embed=nope", {"nope"}},
      {"An unknown name on a read.", "/posts/1?embed=nope", {"nope"}},
      {"A stored property is no slot.", "/posts/1?embed=title", {"title"}},
      {"Nor is the reference itself.", "/posts/1?embed=authorId", {"authorId"}},
      {"One bad name among good ones.", "/posts/1?embed=author,nope", {"nope"}},
      {"Also when the parameter repeats.", "/posts?embed=comments&embed=nope", {"nope"}},
      {"A dotted name below a real slot.",
       "/posts/1?embed=comments.nope",
       {"comments.nope", "nope"}},
      {"Below a slot whose items have none.",
       "/posts/1?embed=author.nope",
       {"author.nope", "nope"}},
      {"Another resource's slot.", "/posts/1/comments?embed=comments", {"comments"}},
      {"A read of a resource without slots.", "/users/1?embed=x", {"x"}},
      {"A list of a resource without slots.", "/users?embed=x", {"x"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why + " " + c.target);
    HttpResponse r = client_.get(c.target);
    ASSERT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.header("content-type").value_or(""), kProblem);
    const json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("errors") && body["errors"].is_array()) << r.body;
    EXPECT_EQ(body.value("type", ""), "urn:apiserver:problem:validation-failed") << r.body;
    bool named = false;
    for (const json& error : body["errors"]) {
      if (!error.is_object() || error.value("in", "") != "query" ||
          error.value("name", "") != "embed")
        continue;
      const std::string detail = error.value("detail", "");
      for (const std::string& name : c.names)
        named = named || detail.rfind("has no embeddable property '" + name + "'", 0) == 0;
    }
    EXPECT_TRUE(named) << "an error at the query parameter embed says "
                       << "\"has no embeddable property '" << c.names.front() << "'\": " << r.body;
  }
}

TEST_F(EmbeddingTest, ANullReferenceLeavesTheSlotOut) {
  const int ada = user("Ada");
  post("by Ada", ada);
  post("by nobody");
  comment(1, "anonymous");

  EXPECT_EQ(get_json("/posts/2?embed=author,comments"),
            json({{"id", 2}, {"title", "by nobody"}, {"comments", json::array()}}))
      << "no author slot, and an empty comment list";
  const json list = get_json("/posts?embed=author");
  ASSERT_TRUE(list.is_array() && list.size() == 2u) << list.dump();
  EXPECT_EQ(list[0].value("author", json()), user_json(ada)) << list.dump();
  EXPECT_FALSE(list[1].contains("author")) << list.dump();
  json deep = get_json("/posts/1?embed=comments.author");
  ASSERT_EQ(ids_of(deep["comments"]), std::vector<int>{1}) << deep.dump();
  EXPECT_FALSE(deep["comments"][0].contains("author")) << deep.dump();
}

TEST_F(EmbeddingTest, SlotsShowOnlyWhenAskedCombineWithFieldsAndTakeTheETagAway) {
  const int ada = user("Ada");
  post("Notes", ada);
  comment(1, "hi", ada);
  const json plain = {{"id", 1}, {"title", "Notes"}, {"authorId", ada}};
  const json hi = {{"id", 1}, {"postId", 1}, {"body", "hi"}, {"authorId", ada}};
  EXPECT_EQ(get_json("/posts/1"), plain) << "no slot without embed";
  EXPECT_EQ(get_json("/posts"), json::array({plain}));
  EXPECT_EQ(get_json("/posts/1/comments/1"), hi);
  EXPECT_EQ(get_json("/posts/1/comments"), json::array({hi}));

  json with_author = {{"id", 1}, {"title", "Notes"}, {"author", user_json(ada)}};
  EXPECT_EQ(get_json("/posts/1?fields=id,title&embed=author"), with_author);
  EXPECT_EQ(get_json("/posts?fields=id,title&embed=author"), json::array({with_author}));
  EXPECT_EQ(get_json("/posts/1?embed=comments&fields=id"),
            json({{"id", 1}, {"comments", json::array({hi})}}));

  HttpResponse read = client_.get("/posts/1");
  ASSERT_EQ(read.status, 200) << read.body;
  ASSERT_TRUE(read.header("etag").has_value()) << "a plain read carries the row's version";
  HttpResponse embedded = client_.get("/posts/1?embed=author");
  ASSERT_EQ(embedded.status, 200) << embedded.body;
  EXPECT_FALSE(embedded.header("etag").has_value())
      << "an embedding read is another representation: " << *embedded.header("etag");
}

TEST_F(EmbeddingTest, WritesIgnoreSlotsAClientSendsAndNoColumnStoresThem) {
  const int ada = user("Ada"), ben = user("Ben");
  const json forged_author = {{"id", ben}, {"name", "Ben"}};
  const json forged_comments = json::array({{{"id", 9}, {"postId", 1}, {"body", "forged"}}});
  const json stored = {{"id", 1}, {"title", "Notes"}, {"authorId", ada}};

  HttpResponse created = client_.post_json("/posts", {{"title", "Notes"},
                                                      {"authorId", ada},
                                                      {"author", forged_author},
                                                      {"comments", forged_comments}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body, nullptr, false), stored) << created.body;
  HttpResponse replaced = client_.put_json(
      "/posts/1", {{"title", "Notes"}, {"authorId", ada}, {"author", forged_author}});
  EXPECT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(json::parse(replaced.body, nullptr, false), stored) << replaced.body;
  const json patch = {{"author", forged_author}, {"comments", forged_comments}};
  HttpResponse patched = client_.patch("/posts/1", patch.dump(), {{"Content-Type", kMergePatch}});
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(json::parse(patched.body, nullptr, false), stored) << patched.body;
  HttpResponse commented =
      client_.post_json("/posts/1/comments", {{"body", "hi"}, {"author", forged_author}});
  ASSERT_EQ(commented.status, 201) << commented.body;
  EXPECT_EQ(json::parse(commented.body, nullptr, false),
            json({{"id", 1}, {"postId", 1}, {"body", "hi"}}))
      << commented.body;

  json expected = stored;
  expected["author"] = user_json(ada);
  expected["comments"] = json::array({{{"id", 1}, {"postId", 1}, {"body", "hi"}}});
  EXPECT_EQ(get_json("/posts/1?embed=author,comments"), expected)
      << "what embed shows comes from the rows, not from what a client sent";

  const std::set<std::string> posts = columns_of(db_, "posts");
  EXPECT_EQ(posts.count("authorId"), 1u) << "the reference is stored";
  EXPECT_EQ(posts.count("author"), 0u) << "a slot is not";
  EXPECT_EQ(posts.count("comments"), 0u);
  const std::set<std::string> comments = columns_of(db_, "comments");
  EXPECT_EQ(comments.count("body"), 1u);
  EXPECT_EQ(comments.count("author"), 0u);
}

// The counter of SQL statements, as /metrics shows it now.
double statements_now(HttpClient& client) {
  HttpResponse r = client.get("/metrics");
  EXPECT_EQ(r.status, 200) << r.body;
  const double value = metric_sum(r.body, kStatements);
  EXPECT_GE(value, 0) << kStatements << " is missing from /metrics:\n" << r.body;
  return value;
}

// The statements the server executes to answer GET `target`: the counter's increase across the
// request, less what a scrape alone adds (measured just before, once two scrapes in a row add
// the same, so that nothing else is running).
double statements_for(HttpClient& client, const std::string& target, size_t items) {
  double a = statements_now(client), b = statements_now(client), c = statements_now(client);
  for (int tries = 0; tries < 20 && b - a != c - b; ++tries) {
    a = b;
    b = c;
    c = statements_now(client);
  }
  HttpResponse r = client.get(target);
  EXPECT_EQ(r.status, 200) << target << ": " << r.body;
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_array()) {
    EXPECT_EQ(body.size(), items) << target << ": " << r.body;
  }
  return statements_now(client) - c - (c - b);
}

TEST_F(EmbeddingTest, EachLevelCostsOneStatementWhateverThePageHolds) {
  const std::vector<int> users = {user("Ada"), user("Ben"), user("Cid")};
  // Posts by 3 authors, taking turns; every other post has 5 comments (more than the limit),
  // the others 1, by authors taking turns too.
  auto write_posts = [&](int from, int to) {
    for (int n = from; n <= to; ++n) {
      const int id = post("post " + std::to_string(n), users[n % 3]);
      for (int k = 0; k < (n % 2 == 0 ? 5 : 1); ++k)
        comment(id, "comment " + std::to_string(k), users[(n + k) % 3]);
    }
  };
  struct Case {
    std::string target;
    double statements;  // the page (or the item), then one per slot and level
    bool list;
  };
  const std::vector<Case> cases = {
      {"/posts?limit=20&embed=author", 2, true},
      {"/posts?limit=20&embed=author,comments", 3, true},
      {"/posts?limit=20&embed=comments,comments.author", 3, true},
      {"/posts?limit=20&embed=comments.author", 3, true},
      {"/posts/2?embed=author", 2, false},
      {"/posts/2?embed=author,comments", 3, false},
      {"/posts/2?embed=comments.author", 3, false},
  };
  write_posts(1, 5);
  std::vector<double> with_five;
  for (const Case& c : cases) {
    SCOPED_TRACE("5 posts: " + c.target);
    with_five.push_back(statements_for(client_, c.target, 5));
    EXPECT_EQ(with_five.back(), c.statements);
  }
  write_posts(6, 10);
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("10 posts: " + cases[i].target);
    const double with_ten = statements_for(client_, cases[i].target, cases[i].list ? 10 : 1);
    EXPECT_EQ(with_ten, with_five[i]) << "twice the rows, the same statements";
    EXPECT_EQ(with_ten, cases[i].statements);
  }
}

TEST_F(EmbeddingTest, ThePublishedDocumentOffersEmbedOnTheReadsAndListsWithSlots) {
  HttpResponse published = client_.get("/openapi.json");
  ASSERT_EQ(published.status, 200) << published.body;
  const json document = json::parse(published.body, nullptr, false);
  ASSERT_TRUE(document.is_object()) << published.body;
  const json paths = document.value("paths", json::object());
  // The `embed` parameter of `method` on `path`, or null.
  auto embed_of = [&](const std::string& path, const std::string& method) {
    const json operation = paths.value(path, json::object()).value(method, json());
    if (!operation.is_object()) return json();
    for (const json& p : operation.value("parameters", json::array()))
      if (p.is_object() && p.value("name", "") == "embed") return p;
    return json();
  };
  struct Case {
    std::string path;
    std::vector<std::string> names;  // what the schema must mention
  };
  const std::vector<Case> cases = {
      {"/posts", {"author", "comments"}},
      {"/posts/{postId}", {"author", "comments"}},
      {"/posts/{postId}/comments", {"author"}},
      {"/posts/{postId}/comments/{commentId}", {"author"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("GET " + c.path);
    const json embed = embed_of(c.path, "get");
    ASSERT_TRUE(embed.is_object()) << paths.value(c.path, json()).dump();
    EXPECT_EQ(embed.value("in", ""), "query") << embed.dump();
    const std::string schema = embed.value("schema", json()).dump();
    for (const std::string& name : c.names)
      EXPECT_NE(schema.find(name), std::string::npos) << name << " in " << schema;
  }
  EXPECT_TRUE(embed_of("/users", "get").is_null()) << "users have no slots";
  EXPECT_TRUE(embed_of("/users/{userId}", "get").is_null());
  EXPECT_TRUE(embed_of("/posts", "post").is_null()) << "a write embeds nothing";

  // And the server's own validator accepts the document it publishes.
  const std::string copy = write_file(dir_, "published.json", published.body);
  RunResult validate = ServerProcess::run({"validate", copy});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
}

// An OpenAPI 3.1 document whose slot is a `$ref` with `readOnly` beside it, named for a
// reference that ends in `_id`, on a server that refuses readOnly input.
constexpr char kBooks[] = R"(openapi: 3.1.0
info: {title: Books, version: 1.0.0}
x-apiserver: {read-only-input: refuse}
paths:
  /writers:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Writer"}}}}
      responses:
        "201": {$ref: "#/components/responses/Writer"}
  /writers/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {$ref: "#/components/responses/Writer"}
  /books:
    get:
      responses:
        "200":
          description: Books
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Book"}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Book"}}}}
      responses:
        "201": {$ref: "#/components/responses/Book"}
        "422": {description: Invalid, content: {application/problem+json: {}}}
  /books/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {$ref: "#/components/responses/Book"}
components:
  responses:
    Writer:
      description: A writer
      content: {application/json: {schema: {$ref: "#/components/schemas/Writer"}}}
    Book:
      description: A book
      content: {application/json: {schema: {$ref: "#/components/schemas/Book"}}}
  schemas:
    Writer:
      type: object
      required: [name]
      properties:
        id: {type: integer, readOnly: true}
        name: {type: string}
      additionalProperties: false
    Book:
      type: object
      required: [title, writer_id]
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
        writer_id: {type: integer, x-apiserver-references: writers}
        writer: {$ref: "#/components/schemas/Writer", readOnly: true}
      additionalProperties: false
)";

class EmbeddingBooksTest : public EmbeddingTest {
 protected:
  EmbeddingBooksTest() : EmbeddingTest(kBooks) {}
};

TEST_F(EmbeddingBooksTest, ARefWithReadOnlyBesideItIsASlotForAnUnderscoreIdReference) {
  ASSERT_EQ(create("/writers", {{"name", "Le Guin"}}), 1);
  ASSERT_EQ(create("/books", {{"title", "Earthsea"}, {"writer_id", 1}}), 1);
  json expected = {{"id", 1}, {"title", "Earthsea"}, {"writer_id", 1}};
  EXPECT_EQ(get_json("/books/1"), expected) << "no slot without embed";
  expected["writer"] = get_json("/writers/1");
  EXPECT_EQ(get_json("/books/1?embed=writer"), expected);
  EXPECT_EQ(get_json("/books?embed=writer"), json::array({expected}));

  HttpResponse refused = client_.post_json(
      "/books", {{"title", "Forged"}, {"writer_id", 1}, {"writer", {{"name", "Someone"}}}});
  ASSERT_EQ(refused.status, 422) << "read-only-input: refuse refuses a slot too: " << refused.body;
  const json body = json::parse(refused.body, nullptr, false);
  ASSERT_TRUE(body.is_object() && body.contains("errors")) << refused.body;
  bool at_writer = false;
  for (const json& error : body["errors"])
    at_writer = at_writer || (error.is_object() && error.value("pointer", "") == "/writer" &&
                              error.value("detail", "") == "is read-only");
  EXPECT_TRUE(at_writer) << "an 'is read-only' error at /writer: " << refused.body;
  EXPECT_EQ(get_json("/books").size(), 1u) << "the refused book was not stored";
}

}  // namespace
}  // namespace apiserver::test
