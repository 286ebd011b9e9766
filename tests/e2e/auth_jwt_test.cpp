// JWT bearer authentication end to end (specs/auth.md), against specs/auth_jwt.yaml: tokens of
// every algorithm family, the time claims with and without leeway, issuer and audience, wrong
// keys, tampered and unsigned tokens, algorithms outside the allow-list, the key-confusion
// attack, JWKS key selection by kid (with the JWK's alg and use honoured), garbage and
// oversized tokens (401, never 500), scopes (403 insufficient_scope), subject-claim, and a
// remembered token whose expiry is checked again.
//
// The keys are generated once for the suite, written to a temporary directory as PEM files
// and a JWKS, and one server serves the whole suite.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/auth_fixture.hpp"
#include "support/http_client.hpp"
#include "support/jwt_signer.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// At least 32 bytes, as specs/auth.md requires of an HMAC secret.
constexpr char kSecret[] = "jwt-e2e-hmac-secret-0123456789abcdefghij";
constexpr char kOtherSecret[] = "another-hmac-secret-0123456789abcdefghij";
constexpr char kIssuer[] = "https://id.example.test";

// Claims valid for ten minutes for `subject`, with `changes` merged in; a null value in
// `changes` removes that claim.
json claims(const json& changes = json::object(), const std::string& subject = "alice") {
  json out = {{"sub", subject}, {"iat", unix_now()}, {"exp", unix_now() + 600}};
  for (const auto& [name, value] : changes.items()) {
    if (value.is_null()) {
      out.erase(name);
    } else {
      out[name] = value;
    }
  }
  return out;
}

struct Keys {
  SigningKey rsa = SigningKey::generate(KeyKind::kRsa2048);
  SigningKey rsa_b = SigningKey::generate(KeyKind::kRsa2048);
  SigningKey rsa_enc = SigningKey::generate(KeyKind::kRsa2048);
  SigningKey rsa_other = SigningKey::generate(KeyKind::kRsa2048);
  SigningKey ec256 = SigningKey::generate(KeyKind::kEcP256);
  SigningKey ec256_other = SigningKey::generate(KeyKind::kEcP256);
  SigningKey ec384 = SigningKey::generate(KeyKind::kEcP384);
  SigningKey ec384_other = SigningKey::generate(KeyKind::kEcP384);
  SigningKey ed = SigningKey::generate(KeyKind::kEd25519);
  SigningKey ed_other = SigningKey::generate(KeyKind::kEd25519);
};

class AuthJwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      keys_ = std::make_unique<Keys>();
      dir_ = std::make_unique<TempDir>();
      write_file(*dir_, "rsa.pub.pem", keys_->rsa.public_pem());
      write_file(*dir_, "ec256.pub.pem", keys_->ec256.public_pem());
      write_file(*dir_, "ec256.cert.pem", keys_->ec256.certificate_pem());
      write_file(*dir_, "ec384.pub.pem", keys_->ec384.public_pem());
      write_file(*dir_, "ed25519.pub.pem", keys_->ed.public_pem());
      json set =
          jwks({keys_->rsa.public_jwk("a"), keys_->rsa_b.public_jwk("b"),
                keys_->rsa.public_jwk("a384", "RS384"), keys_->rsa_enc.public_jwk("enc", "", "enc"),
                keys_->ec256.public_jwk("ec256"), keys_->ec384.public_jwk("ec384"),
                keys_->ed.public_jwk("ed", "EdDSA")});
      write_file(*dir_, "jwks.json", set.dump(2));
      std::string spec = render_fixture(*dir_, "auth_jwt.yaml");
      server_ = std::make_unique<ServerProcess>(
          std::vector<std::string>{spec, "--db", dir_->file("jwt.db")},
          std::map<std::string, std::string>{{"AUTH_TEST_HS_SECRET", kSecret},
                                             {"AUTH_TEST_RSA_B_PEM", keys_->rsa_b.public_pem()}});
    } catch (const std::exception& e) {
      startup_error_ = e.what();
    }
  }

  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
    keys_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(server_) << "the server did not start: " << startup_error_;
    client_.emplace(server_->port());
  }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << "--- server log ---\n" << server_->log();
  }

  HttpResponse get(const std::string& path, const std::string& token) {
    return client_->get(path, {bearer(token)});
  }

  const Keys& keys() const { return *keys_; }

  static inline std::unique_ptr<Keys> keys_;
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string startup_error_;
  std::optional<HttpClient> client_;
};

// A token with `header` (whatever its alg says) and an HMAC-SHA-256 under kSecret.
std::string hs256_under(const json& header, const json& payload) {
  const std::string input = signing_input(header, payload);
  return input + "." + base64url(hmac("HS256", kSecret, input));
}

void expect_ok(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status == 200) {
    EXPECT_EQ(r.json(), json({{"ok", true}}));
  }
}

// A 401 unauthorized problem whose single challenge is a Bearer one; `refused` (a token was
// presented) adds error="invalid_token". Neither the body nor the challenge may quote the
// token or its signature. Returns the problem's detail.
std::string expect_unauthorized(const HttpResponse& r, const std::string& token = "",
                                bool refused = true) {
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  std::vector<std::string> values = challenges(r);
  EXPECT_EQ(values.size(), 1u) << ::testing::PrintToString(values);
  if (!values.empty()) {
    EXPECT_EQ(values[0].rfind("Bearer realm=\"apiserver\"", 0), 0u) << values[0];
    if (refused) {
      EXPECT_NE(values[0].find("error=\"invalid_token\""), std::string::npos) << values[0];
    } else {
      EXPECT_EQ(values[0], "Bearer realm=\"apiserver\"");
    }
  }
  if (!token.empty()) {
    EXPECT_EQ(r.body.find(token), std::string::npos) << "the answer quotes the token";
    size_t last_dot = token.rfind('.');
    if (last_dot != std::string::npos && token.size() - last_dot > 8) {
      std::string signature = token.substr(last_dot + 1);
      EXPECT_EQ(r.body.find(signature), std::string::npos) << "the answer quotes the signature";
      for (const std::string& value : values) EXPECT_EQ(value.find(signature), std::string::npos);
    }
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

// GET `path` with `token` as a bearer token, answered 200 {"ok":true}; `what` tells the token.
Scenario accepted(const std::string& what, std::string path, const std::string& token) {
  return Scenario("A token is accepted: " + what + ".")
      .get(std::move(path))
      .header(bearer(token))
      .expect_status(200)
      .expect_json({{"ok", true}});
}

// GET `path` with `token` as a bearer token, refused as expect_unauthorized() says; `what` tells
// the token. `detail_has`, if not empty, must be in the problem's detail.
Scenario refused(const std::string& what, std::string path, const std::string& token,
                 std::string detail_has = "") {
  return Scenario("A token is refused: " + what + ".")
      .get(std::move(path))
      .header(bearer(token))
      .expect_status(401)
      .check([token, detail_has](const HttpResponse& r) {
        std::string detail = expect_unauthorized(r, token);
        if (!detail_has.empty()) {
          EXPECT_NE(detail.find(detail_has), std::string::npos) << detail;
        }
      });
}

TEST_F(AuthJwtTest, ATokenOfEveryAlgorithmFamilyIsAccepted) {
  const json c = claims();
  run_each_scenario(
      *client_,
      {
          accepted("HS256", "/hs", make_hmac_jwt("HS256", c, kSecret)),
          accepted("HS384", "/hs", make_hmac_jwt("HS384", c, kSecret)),
          accepted("HS512", "/hs", make_hmac_jwt("HS512", c, kSecret)),
          accepted("RS256", "/rs", make_jwt("RS256", c, keys().rsa)),
          accepted("RS384", "/rs", make_jwt("RS384", c, keys().rsa)),
          accepted("RS512", "/rs", make_jwt("RS512", c, keys().rsa)),
          accepted("PS256", "/rs", make_jwt("PS256", c, keys().rsa)),
          accepted("ES256", "/es256", make_jwt("ES256", c, keys().ec256)),
          accepted("ES384", "/es384", make_jwt("ES384", c, keys().ec384)),
          accepted("EdDSA", "/ed", make_jwt("EdDSA", c, keys().ed)),
          accepted("RS256 from the JWKS (kid a)", "/jwks", make_jwt("RS256", c, keys().rsa, "a")),
          accepted("RS256 from the JWKS (kid b)", "/jwks", make_jwt("RS256", c, keys().rsa_b, "b")),
          accepted("RS384 from the JWKS (kid a384, alg RS384)", "/jwks",
                   make_jwt("RS384", c, keys().rsa, "a384")),
          accepted("ES256 from the JWKS", "/jwks", make_jwt("ES256", c, keys().ec256, "ec256")),
          accepted("ES384 from the JWKS", "/jwks", make_jwt("ES384", c, keys().ec384, "ec384")),
          accepted("EdDSA from the JWKS", "/jwks", make_jwt("EdDSA", c, keys().ed, "ed")),
          accepted("EdDSA on an openIdConnect scheme", "/oidc", make_jwt("EdDSA", c, keys().ed)),
          accepted("ES256 with the key from a certificate", "/cert",
                   make_jwt("ES256", c, keys().ec256)),
          accepted("RS256 with a PEM key from the environment", "/env-key",
                   make_jwt("RS256", c, keys().rsa_b)),
          accepted("HS256 on a scheme that also takes RS256", "/mixed",
                   make_hmac_jwt("HS256", c, kSecret)),
          accepted("RS256 on a scheme that also takes HS256", "/mixed",
                   make_jwt("RS256", c, keys().rsa)),
      });
}

TEST_F(AuthJwtTest, TheAuthSchemeNameIsCaseInsensitive) {
  // RFC 7235 section 2.1: the auth-scheme is a case-insensitive token.
  const std::string token = make_hmac_jwt("HS256", claims(), kSecret);
  expect_ok(client_->get("/hs", {{"Authorization", "bearer " + token}}));
  expect_ok(client_->get("/hs", {{"Authorization", "BEARER " + token}}));
}

TEST_F(AuthJwtTest, NoTokenIs401WithAPlainBearerChallenge) {
  std::string detail = expect_unauthorized(client_->get("/hs"), "", false);
  EXPECT_FALSE(detail.empty());
  // A credential of another kind is no bearer token either.
  HttpResponse basic_instead = client_->get("/hs", {basic("alice", "password")});
  EXPECT_EQ(basic_instead.status, 401) << basic_instead.body;
  EXPECT_EQ(challenges(basic_instead).size(), 1u);
}

TEST_F(AuthJwtTest, AnExpiredTokenIsRefusedAndTheDetailSaysSo) {
  const std::string token = make_hmac_jwt("HS256", claims({{"exp", unix_now() - 120}}), kSecret);
  std::string detail = expect_unauthorized(get("/hs", token), token);
  EXPECT_NE(detail.find("expired"), std::string::npos) << detail;
}

TEST_F(AuthJwtTest, AnExpiredTokenWithinTheLeewayIsAccepted) {
  // Default leeway 30s: ten seconds late is accepted...
  const std::string late = make_hmac_jwt("HS256", claims({{"exp", unix_now() - 10}}), kSecret);
  expect_ok(get("/hs", late));
  // ...but not where the scheme sets leeway: 0s.
  expect_unauthorized(get("/strict", late), late);
  // And the default leeway is not unbounded.
  const std::string later = make_hmac_jwt("HS256", claims({{"exp", unix_now() - 45}}), kSecret);
  expect_unauthorized(get("/hs", later), later);
}

TEST_F(AuthJwtTest, ATokenNotYetValidIsRefused) {
  const std::string future = make_hmac_jwt("HS256", claims({{"nbf", unix_now() + 300}}), kSecret);
  expect_unauthorized(get("/hs", future), future);
  // Within the leeway it is accepted, except where the leeway is 0s.
  const std::string soon = make_hmac_jwt("HS256", claims({{"nbf", unix_now() + 10}}), kSecret);
  expect_ok(get("/hs", soon));
  expect_unauthorized(get("/strict", soon), soon);
  // A token that became valid in the past is fine everywhere.
  const std::string past = make_hmac_jwt("HS256", claims({{"nbf", unix_now() - 60}}), kSecret);
  expect_ok(get("/strict", past));
}

TEST_F(AuthJwtTest, ATokenIssuedInTheFutureIsRefused) {
  const std::string future = make_hmac_jwt("HS256", claims({{"iat", unix_now() + 300}}), kSecret);
  expect_unauthorized(get("/hs", future), future);
  const std::string soon = make_hmac_jwt("HS256", claims({{"iat", unix_now() + 10}}), kSecret);
  expect_ok(get("/hs", soon));
  expect_unauthorized(get("/strict", soon), soon);
}

TEST_F(AuthJwtTest, ATokenWithoutExpIsRefusedUnlessTheSchemeSaysRequireExpFalse) {
  const std::string token = make_hmac_jwt("HS256", claims({{"exp", nullptr}}), kSecret);
  expect_unauthorized(get("/hs", token), token);
  expect_ok(get("/no-exp", token));
  // require-exp: false does not make an exp that is there optional.
  const std::string expired = make_hmac_jwt("HS256", claims({{"exp", unix_now() - 120}}), kSecret);
  expect_unauthorized(get("/no-exp", expired), expired);
}

TEST_F(AuthJwtTest, TheIssuerMustMatchExactly) {
  const json good = {{"iss", kIssuer}, {"aud", "todo"}};
  expect_ok(get("/claims", make_hmac_jwt("HS256", claims(good), kSecret)));
  for (const json& iss :
       {json("https://evil.example.test"), json("https://id.example.test/"),
        json("HTTPS://ID.EXAMPLE.TEST"), json(nullptr), json(42), json::array({kIssuer})}) {
    SCOPED_TRACE("iss " + iss.dump());
    json changes = good;
    changes["iss"] = iss;
    const std::string token = make_hmac_jwt("HS256", claims(changes), kSecret);
    expect_unauthorized(get("/claims", token), token);
  }
}

TEST_F(AuthJwtTest, TheAudienceMustContainAnAcceptedOne) {
  const json accepted[] = {"todo", "todo-admin", json::array({"other", "todo"}),
                           json::array({"todo-admin"})};
  for (const json& aud : accepted) {
    SCOPED_TRACE("accepted aud " + aud.dump());
    expect_ok(
        get("/claims", make_hmac_jwt("HS256", claims({{"iss", kIssuer}, {"aud", aud}}), kSecret)));
  }
  const json refused[] = {"other",       "Todo",        "todo ", json::array({"other", "x"}),
                          json::array(), json(nullptr), json(7)};
  for (const json& aud : refused) {
    SCOPED_TRACE("refused aud " + aud.dump());
    const std::string token =
        make_hmac_jwt("HS256", claims({{"iss", kIssuer}, {"aud", aud}}), kSecret);
    expect_unauthorized(get("/claims", token), token);
  }
  // `audience` given as one string.
  expect_ok(get("/one-audience",
                make_hmac_jwt("HS256", claims({{"aud", json::array({"x", "todo"})}}), kSecret)));
  const std::string admin = make_hmac_jwt("HS256", claims({{"aud", "todo-admin"}}), kSecret);
  expect_unauthorized(get("/one-audience", admin), admin);
}

TEST_F(AuthJwtTest, ATokenSignedWithAnotherKeyIsRefusedAsABadSignature) {
  const json c = claims();
  run_each_scenario(*client_, {
                                  refused("RS256, another RSA key", "/rs",
                                          make_jwt("RS256", c, keys().rsa_other), "signature"),
                                  refused("PS256, another RSA key", "/rs",
                                          make_jwt("PS256", c, keys().rsa_other), "signature"),
                                  refused("ES256, another P-256 key", "/es256",
                                          make_jwt("ES256", c, keys().ec256_other), "signature"),
                                  refused("ES384, another P-384 key", "/es384",
                                          make_jwt("ES384", c, keys().ec384_other), "signature"),
                                  refused("EdDSA, another Ed25519 key", "/ed",
                                          make_jwt("EdDSA", c, keys().ed_other), "signature"),
                                  refused("HS256, another secret", "/hs",
                                          make_hmac_jwt("HS256", c, kOtherSecret), "signature"),
                                  refused("ES256, another key than the certificate's", "/cert",
                                          make_jwt("ES256", c, keys().ec256_other), "signature"),
                                  refused("RS256, another key than the environment's", "/env-key",
                                          make_jwt("RS256", c, keys().rsa), "signature"),
                                  refused("RS256, another RSA key, the JWKS's kid", "/jwks",
                                          make_jwt("RS256", c, keys().rsa_other, "a"), "signature"),
                              });
}

TEST_F(AuthJwtTest, ATamperedTokenIsRefused) {
  const std::string rs = make_jwt("RS256", claims(), keys().rsa);
  const std::string hs = make_hmac_jwt("HS256", claims(), kSecret);
  ASSERT_EQ(get("/rs", rs).status, 200);
  ASSERT_EQ(get("/hs", hs).status, 200);
  run_each_scenario(
      *client_,
      {
          refused("RS256, another subject", "/rs", with_payload(rs, claims({}, "mallory"))),
          refused("RS256, a later exp", "/rs",
                  with_payload(rs, claims({{"exp", unix_now() + 86400}}))),
          refused("HS256, another subject", "/hs", with_payload(hs, claims({}, "mallory"))),
          refused("HS256, scopes added", "/hs",
                  with_payload(hs, claims({{"scope", "read write admin"}}))),
          refused("RS256, alg changed to RS384", "/rs", with_header(rs, jwt_header("RS384"))),
          refused("RS256, one signature bit flipped", "/rs", with_flipped_signature(rs)),
          refused("HS256, one signature bit flipped", "/hs", with_flipped_signature(hs)),
          refused("RS256, signature truncated", "/rs", rs.substr(0, rs.size() - 4)),
          refused("HS256, signature removed", "/hs", hs.substr(0, hs.rfind('.') + 1)),
      });
}

TEST_F(AuthJwtTest, AnUnsignedTokenIsRefusedWhateverTheAlgSpelling) {
  for (const std::string alg : {"none", "None", "NONE", "nOnE"}) {
    for (const std::string path : {"/hs", "/rs", "/mixed", "/jwks"}) {
      SCOPED_TRACE(alg + " on " + path);
      const std::string token = unsigned_jwt(claims(), alg);
      expect_unauthorized(get(path, token), token);
    }
  }
  // alg none with a signature that would be valid for HS256 changes nothing.
  const std::string signed_none = hs256_under(jwt_header("none"), claims());
  expect_unauthorized(get("/hs", signed_none), signed_none);
}

TEST_F(AuthJwtTest, AnAlgorithmOutsideTheAllowListIsRefusedEvenWithAGoodSignature) {
  const json c = claims();
  run_each_scenario(
      *client_,
      {
          // The right key and a correct signature, but /rs allows PS256 only among PS*.
          refused("PS384 on [RS256, RS384, RS512, PS256]", "/rs", make_jwt("PS384", c, keys().rsa)),
          refused("PS512 on [RS256, RS384, RS512, PS256]", "/rs", make_jwt("PS512", c, keys().rsa)),
          refused("RS256 on [HS256, HS384, HS512]", "/hs", make_jwt("RS256", c, keys().rsa)),
          refused("HS256 on [RS256, ...]", "/rs", make_hmac_jwt("HS256", c, kSecret)),
          refused("HS256 on [ES256]", "/es256", make_hmac_jwt("HS256", c, kSecret)),
          refused("RS512 on [ES256, ...] with a JWKS holding the RSA key", "/jwks",
                  make_jwt("RS512", c, keys().rsa, "a")),
          refused("PS256 on the JWKS scheme", "/jwks", make_jwt("PS256", c, keys().rsa, "a")),
          refused("EdDSA on [RS256, ...]", "/rs", make_jwt("EdDSA", c, keys().ed)),
          refused("RS384 on [HS256, RS256]", "/mixed", make_jwt("RS384", c, keys().rsa)),
          refused("an alg nobody knows", "/hs", hs256_under(jwt_header("HS1024"), c)),
      });
}

TEST_F(AuthJwtTest, AnHs256TokenMacedWithTheRsaPublicKeyIsRefused) {
  // The key-confusion attack: the public key is public, so anyone can compute this MAC.
  for (bool strip : {false, true}) {
    SCOPED_TRACE(strip ? "PEM without its final newline" : "PEM as written");
    const std::string token = key_confusion_jwt(claims(), keys().rsa, strip);
    expect_unauthorized(get("/rs", token), token);
    // /mixed allows HS256 and holds the RSA key: the RSA key must never serve as a MAC key.
    expect_unauthorized(get("/mixed", token), token);
    // Through the JWKS, naming the RSA key's kid.
    const std::string with_kid = key_confusion_jwt(claims(), keys().rsa, strip, "a");
    expect_unauthorized(get("/jwks", with_kid), with_kid);
  }
}

TEST_F(AuthJwtTest, TheKidPicksTheJwksKeyAndTheJwksAlgAndUseAreHonoured) {
  const json c = claims();
  expect_ok(get("/jwks", make_jwt("RS256", c, keys().rsa, "a")));
  expect_ok(get("/jwks", make_jwt("RS256", c, keys().rsa_b, "b")));
  run_each_scenario(
      *client_,
      {
          refused("key a, kid b", "/jwks", make_jwt("RS256", c, keys().rsa, "b")),
          refused("key b, kid a", "/jwks", make_jwt("RS256", c, keys().rsa_b, "a")),
          refused("an unknown kid", "/jwks", make_jwt("RS256", c, keys().rsa, "zzz")),
          refused("RS256 with kid a384, whose JWK says alg RS384", "/jwks",
                  make_jwt("RS256", c, keys().rsa, "a384")),
          refused("a key published with use enc", "/jwks",
                  make_jwt("RS256", c, keys().rsa_enc, "enc")),
          refused("an RSA key that is not in the set", "/jwks",
                  make_jwt("RS256", c, keys().rsa_other)),
          refused("ES384 over a P-256 key's kid", "/jwks",
                  make_jwt("ES384", c, keys().ec256, "ec256")),
          refused("ES256 signed by the P-256 key under the P-384 kid", "/jwks",
                  make_jwt("ES256", c, keys().ec256, "ec384")),
          refused("EdDSA with the RSA key's kid", "/jwks", make_jwt("EdDSA", c, keys().ed, "a")),
      });
}

TEST_F(AuthJwtTest, GarbageAndMalformedTokensAre401NeverA500) {
  const std::string header = base64url(jwt_header("HS256").dump());
  const std::string payload = base64url(claims().dump());
  auto hs = [](const std::string& header_text, const std::string& payload_text) {
    const std::string input = base64url(header_text) + "." + base64url(payload_text);
    return input + "." + base64url(hmac("HS256", kSecret, input));
  };
  const std::vector<std::string> tokens = {
      "garbage",
      "a.b.c",
      "..",
      "...",
      "a.b",
      header + "." + payload,
      header + "." + payload + ".c.d",
      "!!!." + payload + ".abc",
      header + ".%%%.abc",
      header + "." + payload + ".***",
      base64url("not json") + "." + payload + ".abc",
      // Correct MACs over things that are not proper JWTs.
      hs("not json", claims().dump()),
      hs(R"({"typ":"JWT"})", claims().dump()),
      hs(R"({"alg":256})", claims().dump()),
      hs(R"(["HS256"])", claims().dump()),
      hs(R"({"alg":"HS256"})", "not json"),
      hs(R"({"alg":"HS256"})", "[1,2,3]"),
      hs(R"({"alg":"HS256"})", R"({"sub":"alice","exp":"tomorrow"})"),
      hs(R"({"alg":"HS256"})", R"({"sub":"alice","exp":null})"),
      std::string(100, '.'),
      std::string(4000, 'A'),
      std::string(5000, 'A') + "." + std::string(4000, 'B') + ".c",
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    SCOPED_TRACE("token " + std::to_string(i) + ": " + tokens[i].substr(0, 80));
    HttpResponse r = get("/hs", tokens[i]);
    EXPECT_EQ(r.status, 401) << r.body;
    if (r.status == 401) expect_unauthorized(r, tokens[i].size() > 8 ? tokens[i] : "");
  }
  // An empty credential after the scheme name: refused, whichever way it is read.
  for (const std::string value : {"Bearer", "Bearer ", "Bearer    "}) {
    SCOPED_TRACE("'" + value + "'");
    HttpResponse r = client_->get("/hs", {{"Authorization", value}});
    EXPECT_EQ(r.status, 401) << r.body;
  }
}

TEST_F(AuthJwtTest, ATokenOver8KiBIsRefusedEvenWhenItsSignatureIsGood) {
  const std::string big =
      make_hmac_jwt("HS256", claims({{"pad", std::string(9000, 'x')}}), kSecret);
  ASSERT_GT(big.size(), 8192u);
  expect_unauthorized(get("/hs", big), big);
  // A large token under the limit (and over the 2 KiB that are remembered) is fine.
  const std::string large =
      make_hmac_jwt("HS256", claims({{"pad", std::string(4000, 'x')}}), kSecret);
  ASSERT_GT(large.size(), 4096u);
  ASSERT_LT(large.size(), 8000u);
  expect_ok(get("/hs", large));
}

TEST_F(AuthJwtTest, AMissingScopeIs403InsufficientScope) {
  auto token = [](const json& scopes) { return make_hmac_jwt("HS256", claims(scopes), kSecret); };
  const std::string read = token({{"scope", "read"}});
  expect_ok(get("/scoped", read));
  HttpResponse r = client_->post("/scoped", "", {bearer(read)});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  std::vector<std::string> values = challenges(r);
  ASSERT_EQ(values.size(), 1u) << ::testing::PrintToString(values);
  EXPECT_EQ(values[0].rfind("Bearer ", 0), 0u) << values[0];
  EXPECT_NE(values[0].find("error=\"insufficient_scope\""), std::string::npos) << values[0];
  EXPECT_NE(values[0].find("scope=\""), std::string::npos) << values[0];
  EXPECT_NE(values[0].find("write"), std::string::npos) << values[0];
  json problem = r.json();
  EXPECT_EQ(problem.value("type", ""), kForbidden);
  EXPECT_EQ(problem.value("status", 0), 403);
  // The problem lists what was required; the token itself is not quoted.
  EXPECT_NE(r.body.find("write"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find(read), std::string::npos);

  // No scope at all, or a scope that merely starts like the required one.
  for (const json& scopes :
       {json::object(), json({{"scope", "readwrite"}}), json({{"scope", "write"}}),
        json({{"scp", json::array({"reader"})}}), json({{"scope", ""}})}) {
    SCOPED_TRACE("GET with " + scopes.dump());
    HttpResponse refused = get("/scoped", token(scopes));
    EXPECT_EQ(refused.status, 403) << refused.body;
    ASSERT_EQ(challenges(refused).size(), 1u);
    EXPECT_NE(challenges(refused)[0].find("insufficient_scope"), std::string::npos);
  }
}

TEST_F(AuthJwtTest, ScopesComeFromTheScopeStringOrTheScpArray) {
  auto post = [&](const json& scopes) {
    return client_->post("/scoped", "", {bearer(make_hmac_jwt("HS256", claims(scopes), kSecret))});
  };
  expect_ok(post({{"scope", "read write"}}));
  expect_ok(post({{"scope", "write admin read"}}));
  expect_ok(post({{"scp", json::array({"read", "write"})}}));
  expect_ok(post({{"scp", json::array({"write", "x", "read"})}}));
  EXPECT_EQ(post({{"scp", json::array({"read"})}}).status, 403);
  EXPECT_EQ(post({{"scope", "read"}}).status, 403);
  // A bad token on a scoped operation is a 401, not a 403.
  const std::string wrong = make_hmac_jwt("HS256", claims({{"scope", "read write"}}), kOtherSecret);
  HttpResponse r = client_->post("/scoped", "", {bearer(wrong)});
  expect_unauthorized(r, wrong);
}

TEST_F(AuthJwtTest, SubjectClaimNamesTheCallerWhoseRowsTheyAre) {
  const std::string ann =
      make_hmac_jwt("HS256", claims({{"email", "ann@example.test"}}, "subject-of-ann"), kSecret);
  HttpResponse created =
      client_->post_json("/notes", {{"text", "hi"}, {"owner", "x"}}, {bearer(ann)});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().value("owner", ""), "ann@example.test") << created.body;
  const std::string location = created.header("location").value_or("");
  ASSERT_FALSE(location.empty());
  EXPECT_EQ(client_->get(location, {bearer(ann)}).status, 200);

  // Another caller with the same `sub` but another email sees nothing of it.
  const std::string ben =
      make_hmac_jwt("HS256", claims({{"email", "ben@example.test"}}, "subject-of-ann"), kSecret);
  HttpResponse list = client_->get("/notes", {bearer(ben)});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json(), json::array());
  EXPECT_EQ(client_->get(location, {bearer(ben)}).status, 404);

  // Without the subject claim there is no caller.
  const std::string no_email = make_hmac_jwt("HS256", claims(), kSecret);
  expect_unauthorized(client_->get("/notes", {bearer(no_email)}), no_email);
  const std::string empty_email = make_hmac_jwt("HS256", claims({{"email", ""}}), kSecret);
  expect_unauthorized(client_->get("/notes", {bearer(empty_email)}), empty_email);
}

TEST_F(AuthJwtTest, AuthenticationComesBeforeParametersAndTheBody) {
  // Unauthenticated callers learn nothing of what a valid request looks like.
  HttpResponse bad_body = client_->post("/notes", "{not json", {});
  EXPECT_EQ(bad_body.status, 401) << bad_body.body;
  HttpResponse bad_schema = client_->post_json("/notes", {{"nope", 1}}, {});
  EXPECT_EQ(bad_schema.status, 401) << bad_schema.body;
  HttpResponse bad_param = client_->get("/notes/not-a-number");
  EXPECT_EQ(bad_param.status, 401) << bad_param.body;
  // Routing still comes first.
  EXPECT_EQ(client_->get("/no-such-path").status, 404);
  // With a good token the same requests reach validation.
  const std::string ann = make_hmac_jwt("HS256", claims({{"email", "ann@example.test"}}), kSecret);
  EXPECT_EQ(client_->post_json("/notes", {{"nope", 1}}, {bearer(ann)}).status, 422);
}

TEST_F(AuthJwtTest, ARememberedTokenIsRefusedOnceItExpires) {
  // leeway 0s; the token is verified (and remembered) while valid, then must expire anyway.
  const long long exp = unix_now() + 2;
  const std::string token = make_hmac_jwt("HS256", claims({{"exp", exp}}), kSecret);
  expect_ok(get("/strict", token));
  expect_ok(get("/strict", token));
  // Waiting out the token's lifetime is the point of this test.
  ASSERT_TRUE(wait_until([&] { return unix_now() > exp; }));
  std::string detail = expect_unauthorized(get("/strict", token), token);
  EXPECT_NE(detail.find("expired"), std::string::npos) << detail;
}

TEST_F(AuthJwtTest, TokensNeverReachTheLog) {
  const std::vector<std::string> tokens = {
      make_hmac_jwt("HS256", claims(), kSecret),
      make_hmac_jwt("HS256", claims(), kOtherSecret),
      make_jwt("RS256", claims(), keys().rsa),
      make_jwt("RS256", claims({{"exp", unix_now() - 3600}}), keys().rsa),
      key_confusion_jwt(claims(), keys().rsa),
  };
  for (const std::string& token : tokens) {
    get("/hs", token);
    get("/rs", token);
  }
  // The access log is written by a background thread: wait for the line of a last request.
  client_->get("/hs", {bearer(tokens[0]), {"X-Request-Id", "auth-jwt-log-check"}});
  ASSERT_TRUE(server_->wait_for_log("auth-jwt-log-check", kWaitDeadline));
  const std::string log = server_->log();
  EXPECT_EQ(log.find(kSecret), std::string::npos) << "the HMAC secret is in the log";
  for (const std::string& token : tokens) {
    EXPECT_EQ(log.find(token_part(token, 2)), std::string::npos)
        << "a token's signature is in the log";
    EXPECT_EQ(log.find(token_part(token, 1)), std::string::npos)
        << "a token's payload is in the log";
  }
}

}  // namespace
}  // namespace apiserver::test
