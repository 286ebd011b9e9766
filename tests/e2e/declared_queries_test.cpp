// What a stored list may be asked, declared on the item schema: x-apiserver-filter and
// x-apiserver-sort narrow the properties a list filters and sorts by (others are 422s naming the
// declared ones) and each gets an index, dropped again when the declaration goes;
// x-apiserver-search makes `q=` a full-text search (every word, ranked without a sort, paged by
// offset then) that follows creates, updates and deletes and indexes rows stored before it was
// declared. /openapi.json lists exactly what each list takes.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// A catalogue of articles; `declarations` are the x-apiserver-* lines of the item schema.
std::string articles_document(const std::string& declarations) {
  return R"(openapi: 3.0.3
info: {title: Articles, version: "1"}
paths:
  /articles:
    get:
      responses:
        "200":
          description: A page
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Article"}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}
  /articles/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: The article, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}
    patch:
      requestBody: {content: {application/merge-patch+json: {schema: {$ref: "#/components/schemas/Article"}}}}
      responses:
        "200": {description: Updated, content: {application/json: {schema: {$ref: "#/components/schemas/Article"}}}}
    delete:
      responses: {"204": {description: Deleted}}
components:
  schemas:
    Article:
      type: object
)" + declarations +
         R"(      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
        body: {type: string}
        price: {type: number}
        status: {type: string}
)";
}

const char* const kDeclared = R"(      x-apiserver-filter: [price, status]
      x-apiserver-sort: [price]
      x-apiserver-search: [title, body]
)";

// The names of the server's own indexes in the database file.
std::set<std::string> own_indexes(const std::string& path) {
  std::set<std::string> names;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE name LIKE 'apiserver_ix_%'",
                           -1, &stmt, nullptr) == SQLITE_OK) {
      while (sqlite3_step(stmt) == SQLITE_ROW)
        names.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return names;
}

std::vector<int> ids_of(const HttpResponse& r) {
  std::vector<int> ids;
  for (const json& item : r.json()) ids.push_back(item["id"].get<int>());
  return ids;
}

class DeclaredQueriesTest : public ::testing::Test {
 protected:
  void create(HttpClient& client, const json& body) {
    HttpResponse r = client.post_json("/articles", body);
    ASSERT_EQ(r.status, 201) << r.body;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("articles.db");
};

TEST_F(DeclaredQueriesTest, OnlyDeclaredPropertiesFilterAndSort) {
  ServerProcess server({write_file(dir_, "a.yaml", articles_document(kDeclared)), "--db", db_});
  HttpClient client(server.port());
  create(client, {{"title", "a"}, {"price", 3}, {"status", "new"}});
  create(client, {{"title", "b"}, {"price", 1}, {"status", "old"}});
  create(client, {{"title", "c"}, {"price", 2}, {"status", "new"}});
  auto refused = [](std::string name, std::string target, json errors) {
    return refused_get(std::move(name), std::move(target), "/articles", std::move(errors));
  };
  run_scenarios(
      client,
      {
          Scenario("The key filters and sorts without being declared.")
              .get("/articles?id[gte]=2&sort=-id")
              .expect_status(200)
              .check([](const HttpResponse& r) {
                EXPECT_EQ(ids_of(r), (std::vector<int>{3, 2}));
              }),
          Scenario("A declared filter and sort apply.")
              .get("/articles?status=new&price[gte]=2&sort=-price")
              .expect_status(200)
              .check([](const HttpResponse& r) {
                EXPECT_EQ(ids_of(r), (std::vector<int>{1, 3}));
              }),
          refused(
              "An undeclared property is no filter; the declared ones are named.",
              "/articles?title=a",
              {query_error("title",
                           "is not a filterable property; filter by one of: id, price, status")}),
          refused("An undeclared property is no sort.", "/articles?sort=status",
                  {query_error("sort",
                               "cannot sort by 'status'; sort by one of: id, price (prefix '-' "
                               "for descending)")}),
      });
  if (testing_on_postgres()) return;  // own_indexes() reads the SQLite file
  EXPECT_EQ(own_indexes(db_),
            (std::set<std::string>{"apiserver_ix_articles_price", "apiserver_ix_articles_status"}));
}

// The operators on a number property (examples/todo.yaml has none; its tests cover integer,
// text, boolean and date properties), through its index.
TEST_F(DeclaredQueriesTest, EveryOperatorWorksOnANumberProperty) {
  ServerProcess server({write_file(dir_, "a.yaml", articles_document(kDeclared)), "--db", db_});
  HttpClient client(server.port());
  create(client, {{"title", "a"}, {"price", 1.5}});
  create(client, {{"title", "b"}, {"price", 2}});
  create(client, {{"title", "c"}, {"price", 2.25}});
  create(client, {{"title", "d"}});
  struct Case {
    const char* query;
    std::vector<int> ids;
  };
  const Case cases[] = {
      {"price=2", {2}},
      {"price[eq]=2.0", {2}},
      {"price[ne]=2", {1, 3, 4}},
      {"price[lt]=2", {1}},
      {"price[lte]=2", {1, 2}},
      {"price[gt]=2", {3}},
      {"price[gte]=1.5", {1, 2, 3}},
      {"price[in]=1.5,2.25", {1, 3}},
      {"price[null]=true", {4}},
      {"price[null]=false", {1, 2, 3}},
      {"price[gt]=1&price[lt]=2.25", {1, 2}},
      {"price[gte]=-1e3", {1, 2, 3}},
  };
  for (const Case& c : cases) {
    HttpResponse r = client.get(std::string("/articles?") + c.query);
    ASSERT_EQ(r.status, 200) << c.query << ": " << r.body;
    EXPECT_EQ(ids_of(r), c.ids) << c.query;
  }
  HttpResponse bad = client.get("/articles?price[gt]=cheap");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["errors"][0]["detail"], "must be a number") << bad.body;
}

TEST_F(DeclaredQueriesTest, IndexesFollowTheDeclarations) {
  if (testing_on_postgres())
    GTEST_SKIP() << "reads the indexes from the SQLite file (sqlite_master); "
                    "postgres_store_startup_test.cpp checks them on PostgreSQL";
  { ServerProcess server({write_file(dir_, "a.yaml", articles_document(kDeclared)), "--db", db_}); }
  EXPECT_EQ(own_indexes(db_).size(), 2u);
  {
    ServerProcess server(
        {write_file(dir_, "b.yaml", articles_document("      x-apiserver-sort: [status]\n")),
         "--db", db_});
    HttpClient client(server.port());
    // Without x-apiserver-filter every scalar property filters again.
    EXPECT_EQ(client.get("/articles?title=x").status, 200);
  }
  EXPECT_EQ(own_indexes(db_), (std::set<std::string>{"apiserver_ix_articles_status"}));
}

TEST_F(DeclaredQueriesTest, SearchFindsEveryWordRanksAndFollowsWrites) {
  ServerProcess server({write_file(dir_, "a.yaml", articles_document(kDeclared)), "--db", db_});
  HttpClient client(server.port());
  create(client, {{"title", "The quick brown fox"}, {"body", "jumps over the lazy dog"}});
  create(client, {{"title", "Fox"}, {"body", "fox, fox and fox"}, {"price", 9}});
  create(client, {{"title", "A dog's life"}, {"body", "no foxes here"}, {"price", 1}});

  HttpResponse ranked = client.get("/articles?q=fox");
  ASSERT_EQ(ranked.status, 200) << ranked.body;
  EXPECT_EQ(ids_of(ranked), (std::vector<int>{2, 1})) << "the article most about foxes first";
  EXPECT_EQ(ranked.header("link"), R"(</articles?q=fox&limit=20&offset=0>; rel="first")");
  EXPECT_EQ(ids_of(client.get("/articles?q=FOX%20lazy")), (std::vector<int>{1}))
      << "every word, in any letter case";
  EXPECT_EQ(ids_of(client.get("/articles?q=fox&sort=-price")), (std::vector<int>{2, 1}));
  EXPECT_EQ(ids_of(client.get("/articles?q=dog&price[lt]=5")), (std::vector<int>{3}));
  // What would be FTS5 syntax is only text.
  for (const char* text : {"%22fox", "fox%20OR%20dog", "NEAR(fox", "*", "fox%22%20AND%20%22"}) {
    HttpResponse r = client.get(std::string("/articles?q=") + text);
    EXPECT_EQ(r.status, 200) << text << ": " << r.body;
  }
  EXPECT_EQ(ids_of(client.get("/articles?q=fox%20OR%20dog")), std::vector<int>{})
      << "OR is a word to find, not an operator";
  // Blanks alone are no search: every article, in key order, paged by cursor as any list.
  HttpResponse blank = client.get("/articles?q=%20%09%20");
  EXPECT_EQ(ids_of(blank), (std::vector<int>{1, 2, 3})) << blank.body;
  EXPECT_EQ(client.get("/articles?q=%20&cursor=WyIiLDFd").status, 200);
  // A ranked page is paged by offset; a cursor does not apply to it.
  HttpResponse page = client.get("/articles?q=fox&limit=1");
  EXPECT_EQ(page.header("link"), R"(</articles?q=fox&limit=1&offset=0>; rel="first", )"
                                 R"(</articles?q=fox&limit=1&offset=1>; rel="next")");
  EXPECT_EQ(client.get("/articles?q=fox&cursor=WyIiLDFd").status, 422);

  ASSERT_EQ(client
                .patch("/articles/2", R"({"title":"Wolf","body":"a grey wolf"})",
                       {{"Content-Type", "application/merge-patch+json"}})
                .status,
            200);
  EXPECT_EQ(ids_of(client.get("/articles?q=fox")), (std::vector<int>{1}));
  EXPECT_EQ(ids_of(client.get("/articles?q=wolf")), (std::vector<int>{2}));
  ASSERT_EQ(client.del("/articles/1").status, 204);
  EXPECT_EQ(ids_of(client.get("/articles?q=fox")), std::vector<int>{});
  // Prefer: count=exact counts the matches.
  HttpResponse counted = client.get("/articles?q=dog", {{"Prefer", "count=exact"}});
  EXPECT_EQ(counted.header("x-total-count"), "1");
}

TEST_F(DeclaredQueriesTest, RowsStoredBeforeSearchIsDeclaredAreFound) {
  {
    ServerProcess server({write_file(dir_, "a.yaml", articles_document("")), "--db", db_});
    HttpClient client(server.port());
    create(client, {{"title", "Old news"}, {"body", "from before the search"}});
    // Without x-apiserver-search, q is a filter on a property that does not exist.
    EXPECT_EQ(client.get("/articles?q=news").status, 422);
  }
  ServerProcess server({write_file(dir_, "b.yaml", articles_document(kDeclared)), "--db", db_});
  HttpClient client(server.port());
  EXPECT_EQ(ids_of(client.get("/articles?q=news")), (std::vector<int>{1}));
}

TEST_F(DeclaredQueriesTest, ThePublishedDocumentListsWhatTheListTakes) {
  ServerProcess server({write_file(dir_, "a.yaml", articles_document(kDeclared)), "--db", db_});
  HttpClient client(server.port());
  json document = client.get("/openapi.json").json();
  std::vector<std::string> names;
  for (const json& p : document["paths"]["/articles"]["get"]["parameters"])
    names.push_back(p["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"limit", "offset", "cursor", "sort", "q", "fields",
                                             "id", "price", "status"}));
}

TEST_F(DeclaredQueriesTest, RoutesShowWhatListsMayAsk) {
  RunResult run =
      ServerProcess::run({"routes", write_file(dir_, "a.yaml", articles_document(kDeclared))},
                         std::chrono::seconds(10));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("table articles (Article): id [key], title, body, price [indexed], "
                         "status [indexed], apiserver_version [row version]; filters: id, price, "
                         "status; sorts: id, price; q= searches title, body\n"),
            std::string::npos)
      << run.out;
}

TEST_F(DeclaredQueriesTest, ADeclarationNamingNoUsablePropertyStopsTheStart) {
  const std::string spec = write_file(
      dir_, "bad.yaml",
      articles_document("      x-apiserver-search: [price]\n      x-apiserver-sortt: [price]\n"));
  RunResult run = ServerProcess::run({"validate", spec}, std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err).find("bad.yaml:29:28: error: "), std::string::npos)
      << (run.out + run.err);
  EXPECT_NE((run.out + run.err)
                .find("'price' is not a text property of the schema; name one of: title, "
                      "body, status"),
            std::string::npos)
      << (run.out + run.err);
  EXPECT_NE((run.out + run.err).find("unknown extension 'x-apiserver-sortt'"), std::string::npos)
      << (run.out + run.err);
}

}  // namespace
}  // namespace apiserver::test
