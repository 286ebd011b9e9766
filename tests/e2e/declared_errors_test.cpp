// Declared error responses, end to end: the real binary answers each error with the status and
// media type the operation declares, and a body that validates against the declared schema
// (checked here with the document's own schema), on Conduit (RealWorld) in --mock, on the
// benchmark's items API stored (it declares 404 without content: problem+json stays), and on
// tests/e2e/specs/declared_errors.yaml (the common shapes, x-apiserver-error). Protocol errors
// of the HTTP parser go through the same writer.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "spec/document.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "validate/compiled_schema.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// The schemas a document declares for its responses, to check answers against.
class DeclaredSchemas {
 public:
  explicit DeclaredSchemas(const std::string& path) {
    document_ = spec::load_document(path, diagnostics_);
  }

  // Empty when `body` validates against the schema of `media` in the `status` response of
  // `method` `path_template`; else why not.
  std::string check(const std::string& method, const std::string& path_template,
                    const std::string& status, const std::string& media, const json& body) {
    if (!document_) return "the document does not load";
    using spec::Document;
    spec::NodeRef op = Document::child(
        Document::child(Document::child(document_->root_ref(), "paths"), path_template), method);
    spec::NodeRef response =
        document_->follow(Document::child(Document::child(op, "responses"), status), diagnostics_);
    spec::NodeRef schema =
        Document::child(Document::child(Document::child(response, "content"), media), "schema");
    if (!schema.valid()) return "no schema declared for " + status + " " + media;
    validate::SchemaTranslator translator(*document_, diagnostics_);
    auto compiled = validate::CompiledSchema::build(
        translator.translate(schema, validate::Direction::kResponse));
    std::vector<FieldError> errors;
    if (compiled->validate(body, ErrorSource::kBody, "", errors)) return "";
    return errors.front().pointer + ": " + errors.front().detail + " in " + body.dump();
  }

 private:
  spec::Diagnostics diagnostics_;
  std::unique_ptr<spec::Document> document_;
};

void expect_problem_json(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.header("content-type").value_or(""), "application/problem+json");
  EXPECT_EQ(r.json()["status"], status);
}

class DeclaredErrorsTest : public ::testing::Test {
 protected:
  // Asserts status and content type, and that the body validates against what `path_template`
  // `method` declares for `declared`.
  void expect_declared(const HttpResponse& r, const std::string& method,
                       const std::string& path_template, int status, const std::string& declared,
                       const std::string& media) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("content-type").value_or(""), media);
    EXPECT_EQ(schemas_.check(method, path_template, declared, media, r.json()), "");
  }

  TempDir dir_;
  std::string spec_ = source_path("tests/e2e/specs/declared_errors.yaml");
  ServerProcess server_{std::vector<std::string>{spec_, "--db", dir_.file("errors.db")},
                        {{"DECLARED_ERRORS_KEYS", "tester=s3cret-key-for-tests"}}};
  HttpClient client_{server_.port()};
  DeclaredSchemas schemas_{spec_};
};

TEST_F(DeclaredErrorsTest, InvalidInputAnswersTheDeclared400InItsShape) {
  HttpResponse r = client_.post_json("/things", {{"name", ""}, {"price", -1}});
  expect_declared(r, "post", "/things", 400, "400", "application/json");
  json body = r.json();
  EXPECT_EQ(body["error"], "Request validation failed");
  EXPECT_EQ(body["message"], "2 errors in the request");
  EXPECT_EQ(body["details"].size(), 2u);
  // A malformed body too: a declared 400 answers every problem with the request's content.
  HttpResponse malformed = client_.post("/things", "{nope", {{"Content-Type", "application/json"}});
  expect_declared(malformed, "post", "/things", 400, "400", "application/json");
}

TEST_F(DeclaredErrorsTest, AMissingThingIsTheDeclaredSpringStyle404) {
  HttpResponse r = client_.get("/things/99");
  expect_declared(r, "get", "/things/{id}", 404, "404", "application/json");
  EXPECT_EQ(r.json()["status"], 404);
  EXPECT_EQ(r.json()["path"], "/things/99");
}

TEST_F(DeclaredErrorsTest, TheRange4XXAnswersWithTheNaturalStatus) {
  HttpResponse r = client_.get("/things?limit=0");
  expect_declared(r, "get", "/things", 422, "4XX", "application/json");
  EXPECT_EQ(r.json()["error"]["code"], 422);
  HttpResponse refused = client_.get("/things", {{"Accept", "text/html"}});
  expect_declared(refused, "get", "/things", 406, "4XX", "application/json");
}

TEST_F(DeclaredErrorsTest, StatusForSendsMalformedBodiesToTheDeclaredJsonApi422) {
  ASSERT_EQ(client_.post_json("/things", {{"name", "a"}}).status, 201);
  HttpResponse invalid = client_.put_json("/things/1", {{"price", "free"}});
  expect_declared(invalid, "put", "/things/{id}", 422, "422", "application/vnd.api+json");
  EXPECT_EQ(invalid.json()["errors"][0]["code"], "validation-failed");
  HttpResponse malformed = client_.put("/things/1", "[", {{"Content-Type", "application/json"}});
  expect_declared(malformed, "put", "/things/{id}", 422, "422", "application/vnd.api+json");
  EXPECT_EQ(malformed.json()["errors"][0]["code"], "malformed-body");
}

TEST_F(DeclaredErrorsTest, AuthenticationAndParametersAnswerTheMusicShape) {
  HttpResponse unauthorized = client_.get("/songs/abc");
  expect_declared(unauthorized, "get", "/songs/{id}", 401, "401", "application/json");
  EXPECT_EQ(unauthorized.json()["error"]["status"], 401);
  EXPECT_TRUE(unauthorized.header("www-authenticate").has_value());
  HttpResponse invalid = client_.get("/songs/ABC", {{"X-Key", "s3cret-key-for-tests"}});
  expect_declared(invalid, "get", "/songs/{id}", 400, "400", "application/json");
}

TEST_F(DeclaredErrorsTest, ErrorsWithoutAnOperationStayProblemJson) {
  expect_problem_json(client_.get("/nowhere"), 404);
  expect_problem_json(client_.del("/things"), 405);
}

TEST_F(DeclaredErrorsTest, AParserErrorOnADeclaringOperationTakesItsShape) {
  // Bad chunked framing: the parser's 400, answered as POST /things declares it.
  RawConnection raw(server_.port());
  raw.write(
      "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
  HttpResponse r = raw.read_response();
  expect_declared(r, "post", "/things", 400, "400", "application/json");
  EXPECT_EQ(r.header("connection").value_or(""), "close");
}

TEST(DeclaredErrorsConduit, ValidationFailuresAnswerErrorsBody) {
  const std::string spec = test_data_path("conformance/openapi/real-world/realworld-conduit.yml");
  ServerProcess server({spec, "--mock"});
  HttpClient client(server.port());
  DeclaredSchemas schemas(spec);
  HttpResponse r = client.post_json("/users", {{"user", {{"email", 3}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type").value_or(""), "application/json");
  EXPECT_EQ(schemas.check("post", "/users", "422", "application/json", r.json()), "");
  EXPECT_FALSE(r.json()["errors"]["body"].empty());
  // 401 is declared without content: the declared status, with problem+json.
  HttpResponse unauthorized = client.get("/user");
  expect_problem_json(unauthorized, 401);
}

TEST(DeclaredErrorsItems, TheStoredItemsApiKeepsProblemJson) {
  TempDir dir;
  ServerProcess server({source_path("bench/spec/items.yaml"), "--db", dir.file("items.db")});
  HttpClient client(server.port());
  expect_problem_json(client.get("/items/12345"), 404);  // declared without content
  expect_problem_json(client.post_json("/items", {{"price", -1}}), 422);  // nothing declared
}

}  // namespace
}  // namespace apiserver::test
