// Unit tests of JWT verification keys: HMAC secrets, PEM public keys and certificates, JWKS.
#include "auth/jwt_keys.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "auth/jwt_verifier.hpp"
#include "support/jwt_signer.hpp"
#include "unit/auth/openssl_keys.hpp"

namespace apiserver::auth {
namespace {

using test::KeyKind;
using test::SigningKey;

// RSA-2048 generation takes a while: one key of each kind for the whole suite.
class JwtKeysTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new SigningKey(SigningKey::generate(KeyKind::kRsa2048));
    p256_ = new SigningKey(SigningKey::generate(KeyKind::kEcP256));
    p384_ = new SigningKey(SigningKey::generate(KeyKind::kEcP384));
    ed25519_ = new SigningKey(SigningKey::generate(KeyKind::kEd25519));
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete p256_;
    delete p384_;
    delete ed25519_;
  }

  static std::vector<JwtKey> pem(const std::string& text, std::string& error) {
    error.clear();
    return pem_keys(text, error);
  }
  static std::vector<JwtKey> jwks(const nlohmann::json& document, std::string& error) {
    error.clear();
    return jwks_keys(document.dump(), error);
  }

  static SigningKey* rsa_;
  static SigningKey* p256_;
  static SigningKey* p384_;
  static SigningKey* ed25519_;
};

SigningKey* JwtKeysTest::rsa_ = nullptr;
SigningKey* JwtKeysTest::p256_ = nullptr;
SigningKey* JwtKeysTest::p384_ = nullptr;
SigningKey* JwtKeysTest::ed25519_ = nullptr;

TEST(JwtKeysFamily, NamesEachFamily) {
  EXPECT_STREQ(to_string(KeyFamily::kHmac), "HMAC");
  EXPECT_STREQ(to_string(KeyFamily::kRsa), "RSA");
  EXPECT_STREQ(to_string(KeyFamily::kEcP256), "EC P-256");
  EXPECT_STREQ(to_string(KeyFamily::kEcP384), "EC P-384");
  EXPECT_STREQ(to_string(KeyFamily::kEd25519), "Ed25519");
}

TEST(JwtKeysFamily, BindsEachAlgorithmToOneFamily) {
  for (const char* alg : {"HS256", "HS384", "HS512"}) EXPECT_EQ(family_for(alg), KeyFamily::kHmac);
  for (const char* alg : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
    EXPECT_EQ(family_for(alg), KeyFamily::kRsa) << alg;
  EXPECT_EQ(family_for("ES256"), KeyFamily::kEcP256);
  EXPECT_EQ(family_for("ES384"), KeyFamily::kEcP384);
  EXPECT_EQ(family_for("EdDSA"), KeyFamily::kEd25519);
  for (const char* alg :
       {"none", "None", "", "hs256", "ES512", "ES256K", "Ed25519", "RSA-OAEP", "HS1", "PS"}) {
    EXPECT_EQ(family_for(alg), std::nullopt) << alg;
    EXPECT_FALSE(is_supported_algorithm(alg)) << alg;
  }
}

TEST(JwtKeysHmac, RefusesASecretShorterThan32Bytes) {
  std::string error;
  EXPECT_EQ(hmac_key(std::string(31, 'k'), error), std::nullopt);
  EXPECT_EQ(error, "the HMAC secret must be at least 32 bytes");
  error.clear();
  std::optional<JwtKey> key = hmac_key(std::string(32, 'k'), error);
  ASSERT_TRUE(key.has_value()) << error;
  EXPECT_EQ(key->family, KeyFamily::kHmac);
  EXPECT_EQ(key->secret, std::string(32, 'k'));
  EXPECT_EQ(key->key, nullptr);
}

TEST_F(JwtKeysTest, PemBindsEachPublicKeyToItsFamily) {
  const std::pair<const SigningKey*, KeyFamily> cases[] = {{rsa_, KeyFamily::kRsa},
                                                           {p256_, KeyFamily::kEcP256},
                                                           {p384_, KeyFamily::kEcP384},
                                                           {ed25519_, KeyFamily::kEd25519}};
  for (const auto& [signing_key, family] : cases) {
    std::string error;
    std::vector<JwtKey> keys = pem(signing_key->public_pem(), error);
    ASSERT_EQ(keys.size(), 1u) << error;
    EXPECT_EQ(error, "");
    EXPECT_EQ(keys[0].family, family) << to_string(family);
    EXPECT_NE(keys[0].key, nullptr);
    EXPECT_EQ(keys[0].kid, "");
    EXPECT_EQ(keys[0].alg, "");
  }
}

TEST_F(JwtKeysTest, PemReadsSeveralBlocksInOrder) {
  std::string error;
  std::vector<JwtKey> keys =
      pem(p256_->public_pem() + "\n" + rsa_->public_pem() + ed25519_->public_pem(), error);
  ASSERT_EQ(keys.size(), 3u) << error;
  EXPECT_EQ(keys[0].family, KeyFamily::kEcP256);
  EXPECT_EQ(keys[1].family, KeyFamily::kRsa);
  EXPECT_EQ(keys[2].family, KeyFamily::kEd25519);
}

TEST_F(JwtKeysTest, PemRefusesAnRsaKeyUnder2048Bits) {
  const test::PKey small = test::rsa_key(1024);
  std::string error;
  EXPECT_TRUE(pem(test::public_pem(small), error).empty());
  EXPECT_EQ(error, "RSA keys must have at least 2048 bits");
  // One weak key among good ones refuses the whole file.
  EXPECT_TRUE(pem(rsa_->public_pem() + test::public_pem(small), error).empty());
  EXPECT_EQ(error, "RSA keys must have at least 2048 bits");
}

TEST_F(JwtKeysTest, PemRefusesCurvesAndTypesNoAlgorithmUses) {
  std::string error;
  EXPECT_TRUE(pem(test::public_pem(test::ec_key("P-521")), error).empty());
  EXPECT_EQ(error, "EC curve secp521r1 is not used by ES256 or ES384");
  EXPECT_TRUE(pem(test::public_pem(test::ec_key("secp256k1")), error).empty());
  EXPECT_EQ(error, "EC curve secp256k1 is not used by ES256 or ES384");
  const test::PKey x25519 = test::owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  EXPECT_TRUE(pem(test::public_pem(x25519), error).empty());
  EXPECT_EQ(error, "unsupported key type");
}

TEST_F(JwtKeysTest, PemAcceptsACertificate) {
  const test::PKey ec = test::ec_key("P-256");
  std::string error;
  std::vector<JwtKey> keys = pem(test::self_signed_certificate_pem(ec), error);
  ASSERT_EQ(keys.size(), 1u) << error;
  EXPECT_EQ(keys[0].family, KeyFamily::kEcP256);
  EXPECT_EQ(EVP_PKEY_eq(keys[0].key.get(), ec.get()), 1);
}

TEST_F(JwtKeysTest, ACertificateKeyVerifiesTokens) {
  const test::PKey ed = test::ed25519_key();
  std::string error;
  std::vector<JwtKey> keys = pem(test::self_signed_certificate_pem(ed) + rsa_->public_pem(), error);
  ASSERT_EQ(keys.size(), 2u) << error;
  EXPECT_EQ(keys[0].family, KeyFamily::kEd25519);

  JwtSettings settings;
  settings.algorithms = {"EdDSA"};
  settings.keys = keys;
  JwtVerifier verifier(settings);
  const std::string input =
      test::signing_input(test::jwt_header("EdDSA"), {{"sub", "cert-user"}, {"exp", 2000}});
  const std::string token = input + "." + test::base64url(test::ed25519_sign(ed, input));
  VerifiedToken out;
  TokenRefusal refusal;
  EXPECT_TRUE(verifier.verify(token, 1000, out, refusal)) << refusal.reason;
  EXPECT_EQ(out.subject, "cert-user");
}

TEST_F(JwtKeysTest, PemRefusesAPrivateKey) {
  std::string error;
  const test::PKey ec = test::ec_key("P-256");
  EXPECT_TRUE(pem(test::private_pem(ec), error).empty());
  EXPECT_EQ(error, "the PEM file holds a private key; give the public key only");
  // Even after a public key: the file is refused as a whole.
  EXPECT_TRUE(pem(test::public_pem(ec) + test::private_pem(ec), error).empty());
  EXPECT_EQ(error, "the PEM file holds a private key; give the public key only");
  // Traditional "EC PRIVATE KEY" blocks too.
  EXPECT_TRUE(
      pem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", error).empty());
  EXPECT_EQ(error, "the PEM file holds a private key; give the public key only");
}

TEST_F(JwtKeysTest, PemRefusesOtherBlocksAndText) {
  std::string error;
  EXPECT_TRUE(pem("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n", error).empty());
  EXPECT_EQ(error, "unexpected PEM block 'FOO'");
  EXPECT_TRUE(pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", error).empty());
  EXPECT_EQ(error, "a PEM block is not a valid public key or certificate");
  EXPECT_TRUE(pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", error).empty());
  EXPECT_EQ(error, "a PEM block is not a valid public key or certificate");
  EXPECT_TRUE(pem("not a key", error).empty());
  EXPECT_EQ(error, "no PEM public key or certificate found");
  EXPECT_TRUE(pem("", error).empty());
  EXPECT_EQ(error, "no PEM public key or certificate found");
}

TEST_F(JwtKeysTest, JwksLoadsEveryKeyTypeWithKidAndAlg) {
  std::string error;
  std::vector<JwtKey> keys =
      jwks(test::jwks({rsa_->public_jwk("r", "RS256"), p256_->public_jwk("e256", "ES256"),
                       p384_->public_jwk("e384", ""), ed25519_->public_jwk("ed", "EdDSA", "")}),
           error);
  ASSERT_EQ(keys.size(), 4u) << error;
  EXPECT_EQ(error, "");
  EXPECT_EQ(keys[0].family, KeyFamily::kRsa);
  EXPECT_EQ(keys[0].kid, "r");
  EXPECT_EQ(keys[0].alg, "RS256");
  EXPECT_EQ(keys[1].family, KeyFamily::kEcP256);
  EXPECT_EQ(keys[1].kid, "e256");
  EXPECT_EQ(keys[2].family, KeyFamily::kEcP384);
  EXPECT_EQ(keys[2].alg, "");
  EXPECT_EQ(keys[3].family, KeyFamily::kEd25519);
  EXPECT_EQ(keys[3].kid, "ed");
  // The JWK is the same key as the PEM.
  std::vector<JwtKey> from_pem = pem(rsa_->public_pem(), error);
  ASSERT_EQ(from_pem.size(), 1u);
  EXPECT_EQ(EVP_PKEY_eq(keys[0].key.get(), from_pem[0].key.get()), 1);
}

TEST_F(JwtKeysTest, JwksSkipsKeysForOtherUses) {
  std::string error;
  std::vector<JwtKey> keys = jwks(
      test::jwks({rsa_->public_jwk("enc", "", "enc"), p256_->public_jwk("sig", "", "sig")}), error);
  ASSERT_EQ(keys.size(), 1u) << error;
  EXPECT_EQ(keys[0].kid, "sig");
  // A key for encryption is skipped before its type is looked at.
  nlohmann::json odd = {{"kty", "oct"}, {"use", "enc"}, {"k", "AAAA"}};
  keys = jwks(test::jwks({odd, p256_->public_jwk("sig")}), error);
  ASSERT_EQ(keys.size(), 1u) << error;
  // Only encryption keys: nothing to verify with.
  EXPECT_TRUE(jwks(test::jwks({rsa_->public_jwk("enc", "", "enc")}), error).empty());
  EXPECT_EQ(error, "the JWKS holds no signing key");
  EXPECT_TRUE(jwks(test::jwks({}), error).empty());
  EXPECT_EQ(error, "the JWKS holds no signing key");
}

TEST_F(JwtKeysTest, JwksRefusesAPrivateKey) {
  for (const SigningKey* key : {rsa_, p256_, ed25519_}) {
    nlohmann::json jwk = key->public_jwk("k1");
    jwk["d"] = "AQAB";
    std::string error;
    EXPECT_TRUE(jwks(test::jwks({p384_->public_jwk("ok"), jwk}), error).empty());
    EXPECT_EQ(error, "key 1 (kid k1) holds a private key; publish public keys only");
  }
  // Even a private key marked for encryption is a leak to refuse.
  nlohmann::json enc = rsa_->public_jwk("", "", "enc");
  enc["d"] = "AQAB";
  std::string error;
  EXPECT_TRUE(jwks(test::jwks({enc}), error).empty());
  EXPECT_EQ(error, "key 0 holds a private key; publish public keys only");
}

TEST_F(JwtKeysTest, JwksRefusesAnUnknownKeyType) {
  std::string error;
  const nlohmann::json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "h"}};
  EXPECT_TRUE(jwks(test::jwks({oct}), error).empty());
  EXPECT_EQ(error, "key 0 (kid h): kty 'oct' is not RSA, EC or OKP");
  const nlohmann::json no_kty = {{"x", "AAAA"}};
  EXPECT_TRUE(jwks(test::jwks({no_kty}), error).empty());
  EXPECT_EQ(error, "key 0: kty '' is not RSA, EC or OKP");
}

TEST_F(JwtKeysTest, JwksRefusesWrongEcCoordinates) {
  std::string error;
  nlohmann::json jwk = p256_->public_jwk("e");
  jwk["x"] = test::base64url(test::base64url_decode(jwk["x"].get<std::string>()).substr(1));
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid e): EC coordinates have the wrong length for P-256");

  // P-384 coordinates under a P-256 name.
  jwk = p384_->public_jwk("e");
  jwk["crv"] = "P-256";
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid e): EC coordinates have the wrong length for P-256");

  // Right lengths, but not a point on the curve.
  jwk = {{"kty", "EC"},
         {"crv", "P-256"},
         {"x", test::base64url(std::string(32, '\x01'))},
         {"y", test::base64url(std::string(32, '\x02'))}};
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0: not a valid point on P-256");

  jwk = p256_->public_jwk("");
  jwk["crv"] = "P-521";
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0: EC curve 'P-521' is not P-256 or P-384");

  jwk = p256_->public_jwk("");
  jwk.erase("y");
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0: member 'y' is not base64url");
}

TEST_F(JwtKeysTest, JwksRefusesBadRsaAndOkpMembers) {
  std::string error;
  nlohmann::json jwk = rsa_->public_jwk("r");
  jwk["n"] = "not+base64url";
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid r): member 'n' is not base64url");

  jwk = rsa_->public_jwk("r");
  jwk["e"] = 65537;  // a number, not base64url text
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid r): member 'e' is not base64url");

  jwk = ed25519_->public_jwk("ed");
  jwk["crv"] = "X25519";
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid ed): OKP curve 'X25519' is not Ed25519");

  jwk = ed25519_->public_jwk("ed");
  jwk["x"] = test::base64url(std::string(31, '\x01'));
  EXPECT_TRUE(jwks(test::jwks({jwk}), error).empty());
  EXPECT_EQ(error, "key 0 (kid ed): not a valid Ed25519 key");
}

TEST_F(JwtKeysTest, JwksRefusesAnRsaKeyUnder2048Bits) {
  const test::PKey small = test::rsa_key(1024);
  nlohmann::json jwk = {{"kty", "RSA"},
                        {"kid", "small"},
                        {"n", test::base64url(test::rsa_param(small, OSSL_PKEY_PARAM_RSA_N))},
                        {"e", test::base64url(test::rsa_param(small, OSSL_PKEY_PARAM_RSA_E))}};
  std::string error;
  EXPECT_TRUE(jwks(test::jwks({rsa_->public_jwk("big"), jwk}), error).empty());
  EXPECT_EQ(error, "key 1 (kid small): RSA keys must have at least 2048 bits");
}

TEST_F(JwtKeysTest, JwksRefusesWhatIsNotAJwks) {
  for (const char* text :
       {"", "not json", "[]", "{}", "{\"keys\": {}}", "{\"keys\": \"x\"}", "{\"keys\": [}"}) {
    std::string error;
    EXPECT_TRUE(jwks_keys(text, error).empty()) << text;
    EXPECT_EQ(error, "not a JWKS document ({\"keys\": [...]})") << text;
  }
  std::string error;
  EXPECT_TRUE(jwks_keys("{\"keys\": [\"k\"]}", error).empty());
  EXPECT_EQ(error, "key 0 is not an object");
}

}  // namespace
}  // namespace apiserver::auth
