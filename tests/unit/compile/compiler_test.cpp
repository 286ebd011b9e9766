// Unit tests of compile_api on small in-memory documents: paths and the router, Allow headers,
// operation details, and the warnings and errors the whole compile step reports.
#include "compile/compiler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "unit/compile/compiled_document.hpp"

namespace apiserver::compile {
namespace {

using testing::Compiled;

Compiled compile(const std::string& paths_and_more, const std::string& version = "3.0.3") {
  return testing::compile_text("openapi: " + version + "\ninfo: {title: t, version: '1'}\n" +
                               paths_and_more);
}

const char* const kOk = "      responses:\n        '200': {description: ok}\n";

TEST(CompileApi, CompilesADocumentWithoutPaths) {
  Compiled c = compile("");
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_TRUE(c.api->paths.empty());
  EXPECT_TRUE(c.api->resources.empty());
  EXPECT_EQ(c.api->document, c.document);
}

TEST(CompileApi, RoutesEveryPathToItsPathItem) {
  Compiled c = compile(std::string("paths:\n  /a:\n    get:\n") + kOk +
                       "  /b/{x}:\n    parameters: [{name: x, in: path, required: true, schema: "
                       "{type: string}}]\n    delete:\n" +
                       kOk);
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_EQ(c.api->paths.size(), 2u);
  auto match = c.api->router.match("/b/hello");
  ASSERT_TRUE(match);
  EXPECT_EQ(c.api->paths[match->target].path_template, "/b/{x}");
  EXPECT_EQ(match->values, std::vector<std::string>{"hello"});
  EXPECT_FALSE(c.api->router.match("/c"));
}

TEST(CompileApi, UpperCasesMethodsAndBuildsTheAllowHeader) {
  Compiled c = compile(std::string("paths:\n  /a:\n    get:\n") + kOk + "    post:\n" + kOk);
  ASSERT_TRUE(c.api) << c.messages();
  const model::PathItem* a = c.path("/a");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(a->find("GET"), nullptr);
  ASSERT_NE(a->find("POST"), nullptr);
  EXPECT_EQ(a->find("get"), nullptr);
  EXPECT_EQ(a->allow, "GET, POST, HEAD, OPTIONS");
}

TEST(CompileApi, DoesNotAddHeadWithoutGet) {
  Compiled c = compile(std::string("paths:\n  /a:\n    put:\n") + kOk + "    options:\n" + kOk);
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_EQ(c.path("/a")->allow, "PUT, OPTIONS");
}

TEST(CompileApi, ReadsOperationIdSummaryAndTheFirstSuccessStatus) {
  Compiled c = compile(
      "paths:\n  /a:\n    post:\n      operationId: makeA\n      summary: Make an A\n"
      "      responses:\n        '400': {description: bad}\n        '201': {description: made}\n"
      "        '202': {description: later}\n");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* op = c.path("/a")->find("POST");
  EXPECT_EQ(op->operation_id, "makeA");
  EXPECT_EQ(op->summary, "Make an A");
  EXPECT_EQ(op->success_status, 201);
}

TEST(CompileApi, WarnsAboutAnUndeclaredPathTemplateParameterAndAcceptsItAsAString) {
  Compiled c = compile(std::string("paths:\n  /things/{id}:\n    get:\n") + kOk);
  ASSERT_TRUE(c.api) << c.messages();
  const spec::Diagnostic* d = c.warning("path parameter 'id' of /things/{id} is not declared");
  ASSERT_NE(d, nullptr) << c.messages();
  EXPECT_EQ(d->file, "api.yaml");
  EXPECT_GT(d->line, 0);
  const model::Operation* op = c.path("/things/{id}")->find("GET");
  ASSERT_EQ(op->parameters.size(), 1u);
  EXPECT_EQ(op->parameters[0].name, "id");
  EXPECT_EQ(op->parameters[0].in, model::ParamLocation::kPath);
  EXPECT_TRUE(op->parameters[0].required);
  EXPECT_EQ(op->parameters[0].shape, model::ValueShape::kString);
}

TEST(CompileApi, WarnsAboutAPathParameterMissingFromTheTemplate) {
  Compiled c = compile(
      "paths:\n  /things:\n    get:\n      parameters: [{name: id, in: path, required: true, "
      "schema: {type: integer}}]\n" +
      std::string(kOk));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_NE(c.warning("does not appear in /things"), nullptr) << c.messages();
}

TEST(CompileApi, WarnsAboutAPathParameterThatIsNotRequired) {
  Compiled c = compile(
      "paths:\n  /things/{id}:\n    get:\n      parameters: [{name: id, in: path, schema: {type: "
      "integer}}]\n" +
      std::string(kOk));
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_NE(c.warning("must have 'required: true'"), nullptr) << c.messages();
  EXPECT_TRUE(c.path("/things/{id}")->find("GET")->parameters[0].required);
}

TEST(CompileApi, LetsAnOperationParameterOverrideThePathItemOne) {
  Compiled c = compile(
      "paths:\n  /things/{id}:\n"
      "    parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n"
      "    get:\n      parameters: [{name: id, in: path, required: true, schema: {type: "
      "integer}}]\n" +
      std::string(kOk));
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* op = c.path("/things/{id}")->find("GET");
  ASSERT_EQ(op->parameters.size(), 1u);
  EXPECT_EQ(op->parameters[0].shape, model::ValueShape::kInteger);
}

TEST(CompileApi, ReportsAMalformedPathTemplateAsAnError) {
  Compiled c = compile(std::string("paths:\n  /things/{id:\n    get:\n") + kOk);
  EXPECT_FALSE(c.api);
  const spec::Diagnostic* d = c.error("path '/things/{id'");
  ASSERT_NE(d, nullptr) << c.messages();
  EXPECT_EQ(d->line, 5);
}

TEST(CompileApi, ReportsEquivalentPathTemplatesAsAnError) {
  Compiled c = compile(std::string("paths:\n  /things/{id}:\n    get:\n") + kOk +
                       "  /things/{thingId}:\n    delete:\n" + kOk);
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error("equivalent"), nullptr) << c.messages();
}

TEST(CompileApi, ReportsUnknownOperationExtensionsOfThisServer) {
  Compiled c =
      compile("paths:\n  /a:\n    get:\n      x-apiserver-cache: true\n      x-other: 1\n" +
              std::string(kOk));
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error("unknown extension 'x-apiserver-cache'"), nullptr) << c.messages();
  EXPECT_EQ(c.error("x-other"), nullptr);
}

TEST(CompileApi, WarnsAboutUnknownPathItemFields) {
  Compiled c = compile(std::string("paths:\n  /a:\n    fetch: {}\n    get:\n") + kOk);
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_NE(c.warning("unknown path item field 'fetch'"), nullptr) << c.messages();
}

// Box declares `/files/{file_id}#add_shared_link` beside `/files/{file_id}`: the fragment is
// never sent, so validate must fail on it; serving, it is still reachable as %23.
TEST(CompileApi, WarnsThatAFragmentOrQueryInAPathKeyIsNeverRoutedToIt) {
  Compiled c = compile(std::string("paths:\n  /a:\n    put:\n") + kOk + "  /a#second:\n    put:\n" +
                       kOk + "  /b?kind=x:\n    get:\n" + kOk);
  ASSERT_TRUE(c.api) << c.messages();
  const spec::Diagnostic* fragment = c.warning(
      "path '/a#second' contains '#', which begins a URI fragment: clients never send it, so a "
      "request meant for this path is routed as '/a' (declared too: its operations validate and "
      "answer it); this path is reached only with the '#' sent as %23");
  ASSERT_NE(fragment, nullptr) << c.messages();
  EXPECT_TRUE(fragment->fails_validate());
  EXPECT_EQ(fragment->pointer, "/paths/~1a#second");
  const spec::Diagnostic* query = c.warning(
      "path '/b?kind=x' contains '?', which begins the query string, so a request meant for this "
      "path is routed as '/b' (which the document does not declare); this path is reached only "
      "with the '?' sent as %3F");
  ASSERT_NE(query, nullptr) << c.messages();
  EXPECT_TRUE(query->fails_validate());
  EXPECT_EQ(c.api->paths[c.api->router.match("/a#second")->target].path_template, "/a#second");
  EXPECT_EQ(c.api->paths[c.api->router.match("/a")->target].path_template, "/a");
  EXPECT_EQ(c.warning("path '/a' contains"), nullptr);
}

TEST(CompileApi, WarnsThatAnUnconfiguredSchemeFailsClosed) {
  Compiled c = compile(
      std::string("security: [{key: []}]\ncomponents:\n  securitySchemes:\n"
                  "    key: {type: apiKey, in: header, name: X-Key}\npaths:\n  /a:\n    get:\n") +
      kOk);
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_NE(c.warning("securityScheme 'key' has no x-apiserver-keys: operations that require it "
                      "answer 401"),
            nullptr)
      << c.messages();
  ASSERT_EQ(c.api->paths.size(), 1u);
  ASSERT_EQ(c.api->paths[0].operations[0].security.size(), 1u);
}

TEST(CompileApi, WarnsThatAServerBasePathIsNotApplied) {
  Compiled c = compile(
      std::string("servers: [{url: 'https://api.example.com/v1'}]\npaths:\n  /a:\n    get:\n") +
      kOk);
  ASSERT_TRUE(c.api) << c.messages();
  EXPECT_NE(c.warning("without the server base path '/v1'"), nullptr) << c.messages();
  Compiled root = compile(
      std::string("servers: [{url: 'https://api.example.com/'}]\npaths:\n  /a:\n    get:\n") + kOk);
  EXPECT_EQ(root.warning("base path"), nullptr) << root.messages();
}

TEST(CompileApi, ReportsSettingErrorsAndReturnsNoApi) {
  Compiled c = compile("x-apiserver: {mode: sometimes}\npaths: {}\n");
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error("'mode'"), nullptr) << c.messages();
}

TEST(CompileApi, CompilesRequestBodiesAndResponseMediaTypes) {
  Compiled c = compile(
      "paths:\n  /a:\n    post:\n      requestBody:\n        required: true\n        content:\n"
      "          application/json; charset=utf-8: {schema: {type: object}}\n"
      "          text/plain: {}\n"
      "      responses:\n        '201':\n          description: ok\n          content:\n"
      "            application/problem+json: {}\n            application/json: {}\n");
  ASSERT_TRUE(c.api) << c.messages();
  const model::Operation* op = c.path("/a")->find("POST");
  ASSERT_TRUE(op->body);
  EXPECT_TRUE(op->body->required);
  ASSERT_EQ(op->body->media_types.size(), 2u);
  EXPECT_EQ(op->body->media_types[0].media_type, "application/json");
  EXPECT_TRUE(op->body->media_types[0].is_json);
  EXPECT_NE(op->body->media_types[0].schema, nullptr);
  EXPECT_FALSE(op->body->media_types[1].is_json);
  EXPECT_EQ(op->response_media_types,
            (std::vector<std::string>{"application/problem+json", "application/json"}));
}

TEST(CompileApi, ReportsARequestBodyWithoutContent) {
  Compiled c =
      compile("paths:\n  /a:\n    post:\n      requestBody: {required: true}\n" + std::string(kOk));
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error("at least one media type"), nullptr) << c.messages();
}

}  // namespace
}  // namespace apiserver::compile
