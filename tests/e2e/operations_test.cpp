// The server's own endpoints (health, readiness, metrics, the published document), request ids
// and the access log, on the real binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// The value of the first metrics line starting with `series` ("name{labels}"), or -1.
double metric(const std::string& text, const std::string& series) {
  size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  size_t start = at + series.size() + 2;
  return std::stod(text.substr(start, text.find('\n', start) - start));
}

// True when some object key anywhere in `node` starts with "x-apiserver".
bool has_server_key(const json& node) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key.rfind("x-apiserver", 0) == 0 || has_server_key(value)) return true;
    }
  } else if (node.is_array()) {
    for (const auto& item : node) {
      if (has_server_key(item)) return true;
    }
  }
  return false;
}

std::vector<json> access_lines(const std::string& log) {
  std::vector<json> out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    std::string line = log.substr(start, end - start);
    start = end + 1;
    if (line.rfind("{\"time\"", 0) == 0) out.push_back(json::parse(line));
  }
  return out;
}

TEST(OwnEndpoints, HealthReadinessAndThePublishedDocument) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  HttpResponse health = client.get("/healthz");
  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json(), json({{"status", "ok"}}));
  HttpResponse ready = client.get("/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(ready.json(), json({{"status", "ready"}}));

  HttpResponse published = client.get("/openapi.json");
  ASSERT_EQ(published.status, 200);
  EXPECT_EQ(published.header("content-type"), "application/json");
  json document = published.json();
  EXPECT_EQ(document["info"]["title"], "Todo API");
  EXPECT_TRUE(document["paths"].contains("/todos/{id}"));
  // examples/todo.yaml sets x-apiserver.pagination: it is a server setting, not published.
  EXPECT_FALSE(has_server_key(document)) << published.body;
  HttpResponse yaml = client.get("/openapi.yaml");
  ASSERT_EQ(yaml.status, 200);
  EXPECT_EQ(yaml.body.rfind("openapi: \"3.0.3\"\n", 0), 0u) << yaml.body.substr(0, 80);
  EXPECT_EQ(yaml.body.find("\nx-apiserver:"), std::string::npos);
  EXPECT_NE(yaml.body.find("\n    get:\n      summary: \"List todos\"\n"), std::string::npos);
  EXPECT_EQ(client.head("/healthz").status, 200);
}

// A stored list takes more than its operation declares (paging, sort, a filter per property with
// its operators): the published document lists it, so /docs and client generators can send it.
TEST(OwnEndpoints, ThePublishedDocumentListsTheParametersOfStoredLists) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  HttpResponse published = client.get("/openapi.json");
  ASSERT_EQ(published.status, 200);
  json document = published.json();
  std::vector<std::string> names;
  json by_name = json::object();
  for (const json& p : document["paths"]["/todos"]["get"]["parameters"]) {
    names.push_back(p["name"]);
    by_name[p["name"].get<std::string>()] = p;
  }
  // The four it declares stay as written, first, then the cursor; the filters of id, title and due
  // follow (done is declared, so its own declaration stands).
  EXPECT_EQ(names, (std::vector<std::string>{"limit", "offset", "done", "sort", "cursor", "fields",
                                             "id", "title", "due"}));
  EXPECT_EQ(by_name["cursor"]["schema"], json({{"type", "string"}}));
  EXPECT_EQ(by_name["done"],
            json::parse(R"({"name":"done","in":"query","schema":{"type":"boolean"}})"));
  const json& title = by_name["title"];
  EXPECT_EQ(title["style"], "deepObject");
  EXPECT_EQ(title["explode"], true);
  EXPECT_EQ(title["schema"]["additionalProperties"], false);
  EXPECT_EQ(title["schema"]["properties"]["icontains"], json({{"type", "string"}}));
  const json& id = by_name["id"];
  EXPECT_EQ(id["schema"]["properties"]["gte"], json({{"type", "integer"}}));
  EXPECT_FALSE(id["schema"]["properties"].contains("contains")) << "text operators: text only";
  EXPECT_EQ(by_name["fields"]["schema"]["items"]["enum"],
            json::array({"id", "title", "done", "due", "tags"}));
  EXPECT_EQ(by_name["fields"]["explode"], false);
  const json& read = document["paths"]["/todos/{id}"]["get"];
  ASSERT_EQ(read["parameters"].size(), 1u) << read.dump();
  EXPECT_EQ(read["parameters"][0]["name"], "fields") << "a read takes fields only";
  EXPECT_FALSE(document["paths"]["/todos"]["post"].contains("parameters"));

  // What a client sends from that description is what the server takes.
  ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  ASSERT_EQ(client.post("/todos", R"({"title":"bread"})").status, 201);
  HttpResponse filtered = client.get("/todos?title%5Bicontains%5D=MIL&id%5Bgte%5D=1");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(filtered.json().size(), 1u) << filtered.body;
  HttpResponse selected = client.get("/todos/1?fields=id,title");
  ASSERT_EQ(selected.status, 200) << selected.body;
  EXPECT_EQ(selected.json(), json({{"id", 1}, {"title", "milk"}}));

  // And the server's own validator accepts the document it publishes.
  std::string copy = write_file(dir, "published.json", published.body);
  RunResult validate = ServerProcess::run({"validate", copy});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
}

TEST(OwnEndpoints, AMockedListTakesNoStoredListParameters) {
  ServerProcess server({"--mock", source_path("examples/todo.yaml")});
  HttpClient client(server.port());
  json document = client.get("/openapi.json").json();
  EXPECT_EQ(document["paths"]["/todos"]["get"]["parameters"].size(), 4u);
}

TEST(OwnEndpoints, MetricsCountAKnownSequenceExactly) {
  TempDir dir;
  ServerProcess server(
      {source_path("examples/todo.yaml"), "--db", dir.file("todo.db"), "--access-log", "off"});
  HttpClient client(server.port());
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.get("/todos").status, 200);
  ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(client.get("/todos/999").status, 404);
  ASSERT_EQ(client.post("/todos", R"({"title":""})").status, 422);
  ASSERT_EQ(client.get("/nowhere").status, 404);
  ASSERT_EQ(client.get("/healthz").status, 200);  // not counted

  HttpResponse scraped = client.get("/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = scraped.body;
  EXPECT_EQ(metric(m, R"(apiserver_http_requests_total{route="/todos",method="GET",status="200"})"),
            3);
  EXPECT_EQ(
      metric(m, R"(apiserver_http_requests_total{route="/todos",method="POST",status="201"})"), 1);
  EXPECT_EQ(
      metric(m, R"(apiserver_http_requests_total{route="/todos",method="POST",status="422"})"), 1);
  EXPECT_EQ(
      metric(m, R"(apiserver_http_requests_total{route="/todos/{id}",method="GET",status="404"})"),
      2);
  EXPECT_EQ(metric(m, R"(apiserver_http_requests_total{route="",method="",status="404"})"), 1);
  EXPECT_EQ(
      metric(m, R"(apiserver_http_request_duration_seconds_count{route="/todos",method="GET"})"),
      3);
  EXPECT_EQ(
      metric(
          m,
          R"(apiserver_http_request_duration_seconds_bucket{route="/todos",method="GET",le="+Inf"})"),
      3);
  EXPECT_EQ(metric(m, "apiserver_http_requests_in_flight"), 0);
  EXPECT_EQ(metric(m, "apiserver_rate_limited_total"), 0);
  EXPECT_EQ(metric(m, R"(apiserver_auth_failures_total{status="401"})"), 0);
  EXPECT_EQ(metric(m, "apiserver_database_errors_total"), 0);
  EXPECT_EQ(m.find("/healthz"), std::string::npos);
  EXPECT_EQ(m.find("/metrics"), std::string::npos);
  // No access log was asked for.
  EXPECT_EQ(server.log().find("\"request_id\""), std::string::npos);
}

TEST(RequestIds, AreEchoedOrMadeAndLoggedWithEachRequest) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  HttpResponse echoed = client.get("/todos", {{"X-Request-Id", "trace-42.a_b:c"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-42.a_b:c");
  HttpResponse made = client.get("/todos?key=secret-in-query");
  ASSERT_TRUE(made.header("x-request-id"));
  EXPECT_TRUE(std::regex_match(*made.header("x-request-id"), std::regex("[0-9a-f]{32}")));
  // A hostile id (spaces, quotes, too long) is replaced, never echoed.
  HttpResponse hostile = client.get("/todos", {{"X-Request-Id", "a\"b c"}});
  EXPECT_TRUE(std::regex_match(*hostile.header("x-request-id"), std::regex("[0-9a-f]{32}")));
  HttpResponse too_long = client.get("/todos", {{"X-Request-Id", std::string(129, 'a')}});
  EXPECT_NE(too_long.header("x-request-id"), std::string(129, 'a'));
  HttpResponse problem = client.get("/todos/999", {{"X-Request-Id", "on-an-error"}});
  EXPECT_EQ(problem.status, 404);
  EXPECT_EQ(problem.header("x-request-id"), "on-an-error");

  ASSERT_TRUE(server.wait_for_log("\"request_id\":\"on-an-error\""));
  std::vector<json> lines = access_lines(server.log());
  ASSERT_EQ(lines.size(), 5u) << server.log();
  EXPECT_EQ(lines[0]["request_id"], "trace-42.a_b:c");
  EXPECT_EQ(lines[0]["method"], "GET");
  EXPECT_EQ(lines[0]["route"], "/todos");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_EQ(lines[0]["client"], "127.0.0.1");
  EXPECT_TRUE(lines[0]["duration_ms"].is_number());
  EXPECT_EQ(lines[0]["bytes"], echoed.body.size());
  EXPECT_EQ(lines[1]["request_id"], made.header("x-request-id"));
  EXPECT_EQ(lines[4]["route"], "/todos/{id}");
  EXPECT_EQ(lines[4]["status"], 404);
  // The query string may hold a credential: it is never logged.
  EXPECT_EQ(server.log().find("secret-in-query"), std::string::npos);
}

// A mock that declares X-Request-Id among its response headers still sends one: the request's.
TEST(RequestIds, ReplaceADeclaredResponseHeaderOfTheSameName) {
  TempDir dir;
  const std::string path = write_file(dir, "declared.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /ping:
    get:
      responses:
        "200":
          description: pong
          headers:
            x-request-id: {schema: {type: string}, example: from-the-document}
          content: {application/json: {example: {pong: true}}}
)");
  ServerProcess server({path, "--access-log", "off"});
  HttpClient client(server.port());
  HttpResponse r = client.get("/ping", {{"X-Request-Id", "mine-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header_values("x-request-id"), std::vector<std::string>{"mine-1"});
}

// --log-format json: every server message on stderr is one JSON object, quotes in a message
// included (the document's file name has one here, and reloading names it).
TEST(ServerMessages, AreOneJsonObjectALineWithLogFormatJson) {
  TempDir dir;
  std::ifstream todo(source_path("examples/todo.yaml"));
  const std::string spec =
      write_file(dir, "to\"do.yaml", std::string(std::istreambuf_iterator<char>(todo), {}));
  const std::string db = dir.file("todo.db");
  ServerProcess server({spec, "--db", db, "--access-log", "off"},
                       {{"APISERVER_LOG_FORMAT", "json"}});
  kill(server.pid(), SIGHUP);
  ASSERT_TRUE(server.wait_for_log("\"msg\":\"reloaded ")) << server.log();
  EXPECT_EQ(server.stop(SIGTERM), 0);
  std::istringstream lines(server.log());
  std::vector<json> messages;
  for (std::string line; std::getline(lines, line);) {
    json parsed = json::parse(line, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
    ASSERT_TRUE(parsed["time"].is_string() && parsed["level"].is_string() &&
                parsed["msg"].is_string())
        << line;
    EXPECT_TRUE(std::regex_match(parsed["time"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << line;
    messages.push_back(parsed);
  }
  auto said = [&](const std::string& msg) {
    return std::any_of(messages.begin(), messages.end(),
                       [&](const json& m) { return m["msg"] == msg && m["level"] == "info"; });
  };
  EXPECT_TRUE(said("listening on http://127.0.0.1:" + std::to_string(server.port())));
  EXPECT_TRUE(said("reloaded " + spec)) << server.log();
  EXPECT_TRUE(said("received SIGTERM, shutting down")) << server.log();
}

TEST(OwnEndpoints, ACollisionWithTheDocumentStopsStartUpUnlessMovedOrOff) {
  TempDir dir;
  const std::string colliding = write_file(dir, "health.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /healthz:
    get:
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
)");
  RunResult refused = ServerProcess::run({"validate", colliding});
  EXPECT_EQ(refused.exit_code, 1) << refused.out;
  EXPECT_NE(refused.out.find("the document declares /healthz, which is the server's health "
                             "endpoint; move the endpoint (x-apiserver: {endpoints: {health: "
                             "/other}}) or turn it off (health: false)"),
            std::string::npos)
      << refused.out;

  const std::string moved = write_file(dir, "moved.yaml", R"(openapi: 3.0.3
info: {title: t, version: "1"}
x-apiserver: {endpoints: {health: /internal/health, metrics: false}}
paths:
  /healthz:
    get:
      responses: {"200": {description: mine, content: {application/json: {example: {mine: true}}}}}
)");
  ServerProcess server({moved});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/healthz").json(), json({{"mine", true}}));
  EXPECT_EQ(client.get("/internal/health").json(), json({{"status", "ok"}}));
  EXPECT_EQ(client.get("/metrics").status, 404);
}

}  // namespace
}  // namespace apiserver::test
