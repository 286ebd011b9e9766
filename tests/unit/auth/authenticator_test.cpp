// Unit tests of authenticate(): OpenAPI security requirements (any requirement, every scheme in
// it) over hand-built schemes and requests, and the 401 and 403 answers.
#include "auth/authenticator.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/jwt_signer.hpp"

namespace apiserver::auth {
namespace {

using nlohmann::json;

const std::string kSecret = "authenticator-test-hmac-secret-0123456789";
constexpr char kCiKey[] = "ci-key-0123456789abcdef";
constexpr char kAliceKey[] = "alice-key-0123456789abcdef";
constexpr char kPassword[] = "open sesame";

constexpr char kBearerChallenge[] = "Bearer realm=\"apiserver\"";
constexpr char kBearerInvalid[] = "Bearer realm=\"apiserver\", error=\"invalid_token\"";
constexpr char kApiKeyChallenge[] = "ApiKey realm=\"apiserver\", in=\"header\", name=\"X-API-Key\"";
constexpr char kBasicChallenge[] = "Basic realm=\"apiserver\", charset=\"UTF-8\"";

// Indices of the schemes built by the fixture.
enum : size_t { kBearer, kKey, kLogin, kQueryKey, kCookieKey, kUnconfigured, kMockKey, kMtls };

std::string bcrypt(const char* password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, setting, sizeof setting), nullptr);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  return crypt_r(password, setting, data.get());
}

long long now() {
  return test::unix_now();
}

std::string token(const json& extra = json::object()) {
  json claims = {{"sub", "alice"}, {"exp", now() + 3600}};
  for (const auto& [name, value] : extra.items()) claims[name] = value;
  return test::make_hmac_jwt("HS256", claims, kSecret);
}

Scheme scheme(std::string name, SchemeKind kind, std::string challenge, std::string describe) {
  Scheme out;
  out.name = std::move(name);
  out.kind = kind;
  out.challenge = std::move(challenge);
  out.describe = std::move(describe);
  return out;
}

Scheme api_key_scheme(std::string name, KeyLocation in, std::string parameter,
                      const std::string& shown_in) {
  Scheme out =
      scheme(std::move(name), SchemeKind::kApiKey,
             "ApiKey realm=\"apiserver\", in=\"" + shown_in + "\", name=\"" + parameter + "\"",
             "an API key in " + shown_in + " " + parameter);
  out.in = in;
  out.parameter = std::move(parameter);
  out.configured = true;
  out.keys = std::make_unique<ApiKeys>();
  std::string error;
  EXPECT_TRUE(out.keys->load(std::string("ci=") + kCiKey + ",alice=" + kAliceKey, error)) << error;
  return out;
}

class AuthenticateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { users_ = new std::string("alice:" + bcrypt(kPassword) + "\n"); }
  static void TearDownTestSuite() { delete users_; }

  void SetUp() override {
    std::string error;
    Scheme bearer = scheme("bearer", SchemeKind::kJwt, kBearerChallenge,
                           "a bearer token (Authorization: Bearer)");
    JwtSettings settings;
    settings.algorithms = {"HS256"};
    settings.keys = {*hmac_key(kSecret, error)};
    bearer.jwt = std::make_unique<JwtVerifier>(settings);
    bearer.configured = true;
    schemes_.schemes.push_back(std::move(bearer));

    Scheme key = api_key_scheme("key", KeyLocation::kHeader, "x-api-key", "header");
    key.challenge = kApiKeyChallenge;  // the header name as the document spells it
    key.describe = "an API key in header X-API-Key";
    schemes_.schemes.push_back(std::move(key));

    Scheme login = scheme("login", SchemeKind::kBasic, kBasicChallenge, "HTTP Basic credentials");
    login.users = std::make_unique<PasswordFile>();
    EXPECT_TRUE(login.users->load(*users_, error)) << error;
    login.configured = true;
    schemes_.schemes.push_back(std::move(login));

    schemes_.schemes.push_back(api_key_scheme("qkey", KeyLocation::kQuery, "api_key", "query"));
    schemes_.schemes.push_back(api_key_scheme("ckey", KeyLocation::kCookie, "session", "cookie"));
    schemes_.schemes.push_back(
        scheme("unconf", SchemeKind::kJwt, kBearerChallenge, "credentials for unconf"));
    Scheme mock = scheme("mockkey", SchemeKind::kApiKey,
                         "ApiKey realm=\"apiserver\", in=\"header\", name=\"X-Mock\"",
                         "an API key in header X-Mock");
    mock.parameter = "x-mock";
    mock.presence_only = true;
    schemes_.schemes.push_back(std::move(mock));
    schemes_.schemes.push_back(scheme("mtls", SchemeKind::kUnsupported,
                                      "Bearer realm=\"apiserver\"", "credentials for mtls"));
  }

  // One requirement of `schemes` without scopes.
  static model::SecurityRequirement all_of(std::initializer_list<size_t> schemes) {
    model::SecurityRequirement requirement;
    for (size_t index : schemes) requirement.push_back({index, {}});
    return requirement;
  }

  std::optional<Problem> run(const std::vector<model::SecurityRequirement>& requirements,
                             const http::Request& request, const http::QueryParams& query = {}) {
    identity_ = Identity();
    return authenticate(schemes_, requirements, request, query, identity_);
  }

  static http::Request request(std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request out;
    out.method = "GET";
    out.target = out.path = "/todos";
    out.headers = std::move(headers);
    return out;
  }
  static std::pair<std::string, std::string> bearer(const std::string& credential) {
    return {"authorization", "Bearer " + credential};
  }
  static std::pair<std::string, std::string> basic(const std::string& user_password) {
    return {"authorization", "Basic " + test::base64(user_password)};
  }
  static std::pair<std::string, std::string> api_key(const std::string& key) {
    return {"x-api-key", key};
  }

  static std::vector<std::string> challenges(const Problem& problem) {
    std::vector<std::string> out;
    for (const auto& [name, value] : problem.headers) {
      EXPECT_EQ(name, "WWW-Authenticate");
      out.push_back(value);
    }
    return out;
  }

  static std::string* users_;
  Schemes schemes_;
  Identity identity_;
};

std::string* AuthenticateTest::users_ = nullptr;

using Challenges = std::vector<std::string>;
using Scopes = std::vector<std::string>;

// --- Public operations ---

TEST_F(AuthenticateTest, NoRequirementsArePublic) {
  EXPECT_EQ(run({}, request()), std::nullopt);
  EXPECT_FALSE(identity_.authenticated);
  // Even with (bad) credentials, nothing is checked.
  EXPECT_EQ(run({}, request({bearer("garbage")})), std::nullopt);
  EXPECT_FALSE(identity_.authenticated);
}

TEST_F(AuthenticateTest, AnEmptyRequirementMakesTheOperationPublic) {
  EXPECT_EQ(run({all_of({kBearer}), {}}, request()), std::nullopt);
  EXPECT_FALSE(identity_.authenticated);
  EXPECT_EQ(run({{}}, request({bearer("garbage")})), std::nullopt);
  EXPECT_FALSE(identity_.authenticated);
  // A requirement met before the empty one still names the caller.
  EXPECT_EQ(run({all_of({kBearer}), {}}, request({bearer(token())})), std::nullopt);
  EXPECT_TRUE(identity_.authenticated);
  EXPECT_EQ(identity_.subject, "alice");
}

// --- OR and AND ---

TEST_F(AuthenticateTest, AnyRequirementSuffices) {
  const std::vector<model::SecurityRequirement> either = {all_of({kBearer}), all_of({kKey})};
  EXPECT_EQ(run(either, request({api_key(kCiKey)})), std::nullopt);
  EXPECT_TRUE(identity_.authenticated);
  EXPECT_EQ(identity_.subject, "ci");
  EXPECT_EQ(identity_.scopes, Scopes());

  EXPECT_EQ(run(either, request({bearer(token({{"sub", "bob"}, {"scope", "read write"}}))})),
            std::nullopt);
  EXPECT_EQ(identity_.subject, "bob");
  EXPECT_EQ(identity_.scopes, Scopes({"read", "write"}));

  // A refused bearer token does not stop the API key from succeeding.
  EXPECT_EQ(run(either, request({bearer("bad.token.here"), api_key(kAliceKey)})), std::nullopt);
  EXPECT_EQ(identity_.subject, "alice");
}

TEST_F(AuthenticateTest, EverySchemeOfARequirementMustSucceed) {
  const std::vector<model::SecurityRequirement> both = {all_of({kBearer, kKey})};
  std::optional<Problem> problem = run(both, request({bearer(token())}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_FALSE(identity_.authenticated);
  EXPECT_EQ(challenges(*problem), Challenges({kBearerChallenge, kApiKeyChallenge}));

  problem = run(both, request({api_key(kCiKey)}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);

  // Both: the first scheme of the requirement names the caller; scopes of every scheme count.
  EXPECT_EQ(run(both, request({bearer(token({{"scope", "read"}})), api_key(kCiKey)})),
            std::nullopt);
  EXPECT_TRUE(identity_.authenticated);
  EXPECT_EQ(identity_.subject, "alice");
  EXPECT_EQ(identity_.scopes, Scopes({"read"}));
  EXPECT_EQ(run({all_of({kKey, kBearer})}, request({bearer(token()), api_key(kCiKey)})),
            std::nullopt);
  EXPECT_EQ(identity_.subject, "ci");
}

// --- 401 ---

TEST_F(AuthenticateTest, MissingCredentialsAnswer401WithAChallengePerScheme) {
  std::optional<Problem> problem =
      run({all_of({kBearer}), all_of({kKey}), all_of({kLogin})}, request());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->code, ProblemCode::kUnauthorized);
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(challenges(*problem),
            Challenges({kBearerChallenge, kApiKeyChallenge, kBasicChallenge}));
  EXPECT_EQ(problem->detail,
            "credentials are required: a bearer token (Authorization: Bearer), or an API key in "
            "header X-API-Key, or HTTP Basic credentials");
  EXPECT_FALSE(identity_.authenticated);
}

TEST_F(AuthenticateTest, ChallengesFollowTheRequirementsOrderOncePerScheme) {
  std::optional<Problem> problem =
      run({all_of({kLogin, kKey}), all_of({kKey}), all_of({kBearer, kLogin})}, request());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(challenges(*problem),
            Challenges({kBasicChallenge, kApiKeyChallenge, kBearerChallenge}));
}

TEST_F(AuthenticateTest, ARefusedTokenIsMarkedInvalid) {
  const std::string bad = test::with_flipped_signature(token());
  std::optional<Problem> problem = run({all_of({kBearer}), all_of({kKey})}, request({bearer(bad)}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(challenges(*problem), Challenges({kBearerInvalid, kApiKeyChallenge}));
  EXPECT_EQ(problem->detail, "credentials refused: bearer: bad signature");
  EXPECT_EQ(problem->detail.find(bad), std::string::npos);
}

TEST_F(AuthenticateTest, TheDetailSaysWhyEachCredentialWasRefused) {
  const std::string expired =
      test::make_hmac_jwt("HS256", {{"sub", "alice"}, {"exp", now() - 3600}}, kSecret);
  std::optional<Problem> problem = run({all_of({kBearer}), all_of({kKey}), all_of({kLogin})},
                                       request({bearer(expired), api_key("not-a-known-key-123")}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail,
            "credentials refused: bearer: the token has expired; key: unknown API key");
  EXPECT_EQ(challenges(*problem), Challenges({kBearerInvalid, kApiKeyChallenge, kBasicChallenge}));
  EXPECT_EQ(problem->detail.find("not-a-known-key-123"), std::string::npos);
}

TEST_F(AuthenticateTest, AnEmptyBearerTokenIsRefusedNotMissing) {
  for (const char* header : {"Bearer ", "Bearer    "}) {
    std::optional<Problem> problem = run({all_of({kBearer})}, request({{"authorization", header}}));
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->detail, "credentials refused: bearer: malformed token") << header;
    EXPECT_EQ(challenges(*problem), Challenges({kBearerInvalid}));
  }
  // "Bearer" without a space is no Bearer credential at all.
  std::optional<Problem> problem = run({all_of({kBearer})}, request({{"authorization", "Bearer"}}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(challenges(*problem), Challenges({kBearerChallenge}));
}

TEST_F(AuthenticateTest, TheAuthorizationSchemeIsCaseInsensitive) {
  for (const char* prefix : {"Bearer ", "bearer ", "BEARER ", "bEaReR   "}) {
    EXPECT_EQ(run({all_of({kBearer})}, request({{"authorization", prefix + token()}})),
              std::nullopt)
        << prefix;
  }
  // Another scheme's credentials are no bearer token.
  std::optional<Problem> problem =
      run({all_of({kBearer})}, request({{"authorization", "Token " + token()}}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(challenges(*problem), Challenges({kBearerChallenge}));
  EXPECT_EQ(problem->detail, "credentials are required: a bearer token (Authorization: Bearer)");
}

// --- 403 ---

TEST_F(AuthenticateTest, MissingScopesAnswer403) {
  model::SecurityRequirement needs_write = {{kBearer, {"read", "write"}}};
  std::optional<Problem> problem =
      run({needs_write}, request({bearer(token({{"scope", "read other"}}))}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->code, ProblemCode::kForbidden);
  EXPECT_EQ(problem->status(), 403);
  EXPECT_EQ(challenges(*problem),
            Challenges({"Bearer error=\"insufficient_scope\", scope=\"read write\""}));
  EXPECT_EQ(problem->detail, "the caller lacks the required scope(s): write");
  EXPECT_FALSE(identity_.authenticated);

  // With every scope the requirement is met.
  EXPECT_EQ(run({needs_write}, request({bearer(token({{"scp", {"write", "read"}}}))})),
            std::nullopt);
  EXPECT_EQ(identity_.scopes, Scopes({"write", "read"}));
}

TEST_F(AuthenticateTest, ATokenWithoutScopesLacksThemAll) {
  std::optional<Problem> problem =
      run({{{kBearer, {"admin", "audit"}}}}, request({bearer(token())}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 403);
  EXPECT_EQ(problem->detail, "the caller lacks the required scope(s): admin, audit");
  EXPECT_EQ(challenges(*problem),
            Challenges({"Bearer error=\"insufficient_scope\", scope=\"admin audit\""}));
}

TEST_F(AuthenticateTest, ListsOnlyTheScopesTheCallerLacks) {
  // Two schemes, each with its own scopes: the caller's token holds `read`, the API key holds no
  // scope at all, so only `keys:use` is missing.
  model::SecurityRequirement requirement = {{kBearer, {"read"}}, {kKey, {"keys:use"}}};
  std::optional<Problem> problem =
      run({requirement}, request({bearer(token({{"scope", "read"}})), api_key(kCiKey)}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 403);
  EXPECT_EQ(problem->detail, "the caller lacks the required scope(s): keys:use");
  EXPECT_EQ(challenges(*problem),
            Challenges({"Bearer error=\"insufficient_scope\", scope=\"read keys:use\""}));
}

TEST_F(AuthenticateTest, AnotherRequirementMetBeats403) {
  const std::vector<model::SecurityRequirement> requirements = {{{kBearer, {"admin"}}},
                                                                all_of({kKey})};
  EXPECT_EQ(run(requirements, request({bearer(token()), api_key(kCiKey)})), std::nullopt);
  EXPECT_EQ(identity_.subject, "ci");
  // Without the key, the scope-less token earns a 403 rather than a 401.
  std::optional<Problem> problem = run(requirements, request({bearer(token())}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 403);
  EXPECT_EQ(problem->detail, "the caller lacks the required scope(s): admin");
}

TEST_F(AuthenticateTest, ScopesOnAnApiKeyAreNeverMet) {
  std::optional<Problem> problem = run({{{kKey, {"admin"}}}}, request({api_key(kCiKey)}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 403);
  EXPECT_FALSE(identity_.authenticated);
}

// --- Scheme kinds and locations ---

TEST_F(AuthenticateTest, BasicCredentials) {
  const std::vector<model::SecurityRequirement> login = {all_of({kLogin})};
  EXPECT_EQ(run(login, request({basic(std::string("alice:") + kPassword)})), std::nullopt);
  EXPECT_EQ(identity_.subject, "alice");
  EXPECT_EQ(run(login, request({{"authorization", "basic " + test::base64("alice:open sesame")}})),
            std::nullopt);

  std::optional<Problem> problem = run(login, request({basic("alice:wrong")}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(problem->detail, "credentials refused: login: wrong user name or password");
  // Basic challenges never carry the bearer error marker.
  EXPECT_EQ(challenges(*problem), Challenges({kBasicChallenge}));
  EXPECT_EQ(problem->detail.find("wrong\""), std::string::npos);

  problem = run(login, request({basic(std::string("mallory:") + kPassword)}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials refused: login: wrong user name or password");

  for (const std::string& malformed :
       {std::string("Basic !!!!"), "Basic " + test::base64("alice"), std::string("Basic ")}) {
    problem = run(login, request({{"authorization", malformed}}));
    ASSERT_TRUE(problem.has_value());
    EXPECT_EQ(problem->detail, "credentials refused: login: malformed Basic credentials")
        << malformed;
  }
}

TEST_F(AuthenticateTest, ApiKeyInAHeader) {
  EXPECT_EQ(run({all_of({kKey})}, request({{"x-other", kCiKey}, api_key(kAliceKey)})),
            std::nullopt);
  EXPECT_EQ(identity_.subject, "alice");
  std::optional<Problem> problem = run({all_of({kKey})}, request({{"x-other", kCiKey}}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials are required: an API key in header X-API-Key");
}

TEST_F(AuthenticateTest, ApiKeyInTheQuery) {
  const std::vector<model::SecurityRequirement> query_key = {all_of({kQueryKey})};
  EXPECT_EQ(run(query_key, request(), {{"page", "2"}, {"api_key", kCiKey}}), std::nullopt);
  EXPECT_EQ(identity_.subject, "ci");

  std::optional<Problem> problem = run(query_key, request(), {{"api_key", "wrong-key-0123456789"}});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials refused: qkey: unknown API key");
  EXPECT_EQ(challenges(*problem),
            Challenges({"ApiKey realm=\"apiserver\", in=\"query\", name=\"api_key\""}));

  // A header of that name is not the query parameter.
  problem = run(query_key, request({{"api_key", kCiKey}}), {{"API_KEY", kCiKey}});
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials are required: an API key in query api_key");
}

TEST_F(AuthenticateTest, ApiKeyInACookie) {
  const std::vector<model::SecurityRequirement> cookie_key = {all_of({kCookieKey})};
  const std::string key = kCiKey;
  for (const std::string& cookie :
       {"session=" + key, "theme=dark; session=" + key, "theme=dark;session=" + key + ";lang=en",
        "a=1;   session=" + key + "; b=2", "xsession=nope; session=" + key, "flag; session=" + key,
        "session2=nope; session=" + key + "; session=later"}) {
    EXPECT_EQ(run(cookie_key, request({{"cookie", cookie}})), std::nullopt) << cookie;
    EXPECT_EQ(identity_.subject, "ci") << cookie;
  }
  for (const std::string& cookie :
       {std::string("sessionx=") + key, "xsession=" + key, "Session=" + key, std::string("session"),
        std::string(), std::string("; ;"), std::string("theme=dark")}) {
    std::optional<Problem> problem = run(cookie_key, request({{"cookie", cookie}}));
    ASSERT_TRUE(problem.has_value()) << cookie;
    EXPECT_EQ(problem->detail, "credentials are required: an API key in cookie session") << cookie;
  }
  std::optional<Problem> problem =
      run(cookie_key, request({{"cookie", "session=" + key + "x; other=" + key}}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials refused: ckey: unknown API key");
}

TEST_F(AuthenticateTest, AnUnconfiguredSchemeFailsClosed) {
  std::optional<Problem> problem = run({all_of({kUnconfigured})}, request({bearer(token())}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(problem->detail, "credentials refused: unconf: the scheme unconf is not configured");
  EXPECT_EQ(challenges(*problem), Challenges({kBearerInvalid}));
  problem = run({all_of({kUnconfigured})}, request());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials are required: credentials for unconf");
  EXPECT_FALSE(identity_.authenticated);
}

TEST_F(AuthenticateTest, AnUnsupportedSchemeFailsClosed) {
  std::optional<Problem> problem = run({all_of({kMtls})}, request({bearer(token())}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(problem->detail,
            "credentials refused: mtls: the scheme mtls is not supported by this server");
}

TEST_F(AuthenticateTest, PresenceOnlyChecksThatACredentialIsThere) {
  const std::vector<model::SecurityRequirement> mock = {all_of({kMockKey})};
  EXPECT_EQ(run(mock, request({{"x-mock", "anything at all"}})), std::nullopt);
  EXPECT_TRUE(identity_.authenticated);
  EXPECT_EQ(identity_.subject, "anonymous");
  std::optional<Problem> problem = run(mock, request());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
  EXPECT_EQ(challenges(*problem),
            Challenges({"ApiKey realm=\"apiserver\", in=\"header\", name=\"X-Mock\""}));
}

TEST_F(AuthenticateTest, PresenceOnlyBearerAcceptsAnyToken) {
  schemes_.schemes[kUnconfigured].presence_only = true;
  EXPECT_EQ(run({all_of({kUnconfigured})}, request({bearer("not-even-a-jwt")})), std::nullopt);
  EXPECT_EQ(identity_.subject, "anonymous");
  // Configured schemes beside it are still verified fully.
  std::optional<Problem> problem =
      run({all_of({kUnconfigured, kBearer})}, request({bearer("not-even-a-jwt")}));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->detail, "credentials refused: bearer: malformed token");
}

// Under --mock there is no token to read scopes from: a scoped requirement is met by presence,
// and the identity holds the scopes it asked for.
TEST_F(AuthenticateTest, PresenceOnlyMeetsScopedRequirements) {
  schemes_.schemes[kUnconfigured].presence_only = true;
  model::SecurityRequirement scoped;
  scoped.push_back({kUnconfigured, {"pets:read", "pets:write"}});
  EXPECT_EQ(run({scoped}, request({bearer("anything")})), std::nullopt);
  EXPECT_TRUE(identity_.authenticated);
  EXPECT_EQ(identity_.scopes, (std::vector<std::string>{"pets:read", "pets:write"}));
  // Without a credential it is still a 401.
  std::optional<Problem> problem = run({scoped}, request());
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->status(), 401);
}

}  // namespace
}  // namespace apiserver::auth
