// The JWT verifier against tokens it did not make: the RFC 7515 appendix A.1-A.3 and RFC 8037
// A.4 examples (vectors/rfc_jws_vectors.json), and tokens signed by PyJWT
// (vectors/pyjwt_tokens.json, written by vectors/make_pyjwt_tokens.py). Each verifies with its
// published key and a tampered copy fails with "bad signature".
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "auth/jwt_verifier.hpp"
#include "support/server_process.hpp"
#include "text/base64.hpp"

namespace apiserver::auth {
namespace {

using nlohmann::json;

// RFC 7515's examples expire at 1300819380 (2011-03-22T18:43:00Z): checked a minute before.
constexpr long long kBeforeRfcExpiry = 1300819380 - 60;
constexpr long long kNow = 1800000000;  // 2027: after the RFC expiry, after PyJWT's iat/nbf

json read_vectors(const std::string& name) {
  std::ifstream in(test::test_data_path("unit/auth/vectors/" + name));
  std::stringstream text;
  text << in.rdbuf();
  json parsed = json::parse(text.str(), nullptr, false);
  EXPECT_TRUE(parsed.is_object()) << name << " is missing or not JSON";
  return parsed;
}

std::vector<JwtKey> jwk_keys(const json& jwk) {
  std::string error;
  std::vector<JwtKey> keys = jwks_keys(json{{"keys", json::array({jwk})}}.dump(), error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(keys.size(), 1u);
  return keys;
}

std::vector<JwtKey> secret_keys(const std::string& secret) {
  std::string error;
  std::optional<JwtKey> key = hmac_key(secret, error);
  EXPECT_TRUE(key) << error;
  return key ? std::vector<JwtKey>{*key} : std::vector<JwtKey>{};
}

struct Outcome {
  bool ok = false;
  VerifiedToken token;
  std::string reason;
};

// A fresh verifier each time, so no earlier verification is remembered.
Outcome verify(const JwtSettings& settings, const std::string& token, long long now) {
  JwtVerifier verifier(settings);
  Outcome outcome;
  TokenRefusal refusal;
  outcome.ok = verifier.verify(token, now, outcome.token, refusal);
  outcome.reason = refusal.reason;
  return outcome;
}

// One character changed in the middle of the payload, then of the signature: either way the
// signature no longer matches what it signs.
std::vector<std::string> tampered_copies(const std::string& token) {
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  auto flip = [](char c) { return c == 'A' ? 'B' : 'A'; };
  std::string payload = token;
  size_t in_payload = first + 1 + (second - first - 1) / 2;
  payload[in_payload] = flip(payload[in_payload]);
  std::string signature = token;
  size_t in_signature = second + 1 + (token.size() - second - 1) / 2;
  signature[in_signature] = flip(signature[in_signature]);
  return {payload, signature};
}

TEST(JwtRfcVectors, Rfc7515ExamplesVerifyBeforeTheirExpiry) {
  json vectors = read_vectors("rfc_jws_vectors.json");
  int checked = 0;
  for (const json& v : vectors["vectors"]) {
    if (v["alg"] == "EdDSA") continue;  // its payload is not a claims set: below
    SCOPED_TRACE(v["name"].get<std::string>());
    JwtSettings settings;
    settings.algorithms = {v["alg"].get<std::string>()};
    settings.subject_claim = "iss";  // the examples name no subject; "iss" is "joe"
    if (v["jwk"]["kty"] == "oct") {
      std::optional<std::string> secret = text::base64url_decode(v["jwk"]["k"].get<std::string>());
      ASSERT_TRUE(secret);
      settings.keys = secret_keys(*secret);
    } else {
      settings.keys = jwk_keys(v["jwk"]);
    }
    const std::string token = v["token"];
    Outcome before = verify(settings, token, kBeforeRfcExpiry);
    EXPECT_TRUE(before.ok) << before.reason;
    EXPECT_EQ(before.token.subject, "joe");
    // Today the signature still verifies, and only the expiry refuses it.
    EXPECT_EQ(verify(settings, token, kNow).reason, "the token has expired");
    for (const std::string& tampered : tampered_copies(token))
      EXPECT_EQ(verify(settings, tampered, kBeforeRfcExpiry).reason, "bad signature") << tampered;
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(JwtRfcVectors, Rfc8037Ed25519SignatureVerifies) {
  json vectors = read_vectors("rfc_jws_vectors.json");
  const json* ed25519 = nullptr;
  for (const json& v : vectors["vectors"])
    if (v["alg"] == "EdDSA") ed25519 = &v;
  ASSERT_NE(ed25519, nullptr);
  JwtSettings settings;
  settings.algorithms = {"EdDSA"};
  settings.keys = jwk_keys((*ed25519)["jwk"]);
  const std::string token = (*ed25519)["token"];
  // The payload is plain text, so a verified signature ends at the payload check; a bad one
  // would stop before it.
  EXPECT_EQ(verify(settings, token, kNow).reason, "malformed token payload");
  for (const std::string& tampered : tampered_copies(token))
    EXPECT_EQ(verify(settings, tampered, kNow).reason, "bad signature") << tampered;
}

class JwtPyJwtTokens : public ::testing::Test {
 protected:
  json vectors_ = read_vectors("pyjwt_tokens.json");

  static JwtSettings settings_for(const std::string& alg, std::vector<JwtKey> keys) {
    JwtSettings settings;
    settings.algorithms = {alg};
    settings.keys = std::move(keys);
    settings.require_exp = false;
    settings.issuer = "pyjwt";
    return settings;
  }
};

TEST_F(JwtPyJwtTokens, EveryAlgorithmVerifiesWithItsPemAndJwkKeys) {
  ASSERT_NE(vectors_["made_by"].get<std::string>().find("python3-jwt"), std::string::npos);
  std::set<std::string> algorithms;
  for (const json& t : vectors_["tokens"]) {
    const std::string alg = t["alg"];
    SCOPED_TRACE(alg);
    algorithms.insert(alg);
    std::vector<std::vector<JwtKey>> key_sets;
    if (t.contains("secret")) {
      key_sets.push_back(secret_keys(t["secret"]));
    } else {
      std::string error;
      key_sets.push_back(pem_keys(t["public_pem"], error));
      EXPECT_EQ(error, "");
      key_sets.push_back(jwk_keys(t["public_jwk"]));
    }
    for (std::vector<JwtKey>& keys : key_sets) {
      JwtSettings settings = settings_for(alg, std::move(keys));
      Outcome outcome = verify(settings, t["token"], kNow);
      EXPECT_TRUE(outcome.ok) << outcome.reason;
      EXPECT_EQ(outcome.token.subject, "pyjwt-user");
      EXPECT_EQ(outcome.token.scopes, (std::vector<std::string>{"read", "write"}));
      for (const std::string& tampered : tampered_copies(t["token"]))
        EXPECT_EQ(verify(settings, tampered, kNow).reason, "bad signature") << tampered;
    }
  }
  EXPECT_EQ(algorithms, (std::set<std::string>{"HS256", "RS256", "PS256", "ES256", "EdDSA"}));
}

TEST_F(JwtPyJwtTokens, AreRefusedUnderAnotherAlgorithmOrKey) {
  // RS256 and PS256 share the key: each token verifies only under the algorithm it names.
  const json* rs256 = nullptr;
  const json* es256 = nullptr;
  for (const json& t : vectors_["tokens"]) {
    if (t["alg"] == "RS256") rs256 = &t;
    if (t["alg"] == "ES256") es256 = &t;
  }
  ASSERT_TRUE(rs256 && es256);
  JwtSettings only_ps256 = settings_for("PS256", jwk_keys((*rs256)["public_jwk"]));
  EXPECT_EQ(verify(only_ps256, (*rs256)["token"], kNow).reason, "algorithm RS256 is not allowed");
  // The RSA token against the EC key: no key of its family.
  JwtSettings wrong_key = settings_for("RS256", jwk_keys((*es256)["public_jwk"]));
  EXPECT_EQ(verify(wrong_key, (*rs256)["token"], kNow).reason,
            "no key matches the token's kid and algorithm");
}

}  // namespace
}  // namespace apiserver::auth
