// Test-only JSON Web Token minting with OpenSSL 3, for the authentication tests.
//
// SigningKey generates a fresh key pair at test time (RSA-2048, EC P-256, EC P-384 or
// Ed25519), exports its public half as PEM or as a JWK, and produces JWS signatures in the
// form RFC 7518 requires (ECDSA as raw R || S, not DER). make_jwt() and make_hmac_jwt() (and
// sign_jwt() / sign_hmac_jwt(), which take a whole header) build compact tokens; the functions
// at the end build the malicious ones a verifier must refuse.
// Nothing here is meant for production use: keys live in memory only, and no input is checked
// beyond what the tests need.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace apiserver::test {

// RFC 4648 section 5, without padding.
std::string base64url(std::string_view bytes);
// Accepts text with or without padding; throws std::runtime_error on other characters.
std::string base64url_decode(std::string_view text);
// RFC 4648 section 4, with padding (for HTTP Basic credentials).
std::string base64(std::string_view bytes);

// Seconds since the epoch, as JWT NumericDate claims count them.
long long unix_now();

enum class KeyKind { kRsa2048, kEcP256, kEcP384, kEd25519 };

class SigningKey {
 public:
  // A new key pair (EVP_PKEY_Q_keygen). Throws std::runtime_error if OpenSSL fails.
  static SigningKey generate(KeyKind kind);

  KeyKind kind() const { return kind_; }
  // The public key as "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM, newline-ended.
  std::string public_pem() const;
  // A self-signed X.509 certificate for the key ("-----BEGIN CERTIFICATE-----" PEM), valid
  // from an hour ago for a day, subject CN=`common_name`.
  std::string certificate_pem(const std::string& common_name = "apiserver-test") const;
  // The public key as a JWK: RSA {kty, n, e}, EC {kty, crv, x, y}, OKP {kty, crv: Ed25519, x},
  // each with "kid" and, when not empty, "alg" and "use".
  nlohmann::json public_jwk(const std::string& kid, const std::string& alg = "",
                            const std::string& use = "sig") const;
  // The JWS signature of `input` under `alg` (RS256/384/512, PS256/384/512, ES256, ES384,
  // EdDSA). `alg` must fit the key (ES384 with a P-256 key is signed with SHA-384 and gives a
  // P-256-sized signature, which is how the tests build a cross-curve token).
  std::string sign(std::string_view alg, std::string_view input) const;

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> key, KeyKind kind) : key_(std::move(key)), kind_(kind) {}

  std::shared_ptr<EVP_PKEY> key_;
  KeyKind kind_;
};

// {"keys": [...]}.
nlohmann::json jwks(std::vector<nlohmann::json> keys);

// HMAC-SHA-256/384/512 of `input` for HS256/HS384/HS512.
std::string hmac(std::string_view alg, std::string_view secret, std::string_view input);

// {"alg": alg, "typ": "JWT"} plus "kid" when `kid` is not empty.
nlohmann::json jwt_header(const std::string& alg, const std::string& kid = "");

// BASE64URL(header) "." BASE64URL(claims), the JWS signing input.
std::string signing_input(const nlohmann::json& header, const nlohmann::json& claims);

// A compact JWS signed with `key` under header["alg"].
std::string sign_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                     const SigningKey& key);
// Shorthand: sign_jwt(jwt_header(alg, kid), claims, key).
std::string make_jwt(const std::string& alg, const nlohmann::json& claims, const SigningKey& key,
                     const std::string& kid = "");
// A compact JWS signed with HMAC under header["alg"] (HS256/384/512).
std::string sign_hmac_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                          std::string_view secret);
std::string make_hmac_jwt(const std::string& alg, const nlohmann::json& claims,
                          std::string_view secret);

// --- Tokens a verifier must refuse ---

// An unsecured JWS (RFC 7515 appendix A.5): {"alg": alg_value, "typ": "JWT"}, the claims and an
// empty signature ("header.payload.").
std::string unsigned_jwt(const nlohmann::json& claims, const std::string& alg_value = "none");
// `token` with its payload replaced by `claims`, header and signature kept.
std::string with_payload(std::string_view token, const nlohmann::json& claims);
// `token` with its header replaced by `header`, payload and signature kept.
std::string with_header(std::string_view token, const nlohmann::json& header);
// `token` with one character of its signature changed.
std::string with_flipped_signature(std::string_view token);
// The key-confusion attack: an HS256 token whose HMAC secret is the text of `key`'s public PEM
// (as a verifier that lets the token's alg pick how a key is used would compute it).
// `strip_newline`: the PEM without its final newline, as a secret file reader would trim it.
std::string key_confusion_jwt(const nlohmann::json& claims, const SigningKey& key,
                              bool strip_newline = false, const std::string& kid = "");

// The part of a compact token at `index` (0 header, 1 payload, 2 signature).
std::string token_part(std::string_view token, int index);

}  // namespace apiserver::test
