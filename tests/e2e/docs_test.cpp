// The interactive documentation pages, /docs (Swagger UI) and /redoc (ReDoc), and the files
// they load from the server, on the real binary; and both rendered by a headless Chromium.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <optional>
#include <regex>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

struct Asset {
  const char* path;
  const char* type;
  const char* marker;  // text the file is known to hold
};

const Asset kAssets[] = {
    {"/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8", "SwaggerUIBundle"},
    {"/docs/swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
    {"/docs/swagger-init.js", "text/javascript; charset=utf-8", "data-openapi-url"},
    {"/redoc/redoc.standalone.js", "text/javascript; charset=utf-8", "Redoc"},
    {"/redoc/redoc-init.js", "text/javascript; charset=utf-8", "Redoc.init"},
};

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(Docs, PagesLoadTheirFilesFromTheServerOnly) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());

  HttpResponse docs = client.get("/docs");
  ASSERT_EQ(docs.status, 200);
  EXPECT_EQ(docs.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(docs.header("cache-control"), "no-store");
  EXPECT_EQ(docs.header("x-content-type-options"), "nosniff");
  ASSERT_TRUE(docs.header("content-security-policy"));
  const std::string policy = *docs.header("content-security-policy");
  EXPECT_NE(policy.find("default-src 'none'"), std::string::npos) << policy;
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos) << policy;
  EXPECT_NE(policy.find("style-src 'self';"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe"), std::string::npos) << policy;
  EXPECT_NE(docs.body.find("<title>Todo API - Swagger UI</title>"), std::string::npos) << docs.body;
  EXPECT_NE(docs.body.find("data-openapi-url=\"/openapi.json\""), std::string::npos) << docs.body;
  EXPECT_NE(docs.body.find("<script src=\"/docs/swagger-ui-bundle.js\"></script>"),
            std::string::npos)
      << docs.body;
  EXPECT_NE(docs.body.find("href=\"/docs/swagger-ui.css\""), std::string::npos) << docs.body;
  // Nothing from another origin, and no inline script (the policy would refuse it).
  EXPECT_EQ(docs.body.find("//"), std::string::npos) << docs.body;
  EXPECT_EQ(count(docs.body, "<script"), count(docs.body, "<script src=\"/docs/")) << docs.body;

  HttpResponse redoc = client.get("/redoc");
  ASSERT_EQ(redoc.status, 200);
  EXPECT_EQ(redoc.header("content-type"), "text/html; charset=utf-8");
  ASSERT_TRUE(redoc.header("content-security-policy"));
  const std::string redoc_policy = *redoc.header("content-security-policy");
  EXPECT_NE(redoc_policy.find("script-src 'self';"), std::string::npos) << redoc_policy;
  EXPECT_EQ(redoc_policy.find("unsafe-eval"), std::string::npos) << redoc_policy;
  EXPECT_NE(redoc.body.find("data-openapi-url=\"/openapi.json\""), std::string::npos);
  EXPECT_NE(redoc.body.find("<script src=\"/redoc/redoc.standalone.js\"></script>"),
            std::string::npos)
      << redoc.body;
  EXPECT_EQ(redoc.body.find("//"), std::string::npos) << redoc.body;
  EXPECT_EQ(count(redoc.body, "<script"), count(redoc.body, "<script src=\"/redoc/"));
  EXPECT_EQ(client.head("/docs").status, 200);
  EXPECT_EQ(client.get("/docs/").status, 404);
  EXPECT_EQ(client.get("/docs/index.html").status, 404);
}

TEST(Docs, FilesCarryTypeStrongETagAndCacheAndAnswer304) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  std::vector<std::string> etags;
  for (const Asset& asset : kAssets) {
    SCOPED_TRACE(asset.path);
    HttpResponse file = client.get(asset.path);
    ASSERT_EQ(file.status, 200);
    EXPECT_EQ(file.header("content-type"), asset.type);
    EXPECT_EQ(file.header("cache-control"), "public, max-age=86400");
    EXPECT_EQ(file.header("x-content-type-options"), "nosniff");
    EXPECT_NE(file.body.find(asset.marker), std::string::npos);
    ASSERT_TRUE(file.header("etag"));
    const std::string etag = *file.header("etag");
    EXPECT_TRUE(std::regex_match(etag, std::regex("\"[0-9a-f]{32}\""))) << etag;  // strong
    etags.push_back(etag);
    // The same file again: the same tag.
    EXPECT_EQ(client.get(asset.path).header("etag"), etag);

    HttpResponse head = client.head(asset.path);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("content-length"), std::to_string(file.body.size()));
    EXPECT_EQ(head.header("etag"), etag);

    for (const std::string& matching :
         {etag, "\"other\", " + etag, "W/" + etag, std::string("*")}) {
      HttpResponse cached = client.get(asset.path, {{"If-None-Match", matching}});
      EXPECT_EQ(cached.status, 304) << matching;
      EXPECT_EQ(cached.body, "");
      EXPECT_EQ(cached.header("etag"), etag);
      EXPECT_EQ(cached.header("cache-control"), "public, max-age=86400");
    }
    HttpResponse changed = client.get(asset.path, {{"If-None-Match", "\"0123\""}});
    EXPECT_EQ(changed.status, 200);
    EXPECT_EQ(changed.body.size(), file.body.size());
  }
  // Large files really are the packages' bundles, and each file has its own tag.
  EXPECT_GT(client.get("/docs/swagger-ui-bundle.js").body.size(), 500'000u);
  EXPECT_GT(client.get("/redoc/redoc.standalone.js").body.size(), 500'000u);
  std::sort(etags.begin(), etags.end());
  EXPECT_EQ(std::unique(etags.begin(), etags.end()), etags.end());
  // Server endpoints: not counted as requests of the document's API.
  HttpResponse metrics = client.get("/metrics");
  EXPECT_EQ(metrics.body.find("/docs"), std::string::npos);
}

TEST(Docs, MoveWithTheirFilesAndFollowTheOpenapiEndpoint) {
  TempDir dir;
  const std::string moved = write_file(dir, "moved.yaml", R"(openapi: 3.0.3
info: {title: "Tom & <Jerry>", version: "1"}
x-apiserver:
  endpoints: {docs: /api/reference, redoc: false, openapi: /spec/openapi}
paths:
  /ping:
    get:
      responses: {"200": {description: pong, content: {application/json: {example: {pong: true}}}}}
)");
  ServerProcess server({moved, "--access-log", "off"});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/docs").status, 404);
  EXPECT_EQ(client.get("/docs/swagger-ui.css").status, 404);
  EXPECT_EQ(client.get("/redoc").status, 404);
  EXPECT_EQ(client.get("/redoc/redoc.standalone.js").status, 404);
  HttpResponse page = client.get("/api/reference");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<title>Tom &amp; &lt;Jerry&gt; - Swagger UI</title>"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("data-openapi-url=\"/spec/openapi.json\""), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("src=\"/api/reference/swagger-ui-bundle.js\""), std::string::npos)
      << page.body;
  EXPECT_EQ(client.get("/api/reference/swagger-ui.css").status, 200);
  EXPECT_EQ(client.get("/api/reference/swagger-ui-bundle.js").status, 200);
  EXPECT_EQ(client.get("/api/reference/redoc.standalone.js").status, 404);  // ReDoc's, off
  EXPECT_EQ(client.get("/spec/openapi.json").status, 200);
}

TEST(Docs, AreOffWithTheOpenapiEndpoint) {
  TempDir dir;
  const std::string off = write_file(dir, "off.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
x-apiserver: {endpoints: {openapi: false}}
paths:
  /ping:
    get:
      responses: {"200": {description: pong, content: {application/json: {example: {pong: true}}}}}
)");
  RunResult checked = ServerProcess::run({"validate", off});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_EQ((checked.out + checked.err).find("endpoints.docs"), std::string::npos);
  ServerProcess server({off, "--access-log", "off"});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/openapi.json").status, 404);
  EXPECT_EQ(client.get("/docs").status, 404);
  EXPECT_EQ(client.get("/docs/swagger-ui-bundle.js").status, 404);
  EXPECT_EQ(client.get("/redoc").status, 404);
  EXPECT_EQ(client.get("/redoc/redoc.standalone.js").status, 404);

  // Asking for a docs page without the document it shows: a warning says it is off.
  const std::string asked = write_file(dir, "asked.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
x-apiserver: {endpoints: {openapi: false, docs: /reference}}
paths: {}
)");
  RunResult warned = ServerProcess::run({"validate", asked});
  EXPECT_EQ(warned.exit_code, 0) << warned.out << warned.err;
  EXPECT_NE((warned.out + warned.err)
                .find("endpoints.docs is off: it shows the published document, and "
                      "endpoints.openapi is false"),
            std::string::npos)
      << warned.out << warned.err;
}

TEST(Docs, ACollisionWithTheDocumentStopsStartUpUnlessMovedOrOff) {
  TempDir dir;
  const std::string page = write_file(dir, "page.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /docs:
    get:
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
)");
  RunResult refused = ServerProcess::run({"validate", page});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("the document declares /docs, which is the server's docs endpoint; "
                             "move the endpoint (x-apiserver: {endpoints: {docs: /other}}) or "
                             "turn it off (docs: false)"),
            std::string::npos)
      << refused.out;

  // A template below the page would hide the page's files.
  const std::string files = write_file(dir, "files.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /redoc/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
)");
  RunResult hidden = ServerProcess::run({"validate", files});
  EXPECT_EQ(hidden.exit_code, 1) << hidden.out;
  EXPECT_NE(hidden.out.find("the document declares /redoc/redoc.standalone.js, which is the "
                            "server's redoc endpoint"),
            std::string::npos)
      << hidden.out;

  const std::string moved = write_file(dir, "moved.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
x-apiserver: {endpoints: {docs: /swagger, redoc: false}}
paths:
  /docs:
    get:
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
  /redoc/{name}:
    get:
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
)");
  ServerProcess server({moved, "--access-log", "off"});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/docs").json(), json({{"mine", true}}));
  EXPECT_EQ(client.get("/redoc/redoc.standalone.js").json(), json({{"mine", true}}));
  EXPECT_EQ(client.get("/swagger").status, 200);
}

// --- Rendered by a browser ----------------------------------------------------------------

// The first of `names` found as an executable file on PATH, or "".
std::string find_on_path(std::initializer_list<const char*> names) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  for (const char* name : names) {
    std::string dirs = path;
    size_t start = 0;
    while (start <= dirs.size()) {
      size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      std::string candidate = dirs.substr(start, end - start) + "/" + name;
      if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
      start = end + 1;
    }
  }
  return "";
}

// The DOM of `url` after its scripts ran, as headless Chromium dumps it.
std::string rendered_dom(const std::string& chromium, const std::string& url) {
  TempDir profile;  // tests may run in parallel: one profile each
  RunResult run = ServerProcess::run_binary(
      chromium,
      {"--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
       "--user-data-dir=" + profile.path(), "--virtual-time-budget=10000", "--dump-dom", url},
      std::chrono::seconds(90));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

class DocsRender : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_on_path({"chromium", "chromium-browser"});
    if (chromium_.empty()) {
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium; .ci/run installs "
                      "it): the pages are not rendered by a browser here";
    }
    server_.emplace(std::vector<std::string>{source_path("examples/todo.yaml"), "--db",
                                             dir_.file("todo.db"), "--access-log", "off"});
  }

  std::string chromium_;
  TempDir dir_;
  std::optional<ServerProcess> server_;
};

// The operations of examples/todo.yaml, as Swagger UI and ReDoc show them.
struct ShownOperation {
  const char* method;
  const char* path;
  const char* summary;
  const char* operation_id;
};
const ShownOperation kTodoOperations[] = {
    {"get", "/todos", "List todos", "listTodos"},
    {"post", "/todos", "Create a todo", "createTodo"},
    {"get", "/todos/{id}", "Read a todo", "getTodo"},
    {"put", "/todos/{id}", "Replace a todo", "replaceTodo"},
    {"patch", "/todos/{id}", "Update a todo (JSON Merge Patch)", "updateTodo"},
    {"delete", "/todos/{id}", "Delete a todo", "deleteTodo"},
};

TEST_F(DocsRender, SwaggerUiShowsEveryOperationOfTheDocument) {
  const std::string dom = rendered_dom(chromium_, server_->url("/docs"));
  // Not the page as served: Swagger UI ran, fetched /openapi.json and rendered it.
  ASSERT_NE(dom.find("class=\"swagger-ui\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("Todo API"), std::string::npos);
  EXPECT_EQ(count(dom, "class=\"opblock opblock-"), std::size(kTodoOperations)) << dom;
  for (const ShownOperation& op : kTodoOperations) {
    SCOPED_TRACE(std::string(op.method) + " " + op.path);
    EXPECT_NE(dom.find(std::string("id=\"operations-default-") + op.operation_id + "\""),
              std::string::npos);
    EXPECT_NE(dom.find(std::string("class=\"opblock opblock-") + op.method), std::string::npos);
    EXPECT_NE(dom.find(std::string("data-path=\"") + op.path + "\""), std::string::npos);
    EXPECT_NE(dom.find(op.summary), std::string::npos);
  }
  EXPECT_EQ(dom.find("Failed to load API definition"), std::string::npos) << dom;
}

TEST_F(DocsRender, RedocShowsEveryOperationOfTheDocument) {
  const std::string dom = rendered_dom(chromium_, server_->url("/redoc"));
  // Not the page as served: ReDoc ran, fetched /openapi.json and rendered it (its class names
  // are generated, the last one is its own).
  ASSERT_TRUE(std::regex_search(dom, std::regex("class=\"[^\"]* api-content\"")))
      << dom.substr(0, 2000);
  EXPECT_TRUE(std::regex_search(dom, std::regex("<h1 [^>]*>Todo API")));
  EXPECT_EQ(count(dom, "data-section-id=\"operation/"), std::size(kTodoOperations)) << dom;
  EXPECT_EQ(count(dom, " http-verb "), std::size(kTodoOperations)) << dom;
  for (const ShownOperation& op : kTodoOperations) {
    SCOPED_TRACE(std::string(op.method) + " " + op.path);
    EXPECT_NE(dom.find(std::string("data-section-id=\"operation/") + op.operation_id + "\""),
              std::string::npos);
    // The operation's method and path, as the right-hand panel shows them.
    EXPECT_TRUE(std::regex_search(
        dom, std::regex(std::string("http-verb ") + op.method + "\">" + op.method +
                        "</span><span [^>]*>" +
                        std::regex_replace(op.path, std::regex("[{}]"), "\\$&") + "</span>")));
    EXPECT_NE(dom.find(op.summary), std::string::npos);
  }
  EXPECT_EQ(dom.find("Something went wrong"), std::string::npos) << dom;
}

// A multi-file document (Path Items and Operations in other files): /openapi.json is bundled,
// so Swagger UI lists its operations, not only its tags.
TEST(DocsRenderMultiFile, SwaggerUiShowsTheOperationsOfOtherFiles) {
  const std::string chromium = find_on_path({"chromium", "chromium-browser"});
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed";
  ServerProcess server({test_data_path("e2e/specs/multifile/droplets/openapi.yaml"), "--mock",
                        "--access-log", "off"});
  const std::string dom = rendered_dom(chromium, server.url("/docs"));
  ASSERT_NE(dom.find("class=\"swagger-ui\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_EQ(count(dom, "class=\"opblock opblock-"), 4u) << dom;
  for (const char* id : {"databases_list_clusters", "databases_create_cluster",
                         "databases_get_cluster", "databases_destroy_cluster"})
    EXPECT_NE(dom.find(std::string("id=\"operations-Databases-") + id + "\""), std::string::npos)
        << id;
  EXPECT_NE(dom.find("data-path=\"/v2/databases/{database_cluster_uuid}\""), std::string::npos);
  EXPECT_EQ(dom.find("Failed to load API definition"), std::string::npos) << dom;
  EXPECT_EQ(dom.find("Could not resolve reference"), std::string::npos) << dom;
}

}  // namespace
}  // namespace apiserver::test
