// `apiserver validate` fails on a path template parameter that no `parameters` entry declares
// (the OpenAPI Specification says it MUST be declared), printing it as an error with file and
// line, while serving the same document still starts with a warning. So does a check the
// document asks for that the server does not make (a schema keyword the validator cannot
// enforce, a parameter style it does not read). Other warnings keep the exit code 0.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

constexpr char kUndeclared[] = R"(openapi: 3.0.3
info: {title: Items, version: '1'}
paths:
  /items/{id}:
    get:
      responses:
        '200': {description: one}
)";

constexpr char kDeclared[] = R"(openapi: 3.0.3
info: {title: Items, version: '1'}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
    get:
      responses:
        '200': {description: one}
)";

// A warning of another kind: a path parameter missing from the template.
constexpr char kOtherWarning[] = R"(openapi: 3.0.3
info: {title: Items, version: '1'}
paths:
  /items:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: all}
)";

// Checks the server cannot make: a 3.1 keyword draft 7 lacks, an object query parameter in
// form style.
constexpr char kNotEnforced[] = R"(openapi: 3.1.0
info: {title: Items, version: '1'}
paths:
  /items:
    get:
      parameters:
        - {name: filter, in: query, schema: {type: object, properties: {a: {type: string}}}}
      responses:
        '200': {description: all}
    post:
      requestBody:
        content:
          application/json:
            schema: {type: object, unevaluatedProperties: false}
      responses:
        '201': {description: made}
)";

TEST(ValidateNotEnforced, FailsOnChecksTheServerDoesNotMakeAndServingStarts) {
  TempDir dir;
  const std::string path = write_file(dir, "items.yaml", kNotEnforced);
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(":7:11: error: object parameter 'filter' is only supported with style: "
                       "deepObject"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(": error: 'unevaluatedProperties' is not supported by the validator and "
                       "is not enforced"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(path + ": 2 error(s)"), std::string::npos) << r.out;
  ServerProcess server({path, "--mock"});
  EXPECT_NE(server.log().find("warning: 'unevaluatedProperties' is not supported"),
            std::string::npos)
      << server.log();
  EXPECT_EQ(HttpClient(server.port()).get("/items").status, 200);
  // Serving, the keyword is not enforced: what it would refuse is accepted.
  EXPECT_EQ(HttpClient(server.port()).post_json("/items", {{"extra", 1}}).status, 201);
}

TEST(ValidateUndeclaredPathParameter, FailsWithTheErrorAtItsFileAndLine) {
  TempDir dir;
  const std::string path = write_file(dir, "items.yaml", kUndeclared);
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, path +
                       ":6:7: error: path parameter 'id' of /items/{id} is not declared; it is "
                       "accepted as a string (at /paths/~1items~1{id}/get)\n" +
                       path + ": 1 error(s), 0 warning(s)\n");
  EXPECT_EQ(r.err, "");
}

TEST(ValidateUndeclaredPathParameter, PassesOnceTheParameterIsDeclared) {
  TempDir dir;
  const std::string path = write_file(dir, "items.yaml", kDeclared);
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, path +
                       ": OK, OpenAPI 3.0.3, 1 operation(s), 0 stored on 0 table(s), 0 "
                       "warning(s)\n");
}

TEST(ValidateUndeclaredPathParameter, OtherWarningsStillPass) {
  TempDir dir;
  const std::string path = write_file(dir, "items.yaml", kOtherWarning);
  RunResult r = ServerProcess::run({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(": warning: path parameter 'id' does not appear in /items"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(path + ": OK, OpenAPI 3.0.3, 1 operation(s)"), std::string::npos) << r.out;
}

TEST(ValidateUndeclaredPathParameter, ServingStillStartsWithAWarning) {
  TempDir dir;
  const std::string path = write_file(dir, "items.yaml", kUndeclared);
  ServerProcess server({path, "--db", dir.file("items.db")});
  EXPECT_NE(server.log().find(":6:7: warning: path parameter 'id' of /items/{id} is not declared"),
            std::string::npos)
      << server.log();
  HttpClient client(server.port());
  // The template is routed, with its parameter taken as a string.
  EXPECT_NE(client.get("/items/abc").status, 404);
}

}  // namespace
}  // namespace apiserver::test
