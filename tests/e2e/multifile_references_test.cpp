// Multi-file documents as published by large API vendors (tests/e2e/specs/multifile/): Path
// Items and Operations in other files, parameters, responses, headers and content given by
// reference to files beside them, a whole `properties` map by reference, OpenAPI 3.1 YAML
// mixed with JSON files, `$id` and `$anchor` targets, %- and ~-escaped references. Requests
// are validated and answered per the referenced operations, not as empty 204s.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

std::string droplets() {
  return test_data_path("e2e/specs/multifile/droplets/openapi.yaml");
}

std::string mixed31() {
  return test_data_path("e2e/specs/multifile/mixed31/openapi.yaml");
}

constexpr char kUuid[] = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

TEST(MultiFileDocument, ValidatesWithoutUndeclaredParameters) {
  RunResult r = ServerProcess::run({"validate", droplets()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("not declared"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK, OpenAPI 3.0.3, 4 operation(s)"), std::string::npos) << r.out;
}

TEST(MultiFileDocument, AnswersOperationsOfOtherFilesWithTheirDeclaredBodies) {
  ServerProcess server({droplets(), "--mock"});
  HttpClient client(server.port());
  HttpResponse list = client.get("/v2/databases?per_page=5");
  ASSERT_EQ(list.status, 200) << list.body;
  nlohmann::json body = list.json();
  ASSERT_TRUE(body["databases"].is_array()) << list.body;
  ASSERT_FALSE(body["databases"].empty()) << list.body;
  EXPECT_TRUE(body["databases"][0]["name"].is_string()) << list.body;
  EXPECT_TRUE(list.header("ratelimit-limit")) << "a headers map given by reference";

  HttpResponse one = client.get(std::string("/v2/databases/") + kUuid);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_TRUE(one.json()["database"]["engine"].is_string()) << one.body;
  EXPECT_EQ(client.del(std::string("/v2/databases/") + kUuid).status, 204);
}

TEST(MultiFileDocument, ValidatesParametersDeclaredInAFileBesideTheOperation) {
  ServerProcess server({droplets(), "--mock"});
  HttpClient client(server.port());
  HttpResponse too_many = client.get("/v2/databases?per_page=500");
  EXPECT_EQ(too_many.status / 100, 4) << too_many.body;
  EXPECT_NE(too_many.body.find("per_page"), std::string::npos) << too_many.body;
  HttpResponse not_uuid = client.get("/v2/databases/not-a-uuid");
  EXPECT_EQ(not_uuid.status / 100, 4) << not_uuid.body;
  EXPECT_NE(not_uuid.body.find("database_cluster_uuid"), std::string::npos) << not_uuid.body;
  // A parameters list given by reference, on DELETE.
  EXPECT_EQ(client.del("/v2/databases/not-a-uuid").status / 100, 4);
}

TEST(MultiFileDocument, ValidatesBodiesAgainstAPropertiesMapGivenByReference) {
  ServerProcess server({droplets(), "--mock"});
  HttpClient client(server.port());
  HttpResponse missing = client.post_json("/v2/databases", {{"name", "db"}});
  EXPECT_EQ(missing.status / 100, 4) << missing.body;
  HttpResponse wrong =
      client.post_json("/v2/databases", {{"name", "db"}, {"engine", "oracle"}, {"num_nodes", 1}});
  EXPECT_EQ(wrong.status / 100, 4) << wrong.body;
  EXPECT_NE(wrong.body.find("engine"), std::string::npos) << wrong.body;
  HttpResponse created =
      client.post_json("/v2/databases", {{"name", "db"}, {"engine", "pg"}, {"num_nodes", 1}});
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_TRUE(created.json()["database"].is_object()) << created.body;
}

// Without --mock the operations of other files are mapped onto storage like any others.
TEST(MultiFileDocument, StoresTheReferencedOperationsWithoutMock) {
  RunResult routes = ServerProcess::run({"routes", droplets()});
  EXPECT_NE(routes.out.find("POST    /v2/databases                          create databases"),
            std::string::npos)
      << routes.out;
  TempDir dir;
  ServerProcess server({droplets(), "--db", dir.file("db.sqlite")});
  HttpClient client(server.port());
  HttpResponse list = client.get("/v2/databases?per_page=5");
  EXPECT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(client.get("/v2/databases?per_page=500").status / 100, 4);
}

TEST(MixedYamlAndJson31, ValidatesAndAnswersThroughIdAnchorAndEscapedReferences) {
  RunResult r = ServerProcess::run({"validate", mixed31()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("OK, OpenAPI 3.1.0, 4 operation(s)"), std::string::npos) << r.out;

  ServerProcess server({mixed31(), "--mock"});
  HttpClient client(server.port());
  HttpResponse pets = client.get("/pets?limit=3");
  ASSERT_EQ(pets.status, 200) << pets.body;
  ASSERT_TRUE(pets.json().is_array()) << pets.body;
  EXPECT_EQ(client.get("/pets?limit=99").status / 100, 4) << "a parameter of the JSON file";
  HttpResponse pet = client.get("/pets/7");
  ASSERT_EQ(pet.status, 200) << pet.body;
  std::string kind = pet.json()["kind"].get<std::string>();
  EXPECT_TRUE(kind == "cat" || kind == "dog") << pet.body;
  EXPECT_EQ(client.get("/pets/0").status / 100, 4);
  HttpResponse kinds = client.get("/kinds");
  ASSERT_EQ(kinds.status, 200) << kinds.body;
  EXPECT_TRUE(kinds.json().is_array()) << kinds.body;
  EXPECT_EQ(client.post_json("/pets", {{"name", "Rex"}, {"kind", "cow"}}).status / 100, 4);
  EXPECT_EQ(client.post_json("/pets", {{"name", "Rex"}, {"kind", "dog"}}).status, 201);
}

// Every $ref of `node`, wherever it is.
void collect_refs(const nlohmann::json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    if (node.contains("$ref") && node["$ref"].is_string()) out.push_back(node["$ref"]);
    for (const auto& [key, value] : node.items()) collect_refs(value, out);
  } else if (node.is_array()) {
    for (const auto& item : node) collect_refs(item, out);
  }
}

TEST(MultiFileDocument, PublishesOneBundledDocumentWithThisServerFirst) {
  for (const std::string& spec : {droplets(), mixed31()}) {
    SCOPED_TRACE(spec);
    ServerProcess server({spec, "--mock"});
    HttpClient client(server.port());
    HttpResponse published = client.get("/openapi.json");
    ASSERT_EQ(published.status, 200);
    nlohmann::json document = published.json();
    std::vector<std::string> refs;
    collect_refs(document, refs);
    for (const std::string& ref : refs) {
      EXPECT_EQ(ref.rfind("#/", 0), 0u) << ref << " is not local";
      // Every local reference resolves in the published document itself.
      EXPECT_NO_THROW(document.at(nlohmann::json::json_pointer(ref.substr(1)))) << ref;
    }
    ASSERT_TRUE(document["servers"].is_array());
    EXPECT_EQ(document["servers"][0]["url"], "/");
    EXPECT_EQ(document["paths"].size(), spec == droplets() ? 2u : 3u);
    HttpResponse yaml = client.get("/openapi.yaml");
    EXPECT_EQ(yaml.body.find(".yml'"), std::string::npos);
  }
  ServerProcess server({droplets(), "--mock"});
  HttpClient client(server.port());
  nlohmann::json document = client.get("/openapi.json").json();
  EXPECT_EQ(document["servers"][1]["url"], "https://api.example.com") << "kept after this server";
  EXPECT_EQ(document["paths"]["/v2/databases"]["get"]["operationId"], "databases_list_clusters");
  EXPECT_TRUE(document["components"]["schemas"].contains("database_cluster"))
      << document["components"].dump();
}

}  // namespace
}  // namespace apiserver::test
