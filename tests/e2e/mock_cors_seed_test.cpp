// CORS and seed rows, end to end.
//
// CORS (specs/vocabulary.md `cors`): preflight answers for allowed and refused origins, the
// CORS headers of stored answers, mock answers and errors, `Vary: Origin` (also without an
// Origin, so that a shared cache never hands a browser an answer without its CORS headers),
// `--mock` allowing any origin unless the document declares cors, and allow-credentials with
// "*" refused at start-up. Fixtures: specs/mock_cors.yaml, specs/mock_seed.yaml.
//
// Seeds (specs/vocabulary.md `x-apiserver-seed`, specs/mock.md `--mock`): inline rows and a file
// relative to the document, loaded once (a restart neither duplicates them nor brings back a
// deleted one), invalid or conflicting rows stopping start-up with a message naming the row,
// and `--mock` keeping seeded resources stored (statefully, on a throwaway database that is gone
// after exit) while unseeded ones answer as mocks. Fixture: specs/mock_seed.yaml with
// specs/mock_seeds/shapes.yaml.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kAllowed[] = "https://app.example.com";
constexpr char kRefused[] = "https://evil.example";
constexpr char kAnyExposed[] =
    "Location, Link, X-Total-Count, Preference-Applied, Retry-After, Allow";

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

// Names of the Access-Control-* headers of `r`, lower-cased.
std::vector<std::string> cors_headers(const HttpResponse& r) {
  std::vector<std::string> out;
  for (const auto& [name, value] : r.headers) {
    std::string lower = name;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("access-control-", 0) == 0) out.push_back(lower);
  }
  return out;
}

Headers preflight(const std::string& origin, const std::string& method,
                  const std::string& request_headers = "") {
  Headers headers{{"Origin", origin}, {"Access-Control-Request-Method", method}};
  if (!request_headers.empty())
    headers.emplace_back("Access-Control-Request-Headers", request_headers);
  return headers;
}

// ---------------------------------------------------------------------------------------------
// Declared CORS

class MockCorsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{spec("mock_cors.yaml"), "--db", dir_.file("cors.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(MockCorsTest, APreflightFromAnAllowedOriginIsAnswered) {
  auto preflight_to = [](const std::string& path, const std::string& methods) {
    return Scenario("A preflight to " + path + " from an allowed origin is answered.")
        .options(path)
        .headers(preflight(kAllowed, "POST", "content-type, x-trace-id"))
        .expect_status(204)
        .expect_body("")
        .expect_header("access-control-allow-origin", kAllowed)
        .expect_header("access-control-allow-methods", methods)
        // The declared allow-headers, not the ones asked for.
        .expect_header("access-control-allow-headers", "Content-Type, X-Trace-Id")
        .expect_header("access-control-allow-credentials", "true")
        .expect_header("access-control-max-age", "900")
        .expect_header("vary",
                       "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  };
  run_each_scenario(client_, {
                                 preflight_to("/notes", "GET, POST, HEAD, OPTIONS"),
                                 preflight_to("/notes/1", "GET, DELETE, HEAD, OPTIONS"),
                                 preflight_to("/stats", "GET, HEAD, OPTIONS"),
                             });
  // The other allowed origin is echoed too.
  HttpResponse local = client_.options("/notes", preflight("http://localhost:5173", "GET"));
  EXPECT_EQ(local.header("access-control-allow-origin"), "http://localhost:5173");
}

TEST_F(MockCorsTest, APreflightFromAnotherOriginGetsNoCorsHeaders) {
  for (const std::string& origin : {std::string(kRefused), std::string("null"),
                                    std::string("https://app.example.com.evil.example")}) {
    SCOPED_TRACE(origin);
    HttpResponse r = client_.options("/notes", preflight(origin, "POST", "content-type"));
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(cors_headers(r), std::vector<std::string>{});
    EXPECT_EQ(r.header("vary"),
              "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  }
}

TEST_F(MockCorsTest, AnswersAndErrorsCarryTheCorsHeadersOfAnAllowedOrigin) {
  ASSERT_EQ(client_.post("/notes", R"({"text":"first"})").status, 201);
  // Every request below comes from the allowed origin.
  auto answer = [](const std::string& what, std::string method, std::string target,
                   std::string body, int status) {
    return Scenario("The " + what + " carries the CORS headers of the allowed origin.")
        .request(std::move(method), std::move(target), std::move(body))
        .header("Origin", kAllowed)
        .expect_status(status)
        .expect_header("access-control-allow-origin", kAllowed)
        .expect_header("access-control-allow-credentials", "true")
        .expect_header("access-control-expose-headers", "Location, X-Total-Count")
        .expect_header_values("vary", {"Origin"});
  };
  run_each_scenario(client_,
                    {
                        answer("stored list", "GET", "/notes", "", 200),
                        answer("stored create", "POST", "/notes", R"({"text":"second"})", 201),
                        answer("stored read", "GET", "/notes/1", "", 200),
                        answer("mock answer", "GET", "/stats", "", 200),
                        answer("404 of no such item", "GET", "/notes/99", "", 404),
                        answer("404 of no such path", "GET", "/nope", "", 404),
                        answer("405 of a method not allowed", "PUT", "/notes", "", 405),
                        answer("422 of an invalid body", "POST", "/notes", R"({"text":""})", 422),
                        answer("400 of a malformed body", "POST", "/notes", R"({"text")", 400),
                        answer("answer to OPTIONS without preflight", "OPTIONS", "/notes", "", 204),
                    });
}

TEST_F(MockCorsTest, AnswersToAnotherOriginOrToNoOriginOnlyVaryOnOrigin) {
  for (std::string target : {"/notes", "/stats", "/nope"}) {
    SCOPED_TRACE(target);
    HttpResponse refused = client_.get(target, {{"Origin", kRefused}});
    EXPECT_EQ(cors_headers(refused), std::vector<std::string>{});
    EXPECT_EQ(refused.header_values("vary"), std::vector<std::string>{"Origin"});

    // Without Origin the answer differs from an allowed origin's, so a cache must know that.
    HttpResponse plain = client_.get(target);
    EXPECT_EQ(cors_headers(plain), std::vector<std::string>{});
    EXPECT_EQ(plain.header_values("vary"), std::vector<std::string>{"Origin"});
  }
}

TEST(MockCorsMockFlag, WithoutDeclaredCorsAnyOriginIsAllowed) {
  TempDir dir;
  ServerProcess server({"--mock", spec("mock_seed.yaml"), "--db", dir.file("ignored.db")});
  HttpClient client(server.port());

  HttpResponse pre = client.options(
      "/colors", preflight("http://localhost:3000", "DELETE", "x-requested-with, content-type"));
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("access-control-allow-origin"), "*");
  EXPECT_EQ(pre.header("access-control-allow-methods"), "GET, POST, HEAD, OPTIONS");
  EXPECT_EQ(pre.header("access-control-allow-headers"), "x-requested-with, content-type")
      << "without declared allow-headers, what the preflight asks for";
  EXPECT_EQ(pre.header("access-control-max-age"), "600");
  EXPECT_FALSE(pre.header("access-control-allow-credentials").has_value());

  // A mock answer, a stored (seeded) answer and an error, from any origin or none.
  for (std::string target : {"/palette", "/colors", "/colors/99", "/nope"}) {
    for (const Headers& headers : {Headers{{"Origin", "http://localhost:3000"}}, Headers{}}) {
      SCOPED_TRACE(target + (headers.empty() ? " without Origin" : " with Origin"));
      HttpResponse r = client.get(target, headers);
      EXPECT_EQ(r.header("access-control-allow-origin"), "*");
      EXPECT_EQ(r.header("access-control-expose-headers"), kAnyExposed);
      EXPECT_FALSE(r.header("access-control-allow-credentials").has_value());
      EXPECT_FALSE(r.header("vary").has_value()) << "\"*\" is the same for every origin";
    }
  }
}

TEST(MockCorsMockFlag, WithoutMockTheSameDocumentHasNoCors) {
  TempDir dir;
  ServerProcess server({spec("mock_seed.yaml"), "--db", dir.file("seed.db")});
  HttpClient client(server.port());
  HttpResponse r = client.get("/palette", {{"Origin", "http://localhost:3000"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(cors_headers(r), std::vector<std::string>{});
  EXPECT_FALSE(r.header("vary").has_value());

  // Not a preflight the server knows of: OPTIONS answers with Allow only.
  HttpResponse pre = client.options("/colors", preflight("http://localhost:3000", "POST"));
  EXPECT_EQ(pre.status, 204);
  EXPECT_EQ(pre.header("allow"), "GET, POST, HEAD, OPTIONS");
  EXPECT_EQ(cors_headers(pre), std::vector<std::string>{});
}

TEST(MockCorsMockFlag, DeclaredCorsStillDecides) {
  ServerProcess server({"--mock", spec("mock_cors.yaml")});
  HttpClient client(server.port());
  HttpResponse allowed = client.get("/stats", {{"Origin", kAllowed}});
  EXPECT_EQ(allowed.header("access-control-allow-origin"), kAllowed);
  HttpResponse refused = client.get("/stats", {{"Origin", kRefused}});
  EXPECT_EQ(cors_headers(refused), std::vector<std::string>{});
}

TEST(MockCorsStartUp, CredentialsWithAnyOriginAreRefused) {
  for (std::string origins : {"\"*\"", "[\"http://localhost:5173\", \"*\"]"}) {
    SCOPED_TRACE(origins);
    TempDir dir;
    std::string path = write_file(dir, "cors.yaml",
                                  "openapi: 3.0.3\n"
                                  "info: {title: Credentials, version: 1.0.0}\n"
                                  "x-apiserver:\n"
                                  "  cors:\n"
                                  "    allow-origins: " +
                                      origins +
                                      "\n"
                                      "    allow-credentials: true\n"
                                      "paths:\n"
                                      "  /x:\n"
                                      "    get:\n"
                                      "      responses:\n"
                                      "        \"200\": {description: ok}\n");
    const std::string diagnostic =
        path +
        ":5:5: error: allow-credentials cannot go with allow-origins '*' (browsers refuse it); "
        "list the origins (at /x-apiserver/cors)";
    RunResult validated = ServerProcess::run({"validate", path});
    EXPECT_EQ(validated.exit_code, 1);
    EXPECT_NE(validated.out.find(diagnostic), std::string::npos) << validated.out;

    for (const std::vector<std::string>& args :
         {std::vector<std::string>{path, "--port", "0", "--db", dir.file("x.db")},
          std::vector<std::string>{"--mock", path, "--port", "0"}}) {
      RunResult served = ServerProcess::run(args, std::chrono::seconds(10));
      EXPECT_EQ(served.exit_code, 2) << served.err;
      EXPECT_NE(served.err.find(diagnostic), std::string::npos) << served.err;
      EXPECT_EQ(served.err.find("listening"), std::string::npos) << served.err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Seeds

const json kSeedColors = json::parse(
    R"([{"id":1,"name":"red","hex":"#ff0000"},{"id":2,"name":"green","hex":"#00ff00"}])");
// mock_seeds/shapes.yaml, listed in key order.
const json kSeedShapes = json::parse(
    R"([{"slug":"circle","sides":0},{"slug":"square","sides":4},{"slug":"triangle","sides":3}])");

json list(HttpClient& client, const std::string& path) {
  HttpResponse r = client.get(path);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

TEST(MockSeed, RowsArePresentOnFirstStart) {
  TempDir dir;
  ServerProcess server({spec("mock_seed.yaml"), "--db", dir.file("seed.db")});
  HttpClient client(server.port());
  EXPECT_EQ(list(client, "/colors"), kSeedColors);
  EXPECT_EQ(list(client, "/shapes"), kSeedShapes) << "the seed file is relative to the document";
  EXPECT_EQ(list(client, "/sizes"), json::array()) << "a stored resource without seed rows";
  HttpResponse square = client.get("/shapes/square");
  EXPECT_EQ(square.status, 200);
  EXPECT_EQ(square.json(), json::parse(R"({"slug":"square","sides":4})"));
  EXPECT_TRUE(server.wait_for_log("table colors: loaded 2 seed row(s)"));
  EXPECT_TRUE(server.wait_for_log("table shapes: loaded 3 seed row(s)"));
}

TEST(MockSeed, ARestartNeitherDuplicatesNorBringsBackDeletedRows) {
  TempDir dir;
  const std::vector<std::string> args{spec("mock_seed.yaml"), "--db", dir.file("seed.db")};
  {
    ServerProcess server(args);
    HttpClient client(server.port());
    EXPECT_EQ(list(client, "/colors"), kSeedColors);
  }
  {
    ServerProcess server(args);
    HttpClient client(server.port());
    EXPECT_EQ(list(client, "/colors"), kSeedColors) << "seeded once, not at every start";
    EXPECT_EQ(list(client, "/shapes"), kSeedShapes);
    EXPECT_EQ(server.log().find("seed row"), std::string::npos) << server.log();
    EXPECT_EQ(client.del("/colors/1").status, 204);
    HttpResponse created = client.post("/colors", R"({"name":"blue","hex":"#0000ff"})");
    EXPECT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), "/colors/3");
  }
  ServerProcess server(args);
  HttpClient client(server.port());
  EXPECT_EQ(list(client, "/colors"), json::parse(R"([{"id":2,"name":"green","hex":"#00ff00"},
      {"id":3,"name":"blue","hex":"#0000ff"}])"))
      << "the deleted seed row stays deleted";
  EXPECT_EQ(list(client, "/shapes"), kSeedShapes);
}

// A document with the colors of mock_seed.yaml, seeded by `seed` (a YAML flow list or a path).
std::string seeded_document(const std::string& seed) {
  return "openapi: 3.0.3\n"
         "info: {title: Seeds, version: 1.0.0}\n"
         "paths:\n"
         "  /colors:\n"
         "    get:\n"
         "      responses:\n"
         "        \"200\":\n"
         "          description: ok\n"
         "          content:\n"
         "            application/json:\n"
         "              schema: {type: array, items: {$ref: \"#/components/schemas/Color\"}}\n"
         "  /colors/{name}:\n"
         "    parameters: [{name: name, in: path, required: true, schema: {type: string}}]\n"
         "    get:\n"
         "      responses:\n"
         "        \"200\":\n"
         "          description: ok\n"
         "          content:\n"
         "            application/json:\n"
         "              schema: {$ref: \"#/components/schemas/Color\"}\n"
         "components:\n"
         "  schemas:\n"
         "    Color:\n"
         "      type: object\n"
         "      required: [name, hex]\n"
         "      properties:\n"
         "        name: {type: string}\n"
         "        hex: {type: string, pattern: \"^#[0-9a-f]{6}$\"}\n"
         "      x-apiserver-seed:" +
         seed + "\n";
}

struct BadSeed {
  std::string name;
  std::string seed;        // after "x-apiserver-seed:"
  std::string seed_file;   // contents of seeds/colors.yaml, if any
  std::string diagnostic;  // after "colors.yaml:"
};

TEST(MockSeed, AnInvalidRowStopsStartUpNamingTheRow) {
  const std::vector<BadSeed> cases = {
      {"inline row",
       "\n        - {name: red, hex: \"#ff0000\"}\n        - {name: green, hex: GREEN}", "",
       "31:11: error: seed row 1 of x-apiserver-seed breaks the schema: /hex must match the "
       "pattern ^#[0-9a-f]{6}$ (at /components/schemas/Color/x-apiserver-seed/1)"},
      {"inline row without a required property", "\n        - {hex: \"#ff0000\"}", "",
       "30:11: error: seed row 0 of x-apiserver-seed breaks the schema: /name is required "
       "(at /components/schemas/Color/x-apiserver-seed/0)"},
      {"row of a file", " seeds/colors.yaml",
       "- {name: red, hex: \"#ff0000\"}\n- {name: green, hex: 7}\n",
       "29:25: error: seed row 1 of SEEDS breaks the schema: /hex must be a string "
       "(at /components/schemas/Color/x-apiserver-seed)"},
      {"missing file", " seeds/missing.yaml", "",
       "29:25: error: cannot read seed file MISSING: no such file "
       "(at /components/schemas/Color/x-apiserver-seed)"},
      {"not a list", " {name: red, hex: \"#ff0000\"}", "",
       "29:25: error: x-apiserver-seed must be a list of items, or the path of a file holding "
       "one (at /components/schemas/Color/x-apiserver-seed)"},
  };
  for (const BadSeed& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::string path = write_file(dir, "colors.yaml", seeded_document(c.seed));
    if (!c.seed_file.empty()) write_file(dir, "seeds/colors.yaml", c.seed_file);
    std::string diagnostic = path + ":" + c.diagnostic;
    diagnostic = std::regex_replace(diagnostic, std::regex("SEEDS"), dir.file("seeds/colors.yaml"));
    diagnostic =
        std::regex_replace(diagnostic, std::regex("MISSING"), dir.file("seeds/missing.yaml"));

    RunResult served = ServerProcess::run({path, "--port", "0", "--db", dir.file("colors.db")},
                                          std::chrono::seconds(10));
    EXPECT_EQ(served.exit_code, 2) << served.err;
    EXPECT_NE(served.err.find(diagnostic), std::string::npos)
        << "expected: " << diagnostic << "\nserver said: " << served.err;
    EXPECT_EQ(served.err.find("listening"), std::string::npos) << served.err;
    EXPECT_FALSE(fs::exists(dir.file("colors.db"))) << "no database is opened";
  }
}

TEST(MockSeed, RowsWithTheSameKeyStopStartUpAndACorrectedDocumentIsSeeded) {
  TempDir dir;
  const std::string db = dir.file("colors.db");
  std::string path = write_file(dir, "colors.yaml",
                                seeded_document("\n        - {name: red, hex: \"#ff0000\"}\n"
                                                "        - {name: red, hex: \"#ee0000\"}"));
  RunResult refused =
      ServerProcess::run({path, "--port", "0", "--db", db}, std::chrono::seconds(10));
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("seed row 1 of table colors refused: an item with this key already "
                             "exists: {\"hex\":\"#ee0000\",\"name\":\"red\"}"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("listening"), std::string::npos) << refused.err;

  // The failed start must not leave an empty table that the next start takes as seeded.
  write_file(dir, "colors.yaml",
             seeded_document("\n        - {name: red, hex: \"#ff0000\"}\n"
                             "        - {name: ruby, hex: \"#ee0000\"}"));
  ServerProcess server({path, "--db", db});
  HttpClient client(server.port());
  EXPECT_EQ(list(client, "/colors"), json::parse(R"([{"name":"red","hex":"#ff0000"},
      {"name":"ruby","hex":"#ee0000"}])"));
}

// Runs `apiserver ARGS` with `cwd` as its working directory: /bin/sh changes into it and execs
// the server (ServerProcess appends --port and --host, which "$@" passes on).
ServerProcess serve_in(const std::string& cwd, std::vector<std::string> args) {
  std::vector<std::string> sh{"-c", "cd \"$0\" && exec \"$@\"", cwd, server_binary()};
  sh.insert(sh.end(), args.begin(), args.end());
  return ServerProcess::with_binary("/bin/sh", sh);
}

std::vector<std::string> directory_listing(const std::string& path) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(path)) out.push_back(entry.path().string());
  return out;
}

TEST(MockSeed, MockFlagKeepsSeededResourcesStoredOnAThrowawayDatabase) {
  TempDir cwd;
  TempDir dbdir;
  const std::string db = dbdir.file("seed.db");
  std::string database_path;
  {
    ServerProcess server = serve_in(cwd.path(), {"--mock", spec("mock_seed.yaml"), "--db", db});
    HttpClient client(server.port());
    EXPECT_TRUE(server.wait_for_log("--db " + database_for(db) + " is not used")) << server.log();

    // Seeded: stored, and stateful.
    EXPECT_EQ(list(client, "/colors"), kSeedColors);
    EXPECT_EQ(list(client, "/shapes"), kSeedShapes);
    HttpResponse created = client.post("/colors", R"({"name":"blue","hex":"#0000ff"})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.header("location"), "/colors/3");
    HttpResponse read = client.get("/colors/3");
    EXPECT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json(), json::parse(R"({"id":3,"name":"blue","hex":"#0000ff"})"));
    EXPECT_EQ(list(client, "/colors").size(), 3u);
    EXPECT_EQ(client.get("/colors/99").status, 404) << "a stored read, not a mock";

    // Not seeded: answers as a mock, from the document's examples, and keeps nothing.
    EXPECT_EQ(list(client, "/sizes"), json::parse(R"([{"id":1,"label":"XL"}])"));
    HttpResponse size = client.post("/sizes", R"({"label":"S"})");
    EXPECT_EQ(size.status, 201) << size.body;
    EXPECT_EQ(size.json(), json::parse(R"({"id":42,"label":"M"})"));
    EXPECT_FALSE(size.header("location").has_value());
    EXPECT_EQ(list(client, "/sizes"), json::parse(R"([{"id":1,"label":"XL"}])"));
    HttpResponse any = client.get("/sizes/999");
    EXPECT_EQ(any.status, 200) << any.body;
    EXPECT_EQ(any.json(), json::parse(R"({"id":42,"label":"M"})"));
    // ...but still validates what it is sent.
    HttpResponse invalid = client.post("/sizes", R"({"label":"XXL"})");
    EXPECT_EQ(invalid.status, 422) << invalid.body;

    std::smatch m;
    std::string log = server.log();
    ASSERT_TRUE(std::regex_search(log, m, std::regex(R"(database (\S+) \(2 stored resource)")))
        << log;
    database_path = m[1];
    EXPECT_TRUE(fs::exists(database_path));
    EXPECT_EQ(server.stop(), 0);
  }
  EXPECT_EQ(directory_listing(cwd.path()), std::vector<std::string>{})
      << "nothing is written to the working directory";
  EXPECT_EQ(directory_listing(dbdir.path()), std::vector<std::string>{}) << "--db is not used";
  for (const char* suffix : {"", "-wal", "-shm"})
    EXPECT_FALSE(fs::exists(database_path + suffix)) << database_path + suffix;
}

TEST(MockSeed, MockFlagStartsFromTheSeedRowsEveryTime) {
  {
    ServerProcess server({"--mock", spec("mock_seed.yaml")});
    HttpClient client(server.port());
    ASSERT_EQ(client.post("/colors", R"({"name":"blue","hex":"#0000ff"})").status, 201);
    ASSERT_EQ(client.del("/colors/1").status, 204);
  }
  ServerProcess server({"--mock", spec("mock_seed.yaml")});
  HttpClient client(server.port());
  EXPECT_EQ(list(client, "/colors"), kSeedColors);
}

}  // namespace
}  // namespace apiserver::test
