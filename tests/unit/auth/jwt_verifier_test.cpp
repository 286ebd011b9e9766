// Unit tests of JWT verification with a fixed clock: every algorithm, then every refusal with
// the reason a client is told.
#include "auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/jwt_signer.hpp"

namespace apiserver::auth {
namespace {

using nlohmann::json;
using test::KeyKind;
using test::SigningKey;

constexpr long long kNow = 1700000000;  // the fixed clock of every test
const std::string kSecret = "0123456789abcdef0123456789abcdef-hmac";  // 37 bytes
constexpr char kNoKey[] = "no key matches the token's kid and algorithm";

json claims(const json& extra = json::object()) {
  json out = {{"sub", "alice"}, {"iat", kNow - 10}, {"exp", kNow + 600}};
  for (const auto& [name, value] : extra.items()) {
    if (value.is_null())
      out.erase(name);
    else
      out[name] = value;
  }
  return out;
}

// A token with any `header`, signed with HMAC under header["alg"]'s hash.
std::string hmac_jwt(const json& header, const json& payload) {
  const std::string input = test::signing_input(header, payload);
  return input + "." +
         test::base64url(test::hmac(header.at("alg").get<std::string>(), kSecret, input));
}

struct Outcome {
  bool ok = false;
  VerifiedToken token;
  std::string reason;
};

Outcome verify_with(const JwtVerifier& verifier, const std::string& token, long long now = kNow) {
  Outcome outcome;
  TokenRefusal refusal;
  outcome.ok = verifier.verify(token, now, outcome.token, refusal);
  outcome.reason = refusal.reason;
  return outcome;
}

// A fresh verifier, so that no token is remembered from an earlier check.
Outcome verify_fresh(const JwtSettings& settings, const std::string& token, long long now = kNow) {
  JwtVerifier verifier(settings);
  return verify_with(verifier, token, now);
}

class JwtVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new SigningKey(SigningKey::generate(KeyKind::kRsa2048));
    rsa2_ = new SigningKey(SigningKey::generate(KeyKind::kRsa2048));
    p256_ = new SigningKey(SigningKey::generate(KeyKind::kEcP256));
    p384_ = new SigningKey(SigningKey::generate(KeyKind::kEcP384));
    ed25519_ = new SigningKey(SigningKey::generate(KeyKind::kEd25519));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete rsa2_;
    delete p256_;
    delete p384_;
    delete ed25519_;
  }

  static std::vector<JwtKey> pem(const SigningKey& key) {
    std::string error;
    std::vector<JwtKey> keys = pem_keys(key.public_pem(), error);
    EXPECT_EQ(error, "");
    EXPECT_EQ(keys.size(), 1u);
    return keys;
  }
  static std::vector<JwtKey> jwks(const std::vector<json>& jwk) {
    std::string error;
    std::vector<JwtKey> keys = jwks_keys(test::jwks(jwk).dump(), error);
    EXPECT_EQ(error, "");
    return keys;
  }
  static JwtKey hmac() {
    std::string error;
    std::optional<JwtKey> key = hmac_key(kSecret, error);
    EXPECT_TRUE(key.has_value()) << error;
    return *key;
  }
  static JwtSettings settings(std::set<std::string> algorithms, std::vector<JwtKey> keys) {
    JwtSettings out;
    out.algorithms = std::move(algorithms);
    out.keys = std::move(keys);
    return out;
  }
  static JwtSettings hs256() { return settings({"HS256"}, {hmac()}); }
  static std::string hs256_token(const json& payload) {
    return test::make_hmac_jwt("HS256", payload, kSecret);
  }

  static SigningKey* rsa_;
  static SigningKey* rsa2_;
  static SigningKey* p256_;
  static SigningKey* p384_;
  static SigningKey* ed25519_;
};

SigningKey* JwtVerifierTest::rsa_ = nullptr;
SigningKey* JwtVerifierTest::rsa2_ = nullptr;
SigningKey* JwtVerifierTest::p256_ = nullptr;
SigningKey* JwtVerifierTest::p384_ = nullptr;
SigningKey* JwtVerifierTest::ed25519_ = nullptr;

// --- Every algorithm ---

TEST_F(JwtVerifierTest, AcceptsEveryHmacAlgorithm) {
  for (const char* alg : {"HS256", "HS384", "HS512"}) {
    const std::string token = test::make_hmac_jwt(alg, claims(), kSecret);
    Outcome outcome = verify_fresh(settings({alg}, {hmac()}), token);
    EXPECT_TRUE(outcome.ok) << alg << ": " << outcome.reason;
    EXPECT_EQ(outcome.token.subject, "alice") << alg;
    // The same token under another secret, or tampered with, is refused.
    JwtKey other = hmac();
    other.secret[0] = 'X';
    EXPECT_EQ(verify_fresh(settings({alg}, {other}), token).reason, "bad signature") << alg;
    EXPECT_EQ(verify_fresh(settings({alg}, {hmac()}), test::with_flipped_signature(token)).reason,
              "bad signature")
        << alg;
  }
}

TEST_F(JwtVerifierTest, AcceptsEveryPublicKeyAlgorithmFromPemAndJwks) {
  const std::pair<const char*, const SigningKey*> cases[] = {
      {"RS256", rsa_}, {"RS384", rsa_},  {"RS512", rsa_},  {"PS256", rsa_},    {"PS384", rsa_},
      {"PS512", rsa_}, {"ES256", p256_}, {"ES384", p384_}, {"EdDSA", ed25519_}};
  for (const auto& [alg, key] : cases) {
    const std::string token = test::make_jwt(alg, claims(), *key, "k1");
    Outcome from_pem = verify_fresh(settings({alg}, pem(*key)), token);
    EXPECT_TRUE(from_pem.ok) << alg << ": " << from_pem.reason;
    EXPECT_EQ(from_pem.token.subject, "alice") << alg;
    Outcome from_jwks = verify_fresh(settings({alg}, jwks({key->public_jwk("k1", alg)})), token);
    EXPECT_TRUE(from_jwks.ok) << alg << ": " << from_jwks.reason;
    // Tampered signature or payload: bad signature.
    EXPECT_EQ(verify_fresh(settings({alg}, pem(*key)), test::with_flipped_signature(token)).reason,
              "bad signature")
        << alg;
    EXPECT_EQ(verify_fresh(settings({alg}, pem(*key)),
                           test::with_payload(token, claims({{"sub", "mallory"}})))
                  .reason,
              "bad signature")
        << alg;
  }
}

TEST_F(JwtVerifierTest, RefusesASignatureOfAnotherKeyOfTheSameFamily) {
  const std::string token = test::make_jwt("RS256", claims(), *rsa2_);
  EXPECT_EQ(verify_fresh(settings({"RS256"}, pem(*rsa_)), token).reason, "bad signature");
  // With both keys, the right one is found.
  std::vector<JwtKey> both = pem(*rsa_);
  both.push_back(pem(*rsa2_).front());
  EXPECT_TRUE(verify_fresh(settings({"RS256"}, both), token).ok);
}

TEST_F(JwtVerifierTest, RsaPkcs1AndPssSignaturesAreNotInterchangeable) {
  const std::string rs = test::make_jwt("RS256", claims(), *rsa_);
  const std::string as_ps = test::with_header(rs, test::jwt_header("PS256"));
  EXPECT_EQ(verify_fresh(settings({"RS256", "PS256"}, pem(*rsa_)), as_ps).reason, "bad signature");
}

// --- Algorithms and keys ---

TEST_F(JwtVerifierTest, RefusesAlgNone) {
  const std::string token = test::unsigned_jwt(claims());
  EXPECT_EQ(verify_fresh(hs256(), token).reason, "algorithm none is not allowed");
  // Even a configuration naming it cannot make verify() accept it.
  EXPECT_EQ(verify_fresh(settings({"none", "HS256"}, {hmac()}), token).reason,
            "algorithm none is not allowed");
  EXPECT_EQ(verify_fresh(hs256(), test::unsigned_jwt(claims(), "None")).reason,
            "algorithm None is not allowed");
  // alg none with a (valid HS256) signature attached.
  const std::string signed_none =
      test::with_header(hs256_token(claims()), {{"alg", "none"}, {"typ", "JWT"}});
  EXPECT_EQ(verify_fresh(hs256(), signed_none).reason, "algorithm none is not allowed");
}

TEST_F(JwtVerifierTest, RefusesAnAlgorithmNotAllowed) {
  const std::string rs384 = test::make_jwt("RS384", claims(), *rsa_);
  EXPECT_EQ(verify_fresh(settings({"RS256"}, pem(*rsa_)), rs384).reason,
            "algorithm RS384 is not allowed");
  EXPECT_EQ(verify_fresh(settings({"RS256"}, pem(*rsa_)), hs256_token(claims())).reason,
            "algorithm HS256 is not allowed");
  const std::string lower = hmac_jwt({{"alg", "hs256"}}, claims());
  EXPECT_EQ(verify_fresh(hs256(), lower).reason, "algorithm hs256 is not allowed");
  // An alg the server does not know, even if configured.
  const std::string es512 =
      test::with_header(test::make_jwt("ES384", claims(), *p384_), test::jwt_header("ES512"));
  EXPECT_EQ(verify_fresh(settings({"ES512", "ES384"}, pem(*p384_)), es512).reason,
            "algorithm ES512 is not allowed");
}

TEST_F(JwtVerifierTest, QuotesAtMost16CharactersOfAnUnknownAlg) {
  const std::string token =
      test::with_header(hs256_token(claims()), {{"alg", std::string(40, 'A') + "<script>"}});
  EXPECT_EQ(verify_fresh(hs256(), token).reason, "algorithm AAAAAAAAAAAAAAAA is not allowed");
}

TEST_F(JwtVerifierTest, RefusesTheKeyConfusionAttack) {
  // An HS256 token whose HMAC secret is the RSA public key's PEM: the RSA key is bound to RS*,
  // so no key can check an HS256 token even though HS256 is allowed.
  const JwtSettings both = settings({"RS256", "HS256"}, pem(*rsa_));
  for (bool strip_newline : {false, true}) {
    const std::string token = test::key_confusion_jwt(claims(), *rsa_, strip_newline);
    EXPECT_EQ(verify_fresh(both, token).reason, kNoKey) << strip_newline;
  }
  const std::string with_kid = test::key_confusion_jwt(claims(), *rsa_, false, "k1");
  EXPECT_EQ(
      verify_fresh(settings({"RS256", "HS256"}, jwks({rsa_->public_jwk("k1")})), with_kid).reason,
      kNoKey);
}

TEST_F(JwtVerifierTest, UsesOnlyKeysOfTheTokensCurve) {
  // ES384 allowed, but only a P-256 key: no key of the P-384 family.
  const std::string es384 = test::make_jwt("ES384", claims(), *p384_);
  EXPECT_EQ(verify_fresh(settings({"ES256", "ES384"}, pem(*p256_)), es384).reason, kNoKey);
  // An Ed25519 key never checks an ECDSA token.
  const std::string es256 = test::make_jwt("ES256", claims(), *p256_);
  EXPECT_EQ(verify_fresh(settings({"ES256", "EdDSA"}, pem(*ed25519_)), es256).reason, kNoKey);
  // ES384 signed with the P-256 key (a 64-byte signature) against the P-384 key.
  const std::string cross = test::make_jwt("ES384", claims(), *p256_);
  EXPECT_EQ(verify_fresh(settings({"ES384"}, pem(*p384_)), cross).reason, "bad signature");
}

TEST_F(JwtVerifierTest, RefusesAnEcdsaSignatureOfTheWrongLength) {
  const std::string token = test::make_jwt("ES256", claims(), *p256_);
  const std::string raw = test::base64url_decode(test::token_part(token, 2));
  ASSERT_EQ(raw.size(), 64u);
  const std::string input = test::token_part(token, 0) + "." + test::token_part(token, 1);
  const JwtSettings es256 = settings({"ES256"}, pem(*p256_));
  EXPECT_TRUE(verify_fresh(es256, token).ok);
  for (const std::string& signature : {raw + std::string(1, '\0'), raw.substr(0, 63),
                                       std::string(1, '\0') + raw, raw + raw, std::string()}) {
    EXPECT_EQ(verify_fresh(es256, input + "." + test::base64url(signature)).reason, "bad signature")
        << signature.size();
  }
  // R || S of zeros has the right length but is no signature.
  EXPECT_EQ(verify_fresh(es256, input + "." + test::base64url(std::string(64, '\0'))).reason,
            "bad signature");
}

TEST_F(JwtVerifierTest, AKidPicksTheKey) {
  const JwtSettings both =
      settings({"RS256"}, jwks({rsa_->public_jwk("k1"), rsa2_->public_jwk("k2")}));
  EXPECT_TRUE(verify_fresh(both, test::make_jwt("RS256", claims(), *rsa2_, "k2")).ok);
  EXPECT_TRUE(verify_fresh(both, test::make_jwt("RS256", claims(), *rsa_, "k1")).ok);
  // The kid names the other key: that key alone is tried.
  EXPECT_EQ(verify_fresh(both, test::make_jwt("RS256", claims(), *rsa_, "k2")).reason,
            "bad signature");
  // A kid no key has.
  EXPECT_EQ(verify_fresh(both, test::make_jwt("RS256", claims(), *rsa_, "k3")).reason, kNoKey);
  // Without a kid every key of the family is tried.
  EXPECT_TRUE(verify_fresh(both, test::make_jwt("RS256", claims(), *rsa2_)).ok);
  // Keys without a kid (PEM) accept a token that names one.
  EXPECT_TRUE(
      verify_fresh(settings({"RS256"}, pem(*rsa_)), test::make_jwt("RS256", claims(), *rsa_, "any"))
          .ok);
}

TEST_F(JwtVerifierTest, AJwkAlgRestrictsTheKey) {
  const JwtSettings rs256_only =
      settings({"RS256", "PS256"}, jwks({rsa_->public_jwk("k", "RS256")}));
  EXPECT_TRUE(verify_fresh(rs256_only, test::make_jwt("RS256", claims(), *rsa_, "k")).ok);
  EXPECT_EQ(verify_fresh(rs256_only, test::make_jwt("PS256", claims(), *rsa_, "k")).reason, kNoKey);
}

TEST_F(JwtVerifierTest, AJwkForEncryptionNeverVerifies) {
  std::string error;
  std::vector<JwtKey> keys = jwks_keys(
      test::jwks({rsa_->public_jwk("enc", "", "enc"), rsa2_->public_jwk("sig")}).dump(), error);
  ASSERT_EQ(keys.size(), 1u) << error;
  const JwtSettings rs256 = settings({"RS256"}, keys);
  EXPECT_EQ(verify_fresh(rs256, test::make_jwt("RS256", claims(), *rsa_, "enc")).reason, kNoKey);
  EXPECT_TRUE(verify_fresh(rs256, test::make_jwt("RS256", claims(), *rsa2_, "sig")).ok);
}

TEST_F(JwtVerifierTest, RefusesACriticalHeader) {
  for (const json& crit : {json::array({"exp"}), json::array(), json("b64")}) {
    json header = test::jwt_header("HS256");
    header["crit"] = crit;
    header["exp"] = 1;
    const std::string token = hmac_jwt(header, claims());
    EXPECT_EQ(verify_fresh(hs256(), token).reason, "unsupported critical header") << crit;
  }
}

// --- Time claims ---

TEST_F(JwtVerifierTest, ExpiryBoundaryWithLeeway) {
  const long long exp = kNow + 100;
  const std::string token = hs256_token(claims({{"exp", exp}}));
  const JwtSettings s = hs256();  // leeway 30s
  EXPECT_TRUE(verify_fresh(s, token, exp - 1).ok);
  EXPECT_TRUE(verify_fresh(s, token, exp).ok);
  EXPECT_TRUE(verify_fresh(s, token, exp + 30).ok);
  EXPECT_EQ(verify_fresh(s, token, exp + 31).reason, "the token has expired");
}

TEST_F(JwtVerifierTest, ExpiryBoundaryWithoutLeeway) {
  const long long exp = kNow + 100;
  const std::string token = hs256_token(claims({{"exp", exp}}));
  JwtSettings s = hs256();
  s.leeway = std::chrono::seconds(0);
  EXPECT_TRUE(verify_fresh(s, token, exp).ok);
  EXPECT_EQ(verify_fresh(s, token, exp + 1).reason, "the token has expired");
  s.leeway = std::chrono::minutes(5);
  EXPECT_TRUE(verify_fresh(s, token, exp + 300).ok);
  EXPECT_EQ(verify_fresh(s, token, exp + 301).reason, "the token has expired");
}

TEST_F(JwtVerifierTest, NotBeforeBoundary) {
  const long long nbf = kNow;
  const std::string token = hs256_token(claims({{"nbf", nbf}, {"iat", nullptr}}));
  JwtSettings s = hs256();
  EXPECT_TRUE(verify_fresh(s, token, nbf).ok);
  EXPECT_TRUE(verify_fresh(s, token, nbf - 30).ok);
  EXPECT_EQ(verify_fresh(s, token, nbf - 31).reason, "the token is not valid yet");
  s.leeway = std::chrono::seconds(0);
  EXPECT_TRUE(verify_fresh(s, token, nbf).ok);
  EXPECT_EQ(verify_fresh(s, token, nbf - 1).reason, "the token is not valid yet");
}

TEST_F(JwtVerifierTest, IssuedAtBoundary) {
  const long long iat = kNow;
  const std::string token = hs256_token(claims({{"iat", iat}}));
  JwtSettings s = hs256();
  EXPECT_TRUE(verify_fresh(s, token, iat - 30).ok);
  EXPECT_EQ(verify_fresh(s, token, iat - 31).reason, "the token was issued in the future");
  s.leeway = std::chrono::seconds(0);
  EXPECT_TRUE(verify_fresh(s, token, iat).ok);
  EXPECT_EQ(verify_fresh(s, token, iat - 1).reason, "the token was issued in the future");
}

TEST_F(JwtVerifierTest, FractionalDatesAreRoundedDown) {
  const JwtSettings s = hs256();
  // exp 1700000000 - 30 + 0.9 counts as kNow - 30: the last accepted second.
  EXPECT_TRUE(verify_fresh(s, hs256_token(claims({{"exp", kNow - 30 + 0.9}}))).ok);
  EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"exp", kNow - 30.1}}))).reason,
            "the token has expired");
}

TEST_F(JwtVerifierTest, RequiresExpUnlessConfiguredOtherwise) {
  const std::string token = hs256_token(claims({{"exp", nullptr}}));
  JwtSettings s = hs256();
  EXPECT_EQ(verify_fresh(s, token).reason, "the token has no exp claim");
  s.require_exp = false;
  EXPECT_TRUE(verify_fresh(s, token).ok);
  // Not required, but present and past: still expired.
  EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"exp", kNow - 31}}))).reason,
            "the token has expired");
}

TEST_F(JwtVerifierTest, RefusesMalformedDateClaims) {
  for (const char* name : {"exp", "nbf", "iat"}) {
    for (const json& value : {json("1700000000"), json(true), json::array({1}), json::object(),
                              json(1e300), json(-1e16)}) {
      json payload = claims();
      payload[name] = value;
      EXPECT_EQ(verify_fresh(hs256(), hs256_token(payload)).reason,
                std::string("malformed ") + name + " claim")
          << name << "=" << value;
    }
  }
}

TEST_F(JwtVerifierTest, RechecksTimesOfARememberedToken) {
  const long long exp = kNow + 100;
  const std::string token = hs256_token(claims({{"exp", exp}, {"nbf", kNow}, {"iat", nullptr}}));
  JwtVerifier verifier(hs256());
  EXPECT_TRUE(verify_with(verifier, token, kNow).ok);
  EXPECT_TRUE(verify_with(verifier, token, exp + 30).ok);
  EXPECT_EQ(verify_with(verifier, token, exp + 31).reason, "the token has expired");
  // Forgotten after the refusal, and verified afresh.
  EXPECT_TRUE(verify_with(verifier, token, kNow).ok);
  EXPECT_EQ(verify_with(verifier, token, kNow - 31).reason, "the token is not valid yet");
  Outcome again = verify_with(verifier, token, kNow + 1);
  EXPECT_TRUE(again.ok) << again.reason;
  EXPECT_EQ(again.token.subject, "alice");
}

TEST_F(JwtVerifierTest, RemembersNothingOfARefusedToken) {
  JwtVerifier verifier(hs256());
  const std::string bad = test::with_flipped_signature(hs256_token(claims()));
  EXPECT_EQ(verify_with(verifier, bad).reason, "bad signature");
  EXPECT_EQ(verify_with(verifier, bad).reason, "bad signature");
  // Distinct tokens keep their own subjects and scopes.
  const std::string a = hs256_token(claims({{"sub", "a"}, {"scope", "x"}}));
  const std::string b = hs256_token(claims({{"sub", "b"}, {"scope", "y z"}}));
  for (int i = 0; i < 2; ++i) {
    Outcome first = verify_with(verifier, a);
    Outcome second = verify_with(verifier, b);
    EXPECT_EQ(first.token.subject, "a");
    EXPECT_EQ(first.token.scopes, std::vector<std::string>({"x"}));
    EXPECT_EQ(second.token.subject, "b");
    EXPECT_EQ(second.token.scopes, std::vector<std::string>({"y", "z"}));
  }
}

// --- Issuer, audience, subject, scopes ---

TEST_F(JwtVerifierTest, ChecksTheIssuer) {
  JwtSettings s = hs256();
  s.issuer = "https://id.example";
  EXPECT_TRUE(verify_fresh(s, hs256_token(claims({{"iss", "https://id.example"}}))).ok);
  for (const json& iss : {json("https://id.example/"), json("https://ID.example"), json(""),
                          json(42), json::array({"https://id.example"})}) {
    EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"iss", iss}}))).reason, "wrong issuer") << iss;
  }
  EXPECT_EQ(verify_fresh(s, hs256_token(claims())).reason, "wrong issuer");
  // Without a configured issuer, any is accepted.
  EXPECT_TRUE(verify_fresh(hs256(), hs256_token(claims({{"iss", "whoever"}}))).ok);
}

TEST_F(JwtVerifierTest, ChecksTheAudienceAsStringOrArray) {
  JwtSettings s = hs256();
  s.audiences = {"todo", "admin"};
  for (const json& aud :
       {json("todo"), json("admin"), json::array({"other", "admin"}), json::array({1, "todo"})}) {
    Outcome outcome = verify_fresh(s, hs256_token(claims({{"aud", aud}})));
    EXPECT_TRUE(outcome.ok) << aud << ": " << outcome.reason;
  }
  for (const json& aud : {json("other"), json("Todo"), json::array(), json::array({"x", "y"}),
                          json::array({json::array({"todo"})}), json(1), json({{"todo", 1}})}) {
    EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"aud", aud}}))).reason, "wrong audience") << aud;
  }
  EXPECT_EQ(verify_fresh(s, hs256_token(claims())).reason, "wrong audience");
  EXPECT_TRUE(verify_fresh(hs256(), hs256_token(claims({{"aud", "anything"}}))).ok);
}

TEST_F(JwtVerifierTest, RequiresTheSubjectClaim) {
  const JwtSettings s = hs256();
  EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"sub", nullptr}}))).reason,
            "the token has no sub claim");
  EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"sub", ""}}))).reason,
            "the token has no sub claim");
  EXPECT_EQ(verify_fresh(s, hs256_token(claims({{"sub", 42}}))).reason,
            "the token has no sub claim");
}

TEST_F(JwtVerifierTest, TakesTheSubjectFromTheConfiguredClaim) {
  JwtSettings s = hs256();
  s.subject_claim = "email";
  Outcome outcome = verify_fresh(s, hs256_token(claims({{"email", "alice@example.com"}})));
  EXPECT_TRUE(outcome.ok) << outcome.reason;
  EXPECT_EQ(outcome.token.subject, "alice@example.com");
  EXPECT_EQ(verify_fresh(s, hs256_token(claims())).reason, "the token has no email claim");
}

TEST_F(JwtVerifierTest, ReadsScopesFromScopeOrScp) {
  const JwtSettings s = hs256();
  auto scopes = [&](const json& extra) {
    Outcome outcome = verify_fresh(s, hs256_token(claims(extra)));
    EXPECT_TRUE(outcome.ok) << outcome.reason;
    return outcome.token.scopes;
  };
  using Scopes = std::vector<std::string>;
  EXPECT_EQ(scopes({{"scope", "read write"}}), Scopes({"read", "write"}));
  EXPECT_EQ(scopes({{"scope", " read  write admin "}}), Scopes({"read", "write", "admin"}));
  EXPECT_EQ(scopes({{"scope", ""}}), Scopes());
  EXPECT_EQ(scopes({{"scp", {"read", 7, "write"}}}), Scopes({"read", "write"}));
  EXPECT_EQ(scopes({{"scp", json::array()}}), Scopes());
  // `scope` wins over `scp`; a `scope` that is not a string leaves `scp`.
  EXPECT_EQ(scopes({{"scope", "a"}, {"scp", {"b"}}}), Scopes({"a"}));
  EXPECT_EQ(scopes({{"scope", 5}, {"scp", {"b"}}}), Scopes({"b"}));
  EXPECT_EQ(scopes({{"scp", "not an array"}}), Scopes());
  EXPECT_EQ(scopes(json::object()), Scopes());
}

// --- Malformed tokens ---

TEST_F(JwtVerifierTest, RefusesAnOversizedToken) {
  const JwtSettings s = hs256();
  bool accepted_at_limit = false;
  bool refused_over_limit = false;
  // Token sizes from a little under to a little over 8 KiB.
  for (size_t pad = 5950; pad < 6050; ++pad) {
    const std::string token = hs256_token(claims({{"pad", std::string(pad, 'x')}}));
    Outcome outcome = verify_fresh(s, token);
    if (token.size() <= 8192) {
      EXPECT_TRUE(outcome.ok) << token.size() << ": " << outcome.reason;
      accepted_at_limit = accepted_at_limit || token.size() >= 8190;
    } else {
      EXPECT_EQ(outcome.reason, "the token is larger than 8 KiB") << token.size();
      refused_over_limit = refused_over_limit || token.size() <= 8194;
    }
  }
  EXPECT_TRUE(accepted_at_limit);
  EXPECT_TRUE(refused_over_limit);
  // Refused before anything is decoded.
  EXPECT_EQ(verify_fresh(s, std::string(9000, '.')).reason, "the token is larger than 8 KiB");
}

TEST_F(JwtVerifierTest, RefusesATokenWithoutThreeParts) {
  const std::string token = hs256_token(claims());
  const std::string two = test::token_part(token, 0) + "." + test::token_part(token, 1);
  for (const std::string& bad :
       {std::string(), std::string("abc"), two, token + ".",
        token + "." + test::token_part(token, 2), std::string("a.b.c.d"), std::string("...")}) {
    EXPECT_EQ(verify_fresh(hs256(), bad).reason, "malformed token") << bad;
  }
  // Three parts with an empty signature: the signature is checked, and fails.
  EXPECT_EQ(verify_fresh(hs256(), two + ".").reason, "bad signature");
}

TEST_F(JwtVerifierTest, RefusesPartsThatAreNotBase64url) {
  const std::string token = hs256_token(claims());
  const std::string header = test::token_part(token, 0);
  const std::string payload = test::token_part(token, 1);
  const std::string signature = test::token_part(token, 2);
  for (const std::string& bad :
       {header + "=." + payload + "." + signature,  // padding
        header + "." + payload + "+." + signature,  // standard alphabet
        header + "." + payload + "." + signature + "=", header + "." + payload + ".!",
        header + " ." + payload + "." + signature,           // space
        "%%%." + payload + "." + signature,                  // not the alphabet at all
        header + "." + payload + "." + signature + "AA"}) {  // a length no encoder makes
    EXPECT_EQ(verify_fresh(hs256(), bad).reason, "malformed token") << bad;
  }
  // Valid base64url of the wrong bytes is a bad signature, not a malformed token.
  EXPECT_EQ(verify_fresh(hs256(), header + "." + payload + "." + signature + "A").reason,
            "bad signature");
}

TEST_F(JwtVerifierTest, RefusesAHeaderThatIsNotAJsonObjectWithAlg) {
  const std::string token = hs256_token(claims());
  const std::string rest = "." + test::token_part(token, 1) + "." + test::token_part(token, 2);
  for (const std::string& header :
       {std::string(""), std::string("not json"), std::string("[\"HS256\"]"),
        std::string("\"HS256\""), std::string("{}"), std::string("{\"alg\": 256}"),
        std::string("{\"alg\": null}"), std::string("{\"alg\": \"HS256\", \"kid\": 7}"),
        std::string("{\"alg\": \"HS256\"")}) {
    EXPECT_EQ(verify_fresh(hs256(), test::base64url(header) + rest).reason,
              "malformed token header")
        << header;
  }
}

TEST_F(JwtVerifierTest, RefusesAPayloadThatIsNotAJsonObject) {
  const std::string header = test::base64url(test::jwt_header("HS256").dump());
  for (const std::string& payload :
       {std::string("[1, 2]"), std::string("\"alice\""), std::string("null"),
        std::string("not json"), std::string(""), std::string("{\"sub\": \"a\"")}) {
    const std::string input = header + "." + test::base64url(payload);
    const std::string token = input + "." + test::base64url(test::hmac("HS256", kSecret, input));
    EXPECT_EQ(verify_fresh(hs256(), token).reason, "malformed token payload") << payload;
  }
}

TEST_F(JwtVerifierTest, RefusalsNeverQuoteTheToken) {
  const std::string token = hs256_token(claims({{"sub", "secret-subject-name"}, {"exp", 1}}));
  Outcome outcome = verify_fresh(hs256(), token);
  EXPECT_EQ(outcome.reason, "the token has expired");
  EXPECT_EQ(outcome.reason.find("secret-subject-name"), std::string::npos);
}

}  // namespace
}  // namespace apiserver::auth
