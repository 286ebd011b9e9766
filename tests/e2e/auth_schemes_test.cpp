// API keys, HTTP Basic and the ways requirements combine, end to end (specs/auth.md), against
// specs/auth_schemes.yaml: keys in a header, the query and a cookie (and in the wrong place),
// Basic users with bcrypt, argon2 and crypt(5) hashes, malformed Authorization headers, the
// challenges of a 401, OR alternatives and AND requirements, per-operation overrides and
// public operations, an unconfigured scheme failing closed, and secrets kept out of answers and
// the log. AuthStartupTest covers the configurations that must stop start-up.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/auth_fixture.hpp"
#include "support/http_client.hpp"
#include "support/jwt_signer.hpp"
#include "support/password_hash.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// Header keys (${AUTH_TEST_API_KEYS}, comma-separated), query keys (a file, one per line),
// cookie keys (${AUTH_TEST_COOKIE_KEYS}).
constexpr char kCiKey[] = "ci-key-0123456789abcdef";
constexpr char kAliceKey[] = "alice-key-0123456789abcd";
constexpr char kQueryKey[] = "query-key-0123456789abcdef";
constexpr char kQueryKeyB[] = "query-key-b-0123456789abcd";
constexpr char kCookieKey[] = "cookie-key-0123456789abcdef";
constexpr char kHsSecret[] = "schemes-hmac-secret-0123456789abcdefgh";
constexpr char kWrongKey[] = "wrong-key-0123456789abcdefgh";

const char* const kApiKeyChallenge = R"(ApiKey realm="apiserver", in="header", name="X-API-Key")";
const char* const kQueryChallenge = R"(ApiKey realm="apiserver", in="query", name="api_key")";
const char* const kCookieChallenge = R"(ApiKey realm="apiserver", in="cookie", name="session")";
const char* const kBasicChallenge = R"(Basic realm="apiserver", charset="UTF-8")";
const char* const kBearerChallenge = R"(Bearer realm="apiserver")";

// A Basic user of the users file: its name, its password and how the password is hashed.
struct User {
  std::string name;
  std::string password;
  std::string method;
};

const std::vector<User>& users() {
  static const std::vector<User> list = {
      {"bc", "bc-password-1", "$2b$"},    {"bc2a", "bc2a-password", "$2a$"},
      {"bc2y", "bc2y-password", "$2y$"},  {"ar", "ar pass:with:colons", "argon2id"},
      {"ari", "ari-password", "argon2i"}, {"ye", "yescrypt-password", "$y$"},
      {"sha", "sha512-password", "$6$"},
  };
  return list;
}

std::string hash_for(const User& user) {
  if (user.method == "argon2id") return argon2id_hash(user.password);
  if (user.method == "argon2i") return argon2i_hash(user.password);
  if (user.method.rfind("$2", 0) == 0) return crypt_hash(user.method, user.password, 4);
  return crypt_hash(user.method, user.password);
}

// The challenges of `r` (one header each, or several joined with ", " in one header) are
// exactly `expected`, in any order.
void expect_challenges(const HttpResponse& r, std::vector<std::string> expected) {
  std::vector<std::string> values = challenges(r);
  std::string all;
  for (const std::string& value : values) all += (all.empty() ? "" : ", ") + value;
  size_t length = 0;
  for (const std::string& challenge : expected) {
    EXPECT_NE(all.find(challenge), std::string::npos)
        << "missing challenge " << challenge << " in " << ::testing::PrintToString(values);
    length += challenge.size();
  }
  length += expected.empty() ? 0 : 2 * (expected.size() - 1);
  EXPECT_EQ(all.size(), length) << "unexpected challenges: " << ::testing::PrintToString(values);
}

// A 401 unauthorized problem with exactly `expected_challenges`; the body must not quote any of
// `never_quoted`. Returns the detail.
std::string expect_unauthorized(const HttpResponse& r, std::vector<std::string> expected_challenges,
                                const std::vector<std::string>& never_quoted = {}) {
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  expect_challenges(r, std::move(expected_challenges));
  for (const std::string& secret : never_quoted) {
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "the answer quotes " << secret;
    for (const std::string& value : challenges(r))
      EXPECT_EQ(value.find(secret), std::string::npos) << "a challenge quotes " << secret;
  }
  json problem = json::parse(r.body, nullptr, false);
  if (!problem.is_object()) {
    ADD_FAILURE() << "not a JSON problem: " << r.body;
    return "";
  }
  EXPECT_EQ(problem.value("type", ""), kUnauthorized);
  EXPECT_EQ(problem.value("status", 0), 401);
  return problem.value("detail", "");
}

void expect_ok(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status == 200) {
    EXPECT_EQ(r.json(), json({{"ok", true}}));
  }
}

// A request refused as expect_unauthorized() says, with exactly `expected_challenges` and none
// of `never_quoted` in the answer.
Scenario refused(std::string name, std::vector<std::string> expected_challenges,
                 std::vector<std::string> never_quoted = {}) {
  return Scenario(std::move(name))
      .expect_status(401)
      .check([expected_challenges, never_quoted](const HttpResponse& r) {
        expect_unauthorized(r, expected_challenges, never_quoted);
      });
}

// True if the problem in `r` has a detail that is not empty.
bool has_detail(const HttpResponse& r) {
  json problem = json::parse(r.body, nullptr, false);
  return problem.is_object() && !problem.value("detail", "").empty();
}

std::pair<std::string, std::string> api_key(const std::string& key) {
  return {"X-API-Key", key};
}

std::pair<std::string, std::string> cookie(const std::string& value) {
  return {"Cookie", value};
}

// Writes the fixture's files into `dir` and starts the server on auth_schemes.yaml with
// `extra_args`.
std::unique_ptr<ServerProcess> start_schemes_server(const TempDir& dir,
                                                    std::vector<std::string> extra_args) {
  write_file(dir, "query-keys.txt", std::string("qa=") + kQueryKey + "\nqb=" + kQueryKeyB + "\n");
  std::string lines = "# Basic users of auth_schemes_test.cpp\n\n";
  for (const User& user : users()) lines += user.name + ":" + hash_for(user) + "\n";
  write_file(dir, "users", lines);
  std::vector<std::string> args = {render_fixture(dir, "auth_schemes.yaml"), "--db",
                                   dir.file("schemes.db")};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return std::make_unique<ServerProcess>(
      args, std::map<std::string, std::string>{
                {"AUTH_TEST_API_KEYS", std::string("ci=") + kCiKey + ", alice=" + kAliceKey},
                {"AUTH_TEST_COOKIE_KEYS", std::string("web=") + kCookieKey},
                {"AUTH_TEST_HS_SECRET", kHsSecret}});
}

class AuthSchemesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      dir_ = std::make_unique<TempDir>();
      server_ = start_schemes_server(*dir_, {"--log-level", "trace"});
    } catch (const std::exception& e) {
      startup_error_ = e.what();
    }
  }

  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(server_) << "the server did not start: " << startup_error_;
    client_.emplace(server_->port());
  }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "--- server log ---\n" << server_->log();
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string startup_error_;
  std::optional<HttpClient> client_;
};

TEST_F(AuthSchemesTest, AnApiKeyInItsHeaderIsAccepted) {
  expect_ok(client_->get("/default", {api_key(kCiKey)}));
  expect_ok(client_->get("/default", {api_key(kAliceKey)}));
  // Header names are case-insensitive.
  expect_ok(client_->get("/default", {{"x-api-key", kCiKey}}));
  expect_ok(client_->get("/default", {{"X-API-KEY", kAliceKey}}));
}

TEST_F(AuthSchemesTest, AWrongOrMisplacedApiKeyIs401) {
  const std::string ci = kCiKey;
  auto refused_with = [](const std::string& what) {
    return refused("A request with " + what + " is refused.", {kApiKeyChallenge},
                   {kCiKey, kWrongKey})
        .expect("the problem has a detail", has_detail);
  };
  run_each_scenario(
      *client_,
      {
          refused_with("no key").get("/default"),
          refused_with("an unknown key").get("/default").header(api_key(kWrongKey)),
          refused_with("a known key minus its last character")
              .get("/default")
              .header(api_key(ci.substr(0, ci.size() - 1))),
          refused_with("a known key plus a character").get("/default").header(api_key(ci + "x")),
          refused_with("a known key in another case")
              .get("/default")
              .header(api_key("CI-KEY-0123456789ABCDEF")),
          refused_with("the name instead of the key").get("/default").header(api_key("ci")),
          refused_with("NAME=KEY instead of the key").get("/default").header(api_key("ci=" + ci)),
          refused_with("an empty key").get("/default").header(api_key("")),
          refused_with("the cookie scheme's key").get("/default").header(api_key(kCookieKey)),
          refused_with("the key in the query").get("/default?X-API-Key=" + ci),
          refused_with("the key as a bearer token").get("/default").header(bearer(kCiKey)),
          refused_with("the key in a cookie").get("/default").header(cookie("X-API-Key=" + ci)),
          refused_with("the key in another header").get("/default").header("X-Api-Token", kCiKey),
      });
}

TEST_F(AuthSchemesTest, AnApiKeyInTheQueryIsAcceptedOnlyThere) {
  expect_ok(client_->get(std::string("/query?api_key=") + kQueryKey));
  expect_ok(client_->get(std::string("/query?api_key=") + kQueryKeyB));
  expect_ok(client_->get(std::string("/query?other=1&api_key=") + kQueryKey + "&more=2"));
  auto refused_with = [](const std::string& what) {
    return refused("A request with " + what + " is refused.", {kQueryChallenge},
                   {kQueryKey, kWrongKey, kCiKey});
  };
  run_each_scenario(
      *client_,
      {
          refused_with("no key").get("/query"),
          refused_with("an unknown key").get(std::string("/query?api_key=") + kWrongKey),
          refused_with("an empty key").get("/query?api_key="),
          refused_with("another parameter name").get(std::string("/query?API_KEY=") + kQueryKey),
          refused_with("the key in a header named like the parameter")
              .get("/query")
              .header("api_key", kQueryKey),
          refused_with("the key in the header scheme's header")
              .get("/query")
              .header(api_key(kQueryKey)),
          refused_with("the key in a cookie")
              .get("/query")
              .header(cookie(std::string("api_key=") + kQueryKey)),
          refused_with("the header scheme's key in the query")
              .get(std::string("/query?api_key=") + kCiKey),
      });
}

TEST_F(AuthSchemesTest, AnApiKeyInACookieIsAcceptedOnlyThere) {
  const std::string key = kCookieKey;
  expect_ok(client_->get("/cookie", {cookie("session=" + key)}));
  expect_ok(client_->get("/cookie", {cookie("theme=dark; session=" + key + "; lang=en")}));
  auto refused_with = [](const std::string& what) {
    return refused("A request with " + what + " is refused.", {kCookieChallenge},
                   {kCookieKey, kWrongKey, kCiKey});
  };
  run_each_scenario(*client_,
                    {
                        refused_with("no cookie").get("/cookie"),
                        refused_with("another cookie").get("/cookie").header(cookie("theme=dark")),
                        refused_with("an unknown key")
                            .get("/cookie")
                            .header(cookie(std::string("session=") + kWrongKey)),
                        refused_with("a cookie whose name ends like the scheme's")
                            .get("/cookie")
                            .header(cookie("xsession=" + key)),
                        refused_with("the key in a header named like the cookie")
                            .get("/cookie")
                            .header("session", key),
                        refused_with("the key in the query").get("/cookie?session=" + key),
                        refused_with("the header scheme's key in the cookie")
                            .get("/cookie")
                            .header(cookie(std::string("session=") + kCiKey)),
                    });
}

TEST_F(AuthSchemesTest, BasicUsersAreCheckedAgainstEveryKindOfHash) {
  for (const User& user : users()) {
    SCOPED_TRACE(user.name + " (" + user.method + ")");
    expect_ok(client_->get("/basic", {basic(user.name, user.password)}));
    expect_unauthorized(client_->get("/basic", {basic(user.name, user.password + "x")}),
                        {kBasicChallenge}, {user.password});
    expect_unauthorized(client_->get("/basic", {basic(user.name, "")}), {kBasicChallenge});
    // The password is case-sensitive.
    std::string upper = user.password;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    expect_unauthorized(client_->get("/basic", {basic(user.name, upper)}), {kBasicChallenge});
  }
}

TEST_F(AuthSchemesTest, AnUnknownUserOrAnotherUsersPasswordIs401) {
  expect_unauthorized(client_->get("/basic", {basic("nobody", "bc-password-1")}), {kBasicChallenge},
                      {"bc-password-1"});
  expect_unauthorized(client_->get("/basic", {basic("bc", "bc2a-password")}), {kBasicChallenge});
  expect_unauthorized(client_->get("/basic", {basic("BC", "bc-password-1")}), {kBasicChallenge});
  expect_unauthorized(client_->get("/basic", {basic("", "bc-password-1")}), {kBasicChallenge});
  // A hash is no password.
  expect_unauthorized(client_->get("/basic", {basic("bc", "$2b$04$abcdefghijklmnopqrstuu")}),
                      {kBasicChallenge});
}

TEST_F(AuthSchemesTest, ARememberedPasswordDoesNotLetAWrongOneIn) {
  expect_ok(client_->get("/basic", {basic("bc", "bc-password-1")}));
  expect_unauthorized(client_->get("/basic", {basic("bc", "bc-password-2")}), {kBasicChallenge});
  expect_ok(client_->get("/basic", {basic("bc", "bc-password-1")}));
  // The remembered pair belongs to that user only.
  expect_unauthorized(client_->get("/basic", {basic("bc2a", "bc-password-1")}), {kBasicChallenge});
}

TEST_F(AuthSchemesTest, AMalformedAuthorizationHeaderIs401NeverA500) {
  const std::vector<std::string> values = {
      "Basic",
      "Basic ",
      "Basic !!!!",
      "Basic " + base64("no colon here"),
      "Basic " + base64(":"),
      "Basic " + base64("bc"),
      "Basic bc:bc-password-1",
      "Basic " + base64("bc:bc-password-1") + "!",
      "Basic " + base64("bc:bc-password-1").substr(1),
      "Basic =" + base64("bc:bc-password-1"),
      "Basic " + std::string(6000, 'A'),
      "Basic " + base64(std::string("bc\0:bc-password-1", 17)),
      "Basic " + base64("bc:bc-password-1\xff\xfe"),
      "Digest username=\"bc\", realm=\"apiserver\"",
      "bc:bc-password-1",
      "Basicx " + base64("bc:bc-password-1"),
  };
  for (const std::string& value : values) {
    SCOPED_TRACE(value.substr(0, 80));
    HttpResponse r = client_->get("/basic", {{"Authorization", value}});
    EXPECT_EQ(r.status, 401) << r.body;
    expect_challenges(r, {kBasicChallenge});
    EXPECT_EQ(r.body.find("bc-password-1"), std::string::npos) << r.body;
  }
  // The scheme name is case-insensitive (RFC 7235 section 2.1).
  expect_ok(client_->get("/basic", {{"Authorization", "basic " + base64("bc:bc-password-1")}}));
  expect_ok(client_->get("/basic", {{"Authorization", "BASIC " + base64("bc:bc-password-1")}}));
}

TEST_F(AuthSchemesTest, MissingCredentialsGetOneChallengePerSchemeThatCouldHaveBeenUsed) {
  auto without_credentials = [](const std::string& target,
                                std::vector<std::string> expected_challenges) {
    return refused("Without credentials, " + target + " challenges every scheme it takes.",
                   std::move(expected_challenges))
        .get(target)
        .expect("the problem has a detail", has_detail);
  };
  run_each_scenario(
      *client_,
      {
          without_credentials("/default", {kApiKeyChallenge}),
          without_credentials("/query", {kQueryChallenge}),
          without_credentials("/cookie", {kCookieChallenge}),
          without_credentials("/basic", {kBasicChallenge}),
          without_credentials("/either", {kApiKeyChallenge, kBasicChallenge}),
          without_credentials("/both", {kApiKeyChallenge, kBasicChallenge}),
          without_credentials("/key-or-bearer", {kApiKeyChallenge, kBearerChallenge}),
          without_credentials("/whoami", {kApiKeyChallenge, kQueryChallenge, kCookieChallenge,
                                          kBasicChallenge, kBearerChallenge}),
      });
}

TEST_F(AuthSchemesTest, AnyOneAlternativeSuffices) {
  expect_ok(client_->get("/either", {api_key(kCiKey)}));
  expect_ok(client_->get("/either", {basic("bc", "bc-password-1")}));
  expect_ok(client_->get("/either", {api_key(kWrongKey), basic("bc", "bc-password-1")}));
  expect_ok(client_->get("/either", {api_key(kCiKey), basic("bc", "wrong")}));
  expect_unauthorized(client_->get("/either", {api_key(kWrongKey), basic("bc", "wrong")}),
                      {kApiKeyChallenge, kBasicChallenge}, {kWrongKey});
  // A refused bearer token and a good key: the key is enough.
  expect_ok(client_->get("/key-or-bearer", {api_key(kCiKey), bearer("not.a.token")}));
  const std::string token =
      make_hmac_jwt("HS256", {{"sub", "tok"}, {"exp", unix_now() + 600}}, kHsSecret);
  expect_ok(client_->get("/key-or-bearer", {bearer(token)}));
  HttpResponse refused = client_->get("/key-or-bearer", {bearer("not.a.token")});
  EXPECT_EQ(refused.status, 401) << refused.body;
  // The refused token's challenge says so; the key's does not change.
  std::vector<std::string> values = challenges(refused);
  std::string all;
  for (const std::string& value : values) all += value + "\n";
  EXPECT_NE(all.find(kApiKeyChallenge), std::string::npos) << all;
  EXPECT_NE(all.find("error=\"invalid_token\""), std::string::npos) << all;
}

TEST_F(AuthSchemesTest, EverySchemeOfAnAndRequirementMustSucceed) {
  expect_ok(client_->get("/both", {api_key(kCiKey), basic("bc", "bc-password-1")}));
  const std::vector<std::string> both = {kApiKeyChallenge, kBasicChallenge};
  expect_unauthorized(client_->get("/both", {api_key(kCiKey)}), both, {kCiKey});
  expect_unauthorized(client_->get("/both", {basic("bc", "bc-password-1")}), both);
  expect_unauthorized(client_->get("/both", {api_key(kCiKey), basic("bc", "wrong")}), both);
  expect_unauthorized(client_->get("/both", {api_key(kWrongKey), basic("bc", "bc-password-1")}),
                      both, {kWrongKey});
}

TEST_F(AuthSchemesTest, AnOperationsOwnSecurityReplacesTheRootOne) {
  // Root: the header key. /basic: Basic only. /public: nobody needs anything.
  expect_unauthorized(client_->get("/basic", {api_key(kCiKey)}), {kBasicChallenge});
  expect_unauthorized(client_->get("/default", {basic("bc", "bc-password-1")}), {kApiKeyChallenge});
  HttpResponse r = client_->get("/public");
  expect_ok(r);
  EXPECT_FALSE(r.header("www-authenticate").has_value());
  // Credentials, good or bad, change nothing on a public operation.
  expect_ok(client_->get("/public", {api_key(kWrongKey)}));
  expect_ok(client_->get("/public", {basic("bc", "wrong")}));
  expect_ok(client_->get("/public", {api_key(kCiKey)}));
  // An empty requirement among the alternatives makes credentials optional.
  expect_ok(client_->get("/optional"));
  expect_ok(client_->get("/optional", {api_key(kCiKey)}));
}

TEST_F(AuthSchemesTest, ScopesRequiredOfAnApiKeyAreNeverMet) {
  HttpResponse r = client_->get("/key-with-scope", {api_key(kCiKey)});
  EXPECT_EQ(r.status, 403) << r.body;
  if (r.status == 403) {
    EXPECT_EQ(r.json().value("type", ""), kForbidden);
  }
  EXPECT_EQ(client_->get("/key-with-scope").status, 401);
  EXPECT_EQ(client_->get("/key-with-scope", {api_key(kWrongKey)}).status, 401);
}

TEST_F(AuthSchemesTest, AnUnconfiguredSchemeFailsClosed) {
  expect_unauthorized(client_->get("/unconfigured"),
                      {R"(ApiKey realm="apiserver", in="header", name="X-Other-Key")"});
  HttpResponse r = client_->get("/unconfigured", {{"X-Other-Key", "anything-at-all-0123456789"}});
  EXPECT_EQ(r.status, 401) << r.body;
  // The server said so at start-up.
  EXPECT_NE(server_->log().find("unconfigured"), std::string::npos) << server_->log();
}

TEST_F(AuthSchemesTest, AuthenticationComesBeforeParametersAndTheBody) {
  HttpResponse r = client_->post("/validated", "{not json");
  expect_unauthorized(r, {kApiKeyChallenge});
  expect_unauthorized(client_->post("/validated?mode=zzz", R"({"other":1})"), {kApiKeyChallenge});
  expect_unauthorized(client_->post("/validated", "<xml/>", {{"Content-Type", "text/xml"}}),
                      {kApiKeyChallenge});
  // Routing and the method come first: route -> method -> authenticate (specs/requests.md).
  EXPECT_EQ(client_->get("/no-such-path").status, 404);
  HttpResponse wrong_method = client_->del("/default");
  EXPECT_EQ(wrong_method.status, 405) << wrong_method.body;
  // HEAD is answered by the GET operation, and so needs its credentials.
  HttpResponse head = client_->head("/default");
  EXPECT_EQ(head.status, 401);
  expect_challenges(head, {kApiKeyChallenge});
  EXPECT_EQ(client_->head("/default", {api_key(kCiKey)}).status, 200);
  // With the key, the same request reaches validation.
  EXPECT_EQ(client_->post("/validated?mode=zzz", R"({"other":1})", {api_key(kCiKey)}).status, 422);
  expect_ok(client_->post("/validated?mode=a", R"({"name":"x"})", {api_key(kCiKey)}));
}

TEST_F(AuthSchemesTest, TheCallerIsTheKeysNameTheUserOrTheTokensSubject) {
  const std::string token =
      make_hmac_jwt("HS256", {{"sub", "token-user"}, {"exp", unix_now() + 600}}, kHsSecret);
  // Whatever the body says, the owner is the caller.
  auto created_by = [](const std::string& who, const std::string& query = "") {
    return Scenario("A row created as " + who + " is owned by " + who + ".")
        .post("/whoami" + query, R"({"note":"hello","owner":"somebody-else"})")
        .expect_status(201)
        .expect_json_contains({{"owner", who}});
  };
  run_scenarios(*client_,
                {
                    created_by("ci").header(api_key(kCiKey)),
                    created_by("alice").header(api_key(kAliceKey)),
                    created_by("qa", std::string("?api_key=") + kQueryKey),
                    created_by("qb", std::string("?api_key=") + kQueryKeyB),
                    created_by("web").header(cookie(std::string("session=") + kCookieKey)),
                    created_by("bc").header(basic("bc", "bc-password-1")),
                    created_by("ar").header(basic("ar", "ar pass:with:colons")),
                    created_by("token-user").header(bearer(token)),
                });
}

TEST_F(AuthSchemesTest, AQueryApiKeyIsNotMistakenForAListFilter) {
  // The key's parameter belongs to the scheme, not to the stored list's filters.
  const std::string target = std::string("/whoami?api_key=") + kQueryKeyB;
  ASSERT_EQ(client_->post(target, R"({"note":"mine"})").status, 201);
  HttpResponse list = client_->get(target);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_TRUE(list.json().is_array()) << list.body;
  EXPECT_FALSE(list.json().empty());
  for (const json& row : list.json()) EXPECT_EQ(row.value("owner", ""), "qb") << row.dump();
}

TEST_F(AuthSchemesTest, SecretsNeverAppearInAnswersOrTheLog) {
  // Good and bad credentials of every kind, on every guarded path.
  const std::string token =
      make_hmac_jwt("HS256", {{"sub", "t"}, {"exp", unix_now() + 600}}, kHsSecret);
  const std::vector<Headers> credentials = {
      {api_key(kCiKey)},
      {api_key(kAliceKey)},
      {api_key(kWrongKey)},
      {cookie(std::string("session=") + kCookieKey)},
      {cookie(std::string("session=") + kWrongKey)},
      {basic("bc", "bc-password-1")},
      {basic("ar", "ar pass:with:colons")},
      {basic("bc", "wrong-password-xyz")},
      {bearer(token)},
      {{"Authorization", "Basic " + base64("ye:yescrypt-password")}},
  };
  std::vector<std::string> secrets = {kCiKey,
                                      kAliceKey,
                                      kWrongKey,
                                      kQueryKey,
                                      kQueryKeyB,
                                      kCookieKey,
                                      kHsSecret,
                                      token,
                                      token_part(token, 2),
                                      "wrong-password-xyz",
                                      base64("ye:yescrypt-password")};
  for (const User& user : users()) secrets.push_back(user.password);
  std::vector<HttpResponse> answers;
  for (const std::string path : {"/default", "/query", "/cookie", "/basic", "/either", "/both",
                                 "/key-or-bearer", "/key-with-scope", "/unconfigured", "/whoami"}) {
    for (const Headers& headers : credentials) answers.push_back(client_->get(path, headers));
    answers.push_back(client_->get(path + std::string("?api_key=") + kQueryKey));
    answers.push_back(client_->get(path + std::string("?api_key=") + kWrongKey));
  }
  for (const HttpResponse& r : answers) {
    std::string whole = r.body;
    for (const auto& [name, value] : r.headers) whole += "\n" + name + ": " + value;
    for (const std::string& secret : secrets)
      EXPECT_EQ(whole.find(secret), std::string::npos) << "an answer holds " << secret << ":\n"
                                                       << whole;
  }
  // The access log is written by a background thread: wait for the line of a last request.
  client_->get("/public", {{"X-Request-Id", "auth-schemes-log-check"}});
  ASSERT_TRUE(server_->wait_for_log("auth-schemes-log-check", kWaitDeadline));
  const std::string log = server_->log();
  for (const std::string& secret : secrets)
    EXPECT_EQ(log.find(secret), std::string::npos) << "the log holds " << secret;
}

// Under --mock an unconfigured scheme only checks that a credential of its kind is present;
// configured schemes are still verified fully.
TEST(AuthMockModeTest, AnUnconfiguredSchemeOnlyNeedsACredentialOfItsKind) {
  TempDir dir;
  std::unique_ptr<ServerProcess> server = start_schemes_server(dir, {"--mock"});
  HttpClient client(server->port());
  expect_ok(client.get("/unconfigured", {{"X-Other-Key", "anything"}}));
  expect_unauthorized(client.get("/unconfigured"),
                      {R"(ApiKey realm="apiserver", in="header", name="X-Other-Key")"});
  expect_unauthorized(client.get("/unconfigured", {api_key(kCiKey)}),
                      {R"(ApiKey realm="apiserver", in="header", name="X-Other-Key")"});
  expect_ok(client.get("/default", {api_key(kCiKey)}));
  expect_unauthorized(client.get("/default", {api_key(kWrongKey)}), {kApiKeyChallenge});
  expect_unauthorized(client.get("/basic", {basic("bc", "wrong")}), {kBasicChallenge});
  expect_ok(client.get("/basic", {basic("bc", "bc-password-1")}));
}

// --- Start-up -------------------------------------------------------------------------------

constexpr char kSchemeName[] = "partner-keys";

// A document whose only operation requires the scheme `partner-keys`, declared by
// `scheme_yaml` (the lines under its name, indented by six spaces).
std::string startup_spec(const std::string& scheme_yaml) {
  return "openapi: 3.0.3\n"
         "info: {title: Startup, version: 1.0.0}\n"
         "security: [{partner-keys: []}]\n"
         "paths:\n"
         "  /things:\n"
         "    get:\n"
         "      responses:\n"
         "        \"200\": {description: OK}\n"
         "components:\n"
         "  securitySchemes:\n"
         "    partner-keys:\n" +
         scheme_yaml;
}

std::string api_key_scheme(const std::string& keys_reference) {
  return "      type: apiKey\n"
         "      in: header\n"
         "      name: X-Partner-Key\n"
         "      x-apiserver-keys: \"" +
         keys_reference + "\"\n";
}

std::string basic_scheme(const std::string& users_reference) {
  return "      type: http\n"
         "      scheme: basic\n"
         "      x-apiserver-users: \"" +
         users_reference + "\"\n";
}

std::string jwt_scheme(const std::string& settings) {
  return "      type: http\n"
         "      scheme: bearer\n"
         "      x-apiserver-jwt:\n" +
         settings;
}

class AuthStartupTest : public ::testing::Test {
 protected:
  // Runs the server on `scheme_yaml`; it must exit non-zero, saying `mentions` (and the scheme's
  // name) and never `secret`.
  void expect_refused(const std::string& scheme_yaml, const std::map<std::string, std::string>& env,
                      const std::vector<std::string>& mentions, const std::string& secret = "") {
    std::string spec = write_file(dir_, "spec.yaml", startup_spec(scheme_yaml));
    RunResult result = ServerProcess::run({spec, "--port", "0", "--db", dir_.file("s.db")},
                                          std::chrono::seconds(10), env);
    const std::string output = result.out + result.err;
    EXPECT_NE(result.exit_code, 0) << output;
    EXPECT_NE(output.find(kSchemeName), std::string::npos)
        << "the message does not name the scheme:\n"
        << output;
    for (const std::string& mention : mentions)
      EXPECT_NE(output.find(mention), std::string::npos) << "no '" << mention << "' in:\n"
                                                         << output;
    if (!secret.empty()) {
      EXPECT_EQ(output.find(secret), std::string::npos) << "the secret is in the message:\n"
                                                        << output;
    }
  }

  // Starts the server on `scheme_yaml` (it must start) and returns it.
  ServerProcess expect_started(const std::string& scheme_yaml,
                               const std::map<std::string, std::string>& env) {
    std::string spec = write_file(dir_, "spec.yaml", startup_spec(scheme_yaml));
    return ServerProcess({spec, "--db", dir_.file("s.db")}, env);
  }

  TempDir dir_;
};

TEST_F(AuthStartupTest, AnUnsetOrEmptyEnvironmentVariableStopsStartUp) {
  expect_refused(api_key_scheme("${AUTH_TEST_SURELY_UNSET_VARIABLE}"), {},
                 {"AUTH_TEST_SURELY_UNSET_VARIABLE"});
  expect_refused(api_key_scheme("${AUTH_TEST_EMPTY}"), {{"AUTH_TEST_EMPTY", ""}},
                 {"AUTH_TEST_EMPTY"});
}

TEST_F(AuthStartupTest, AFileThatCannotBeReadStopsStartUp) {
  const std::string missing = dir_.file("no-such-dir/keys.txt");
  expect_refused(api_key_scheme("file:" + missing), {}, {missing});
  expect_refused(basic_scheme("file:" + dir_.file("no-users")), {}, {dir_.file("no-users")});
  expect_refused(jwt_scheme("        algorithms: [RS256]\n"
                            "        key: \"file:" +
                            dir_.file("no-key.pem") + "\"\n"),
                 {}, {dir_.file("no-key.pem")});
  // A directory is no file.
  expect_refused(api_key_scheme("file:" + dir_.path()), {}, {});
}

TEST_F(AuthStartupTest, ASecretWrittenInTheDocumentStopsStartUp) {
  expect_refused(api_key_scheme("ci=inline-key-0123456789abcdef"), {}, {},
                 "inline-key-0123456789abcdef");
  expect_refused(jwt_scheme("        algorithms: [HS256]\n"
                            "        secret: inline-hmac-secret-0123456789abcdefghij\n"),
                 {}, {}, "inline-hmac-secret-0123456789abcdefghij");
}

TEST_F(AuthStartupTest, APlaintextPasswordLineStopsStartUp) {
  std::string users = write_file(
      dir_, "users", "bc:" + bcrypt_hash("fine-password") + "\nalice:plaintext-password-123\n");
  expect_refused(basic_scheme("file:" + users), {}, {}, "plaintext-password-123");
  // The same file without that line is fine.
  write_file(dir_, "users", "# ok\nbc:" + bcrypt_hash("fine-password") + "\n");
  ServerProcess server = expect_started(basic_scheme("file:" + users), {});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/things", {basic("bc", "fine-password")}).status, 200);
}

TEST_F(AuthStartupTest, AnHmacSecretShorterThan32BytesStopsStartUp) {
  const std::string settings =
      "        algorithms: [HS256]\n"
      "        secret: \"${AUTH_TEST_SHORT_SECRET}\"\n";
  const std::string short_secret(31, 's');
  expect_refused(jwt_scheme(settings), {{"AUTH_TEST_SHORT_SECRET", short_secret}}, {},
                 short_secret);
  // Exactly 32 bytes is enough.
  const std::string secret(32, 's');
  ServerProcess server = expect_started(jwt_scheme(settings), {{"AUTH_TEST_SHORT_SECRET", secret}});
  HttpClient client(server.port());
  const std::string token =
      make_hmac_jwt("HS256", {{"sub", "x"}, {"exp", unix_now() + 600}}, secret);
  EXPECT_EQ(client.get("/things", {bearer(token)}).status, 200);
}

TEST_F(AuthStartupTest, AnApiKeyShorterThan16CharactersStopsStartUp) {
  expect_refused(api_key_scheme("${AUTH_TEST_KEYS}"),
                 {{"AUTH_TEST_KEYS", "good=0123456789abcdef,short=0123456789abcde"}}, {},
                 "0123456789abcde");
  ServerProcess server = expect_started(api_key_scheme("${AUTH_TEST_KEYS}"),
                                        {{"AUTH_TEST_KEYS", "good=0123456789abcdef"}});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/things", {{"X-Partner-Key", "0123456789abcdef"}}).status, 200);
}

TEST_F(AuthStartupTest, JwtSettingsOutsideTheContractStopStartUp) {
  const std::string secret = "startup-hmac-secret-0123456789abcdefgh";
  const std::map<std::string, std::string> env = {{"AUTH_TEST_SECRET", secret}};
  // `alg: none` is never allowed, nor an algorithm that is not in the list.
  expect_refused(jwt_scheme("        algorithms: [none]\n"
                            "        secret: \"${AUTH_TEST_SECRET}\"\n"),
                 env, {}, secret);
  expect_refused(jwt_scheme("        algorithms: [HS1024]\n"
                            "        secret: \"${AUTH_TEST_SECRET}\"\n"),
                 env, {}, secret);
  // `algorithms` is required.
  expect_refused(jwt_scheme("        secret: \"${AUTH_TEST_SECRET}\"\n"), env, {}, secret);
  // The leeway is at most 5m.
  expect_refused(jwt_scheme("        algorithms: [HS256]\n"
                            "        secret: \"${AUTH_TEST_SECRET}\"\n"
                            "        leeway: 10m\n"),
                 env, {}, secret);
}

TEST_F(AuthStartupTest, ARelativeFileReferenceIsResolvedAgainstTheDocument) {
  write_file(dir_, "conf/secrets/keys.txt", "rel=relative-key-0123456789\n");
  std::string spec =
      write_file(dir_, "conf/spec.yaml", startup_spec(api_key_scheme("file:secrets/keys.txt")));
  ServerProcess server({spec, "--db", dir_.file("s.db")});
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/things", {{"X-Partner-Key", "relative-key-0123456789"}}).status, 200);
  EXPECT_EQ(client.get("/things", {{"X-Partner-Key", "relative-key-0123456780"}}).status, 401);
}

}  // namespace
}  // namespace apiserver::test
