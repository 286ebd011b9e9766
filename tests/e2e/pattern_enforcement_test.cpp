// `pattern` enforcement against the real binary: ECMA-262 patterns RE2 cannot run (lookahead,
// backreferences) are enforced on bodies and parameters; a value on which a catastrophic
// pattern hits the matching limits is a 422 naming the field, and the server keeps answering;
// an invalid pattern stops `apiserver SPEC`, `apiserver validate SPEC` and a reload with the
// file, line and regex error.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

const char* kSpec = R"yaml(openapi: 3.0.3
info: {title: patterns, version: "1"}
paths:
  /accounts:
    get:
      responses: {"200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Account"}}}}}}
    post:
      requestBody: {required: true, content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}}
      responses: {"201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Account"}}}}}
  /lookup:
    get:
      parameters: [{name: code, in: query, required: true, schema: {type: string, pattern: '^(?!0)\d+$'}}]
      responses: {"200": {description: ok, content: {application/json: {example: {found: true}}}}}
components:
  schemas:
    Account:
      type: object
      required: [password]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, pattern: '^(?=.*\d)(?=.*[A-Z]).{8,}$'}
        pin: {type: string, pattern: '^(\d)(?!\1)\d+$'}
        nickname: {type: string, pattern: '^(?=a)(a+)+$'}
)yaml";

const std::string kPasswordPattern = R"(^(?=.*\d)(?=.*[A-Z]).{8,}$)";
const std::string kNearMiss = std::string(57, 'a') + "!";  // exponential for backtracking

json body_error(const std::string& pointer, const std::string& detail) {
  return {{"in", "body"}, {"pointer", pointer}, {"detail", detail}};
}

class PatternEnforcementTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string spec_ = write_file(dir_, "spec.yaml", kSpec);
  ServerProcess server_{std::vector<std::string>{spec_, "--db", dir_.file("accounts.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(PatternEnforcementTest, LookaheadAndBackreferencePatternsAreEnforcedOnBodies) {
  HttpResponse created = client_.post_json(
      "/accounts", {{"password", "Secr3tPass"}, {"pin", "12"}, {"nickname", "aaa"}});
  ASSERT_EQ(created.status, 201) << created.body;

  HttpResponse weak = client_.post_json("/accounts", {{"password", "secretpass"}});
  ASSERT_EQ(weak.status, 422) << weak.body;
  EXPECT_EQ(weak.json()["errors"],
            json::array({body_error("/password", "must match the pattern " + kPasswordPattern)}));

  HttpResponse repeated =
      client_.post_json("/accounts", {{"password", "Secr3tPass"}, {"pin", "11"}});
  ASSERT_EQ(repeated.status, 422) << repeated.body;
  EXPECT_EQ(repeated.json()["errors"],
            json::array({body_error("/pin", R"(must match the pattern ^(\d)(?!\1)\d+$)")}));
}

TEST_F(PatternEnforcementTest, AValueHittingTheMatchLimitsIsA422AndTheServerKeepsAnswering) {
  // Several at once, so that more than one request thread meets the limit.
  std::vector<std::thread> senders;
  std::vector<HttpResponse> answers(4);
  for (size_t i = 0; i < answers.size(); ++i) {
    senders.emplace_back([&, i] {
      HttpClient client(server_.port());
      answers[i] =
          client.post_json("/accounts", {{"password", "Secr3tPass"}, {"nickname", kNearMiss}});
    });
  }
  for (auto& sender : senders) sender.join();
  for (const HttpResponse& r : answers) {
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.json()["errors"],
              json::array({body_error(
                  "/nickname",
                  "could not be evaluated against the pattern ^(?=a)(a+)+$ within limits")}));
  }
  ASSERT_TRUE(server_.running());
  HttpResponse created =
      client_.post_json("/accounts", {{"password", "Secr3tPass"}, {"nickname", "aa"}});
  EXPECT_EQ(created.status, 201) << created.body;
  // /accounts has no item path, so it is a mock: its list holds only generated accounts whose
  // password meets the lookahead pattern (none, as the generator cannot build one), never one
  // that breaks it.
  HttpResponse listed = client_.get("/accounts");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json(), json::array()) << listed.body;
}

TEST_F(PatternEnforcementTest, ParameterPatternsRunOnTheSameEngines) {
  EXPECT_EQ(client_.get("/lookup?code=123").status, 200);
  HttpResponse leading_zero = client_.get("/lookup?code=0123");
  ASSERT_EQ(leading_zero.status, 422) << leading_zero.body;
  EXPECT_EQ(leading_zero.json()["errors"],
            json::array({{{"in", "query"},
                          {"name", "code"},
                          {"pointer", ""},
                          {"detail", R"(must match the pattern ^(?!0)\d+$)"}}}));
}

// kSpec with the pin pattern replaced by one that is no regular expression (line 22).
std::string invalid_spec() {
  std::string spec = kSpec;
  const std::string pin = R"('^(\d)(?!\1)\d+$')";
  spec.replace(spec.find(pin), pin.size(), "'([a-z'");
  return spec;
}

TEST(PatternEnforcementStartup, AnInvalidPatternStopsServeAndValidate) {
  TempDir dir;
  const std::string path = write_file(dir, "bad.yaml", invalid_spec());
  RunResult validated = ServerProcess::run({"validate", path});
  EXPECT_EQ(validated.exit_code, 1) << validated.out << validated.err;
  const std::string where = path + ":22:";
  std::string output = validated.out + validated.err;
  EXPECT_NE(output.find(where), std::string::npos) << output;
  EXPECT_NE(output.find("error: pattern '([a-z' is not a valid ECMA-262 regular expression: "),
            std::string::npos)
      << output;

  RunResult served = ServerProcess::run({path, "--db", dir.file("x.db"), "--port", "0"});
  EXPECT_EQ(served.exit_code, 2) << served.out << served.err;
  EXPECT_NE((served.out + served.err).find("pattern '([a-z'"), std::string::npos) << served.err;
}

TEST(PatternEnforcementStartup, AReloadWithAnInvalidPatternIsRefused) {
  TempDir dir;
  const std::string path = write_file(dir, "spec.yaml", kSpec);
  ServerProcess server({path, "--db", dir.file("accounts.db")});
  write_file(dir, "spec.yaml", invalid_spec());
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.wait_for_log("reload failed"));
  EXPECT_NE(server.log().find("pattern '([a-z'"), std::string::npos) << server.log();
  // The previous document, and its pin pattern, still serve.
  HttpClient client(server.port());
  HttpResponse r = client.post_json("/accounts", {{"password", "Secr3tPass"}, {"pin", "11"}});
  EXPECT_EQ(r.status, 422) << r.body;
}

}  // namespace
}  // namespace apiserver::test
