// Storage inference never refuses a document: a CRUD-shaped pair of paths whose item schema
// cannot be stored (a key that is an object, as in an envelope {floating_ip: {...}}) starts,
// stored or under --mock, with those operations answering as mocks; `routes` says why and
// `validate` warns at the schema's line. A mapping the document states (x-apiserver-key) still
// fails when it cannot be made, except under --mock.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

// Line 11 holds the list's item schema, where inference found the shape the warning names.
constexpr char kEnvelope[] = R"(openapi: 3.0.3
info: {title: Floating IPs, version: '1'}
paths:
  /floating_ips:
    get:
      responses:
        '200':
          description: all
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Envelope'}}
  /floating_ips/{floating_ip}:
    parameters:
      - {name: floating_ip, in: path, required: true, schema: {type: string}}
    get:
      responses:
        '200':
          description: one
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Envelope'}
    delete:
      responses:
        '204': {description: gone}
components:
  schemas:
    Envelope:
      type: object
      required: [floating_ip]
      properties:
        floating_ip:
          type: object
          required: [ip]
          properties:
            ip: {type: string}
)";

std::string stated(const std::string& document) {
  std::string out = document;
  out.replace(out.find("      type: object\n      required: [floating_ip]"),
              std::string("      type: object\n").size(),
              "      type: object\n      x-apiserver-key: floating_ip\n");
  return out;
}

TEST(StorageInference, AShapeThatCannotBeStoredStartsAndAnswersAsAMock) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", kEnvelope);
  ServerProcess server({path, "--db", dir.file("ips.db")});
  EXPECT_NE(server.log().find("key property 'floating_ip' must be an integer or a string"),
            std::string::npos)
      << server.log();
  HttpClient client(server.port());
  HttpResponse one = client.get("/floating_ips/10.0.0.1");
  ASSERT_EQ(one.status, 200) << one.body;
  nlohmann::json body = nlohmann::json::parse(one.body);
  ASSERT_TRUE(body.contains("floating_ip")) << one.body;
  EXPECT_TRUE(body["floating_ip"]["ip"].is_string()) << one.body;
  EXPECT_EQ(client.del("/floating_ips/10.0.0.1").status, 204);
}

TEST(StorageInference, AShapeThatCannotBeStoredStartsUnderMock) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", kEnvelope);
  ServerProcess server({path, "--mock"});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/floating_ips").status, 200);
}

TEST(StorageInference, RoutesSaysWhyTheOperationsAreNotStored) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", kEnvelope);
  RunResult r = ServerProcess::run({"routes", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("GET     /floating_ips/{floating_ip}  not stored: its item schema cannot "
                       "be stored: key property 'floating_ip' must be an integer or a string"),
            std::string::npos)
      << r.out;
}

TEST(StorageInference, ValidateWarnsAtTheSchemaAndSucceeds) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", kEnvelope);
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(
      r.out.find(path + ":11:44: warning: GET /floating_ips, GET /floating_ips/{floating_ip}, "
                        "DELETE /floating_ips/{floating_ip} answer as mocks, not stored: key "
                        "property 'floating_ip' must be an integer or a string"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 stored on 0 table(s)"), std::string::npos) << r.out;
}

TEST(StorageInference, AKeyTheDocumentStatesStillFailsWhenItCannotBeStored) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", stated(kEnvelope));
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("error: key property 'floating_ip' must be an integer or a string"),
            std::string::npos)
      << r.out;
}

TEST(StorageInference, MockNeverFailsOnStorageEvenWhenTheDocumentStatesIt) {
  TempDir dir;
  const std::string path = write_file(dir, "ips.yaml", stated(kEnvelope));
  ServerProcess server({path, "--mock"});
  EXPECT_NE(server.log().find("--mock serves it as a mock"), std::string::npos) << server.log();
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/floating_ips/x").status, 200);
}

}  // namespace
}  // namespace apiserver::test
