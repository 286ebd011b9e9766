#include "auth/jwt_keys.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "text/base64.hpp"

namespace apiserver::auth {
namespace {

constexpr int kMinRsaBits = 2048;

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) {
  return {key, EVP_PKEY_free};
}

// The family of a loaded public key, or nullopt (with `error`) for one no JWS algorithm here uses.
std::optional<KeyFamily> family_of(EVP_PKEY* key, std::string& error) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      if (EVP_PKEY_get_bits(key) < kMinRsaBits) {
        error = "RSA keys must have at least 2048 bits";
        return std::nullopt;
      }
      return KeyFamily::kRsa;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t length = 0;
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length);
      if (std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0)
        return KeyFamily::kEcP256;
      if (std::strcmp(group, "secp384r1") == 0 || std::strcmp(group, "P-384") == 0)
        return KeyFamily::kEcP384;
      error = std::string("EC curve ") + group + " is not used by ES256 or ES384";
      return std::nullopt;
    }
    case EVP_PKEY_ED25519:
      return KeyFamily::kEd25519;
    default:
      error = "unsupported key type";
      return std::nullopt;
  }
}

std::string member(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::string> decoded_member(const nlohmann::json& jwk, const char* name,
                                          std::string& error) {
  std::optional<std::string> bytes = text::base64url_decode(member(jwk, name));
  if (!bytes || bytes->empty()) error = std::string("member '") + name + "' is not base64url";
  return bytes && !bytes->empty() ? bytes : std::nullopt;
}

// Builds a key of `type` ("RSA", "EC") from OSSL parameters.
EVP_PKEY* from_params(const char* type, OSSL_PARAM_BLD* builder) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1)
    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return key;
}

EVP_PKEY* rsa_from_jwk(const nlohmann::json& jwk, std::string& error) {
  auto n = decoded_member(jwk, "n", error);
  auto e = decoded_member(jwk, "e", error);
  if (!n || !e) return nullptr;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                           static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  EVP_PKEY* key = nullptr;
  if (bn_n != nullptr && bn_e != nullptr && builder != nullptr &&
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
    key = from_params("RSA", builder);
  OSSL_PARAM_BLD_free(builder);
  BN_free(bn_n);
  BN_free(bn_e);
  if (key == nullptr && error.empty()) error = "not a valid RSA key";
  return key;
}

EVP_PKEY* ec_from_jwk(const nlohmann::json& jwk, std::string& error) {
  std::string crv = member(jwk, "crv");
  size_t size = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 0;
  if (size == 0) {
    error = "EC curve '" + crv + "' is not P-256 or P-384";
    return nullptr;
  }
  auto x = decoded_member(jwk, "x", error);
  auto y = decoded_member(jwk, "y", error);
  if (!x || !y) return nullptr;
  if (x->size() != size || y->size() != size) {
    error = "EC coordinates have the wrong length for " + crv;
    return nullptr;
  }
  std::string point = "\x04" + *x + *y;  // uncompressed point
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  EVP_PKEY* key = nullptr;
  if (builder != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME,
                                      crv == "P-256" ? "prime256v1" : "secp384r1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1)
    key = from_params("EC", builder);
  OSSL_PARAM_BLD_free(builder);
  if (key == nullptr) error = "not a valid point on " + crv;
  return key;
}

EVP_PKEY* okp_from_jwk(const nlohmann::json& jwk, std::string& error) {
  if (member(jwk, "crv") != "Ed25519") {
    error = "OKP curve '" + member(jwk, "crv") + "' is not Ed25519";
    return nullptr;
  }
  auto x = decoded_member(jwk, "x", error);
  if (!x) return nullptr;
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  if (key == nullptr) error = "not a valid Ed25519 key";
  return key;
}

}  // namespace

const char* to_string(KeyFamily family) {
  switch (family) {
    case KeyFamily::kHmac:
      return "HMAC";
    case KeyFamily::kRsa:
      return "RSA";
    case KeyFamily::kEcP256:
      return "EC P-256";
    case KeyFamily::kEcP384:
      return "EC P-384";
    case KeyFamily::kEd25519:
      return "Ed25519";
  }
  return "?";
}

std::optional<JwtKey> hmac_key(std::string secret, std::string& error) {
  if (secret.size() < 32) {
    error = "the HMAC secret must be at least 32 bytes";
    return std::nullopt;
  }
  JwtKey key;
  key.family = KeyFamily::kHmac;
  key.secret = std::move(secret);
  return key;
}

std::vector<JwtKey> pem_keys(const std::string& text, std::string& error) {
  std::vector<JwtKey> out;
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  if (bio == nullptr) return out;
  // Each block may be a public key or a certificate; read them in order.
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio, &name, &header, &data, &length) != 1) break;
    const unsigned char* cursor = data;
    EVP_PKEY* key = nullptr;
    std::string block = name;
    if (block == "PUBLIC KEY") {
      key = d2i_PUBKEY(nullptr, &cursor, length);
    } else if (block == "CERTIFICATE") {
      X509* certificate = d2i_X509(nullptr, &cursor, length);
      if (certificate != nullptr) key = X509_get_pubkey(certificate);
      X509_free(certificate);
    } else if (block.find("PRIVATE KEY") != std::string::npos) {
      error = "the PEM file holds a private key; give the public key only";
    } else {
      error = "unexpected PEM block '" + block + "'";
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (!error.empty()) break;
    if (key == nullptr) {
      error = "a PEM block is not a valid public key or certificate";
      break;
    }
    std::optional<KeyFamily> family = family_of(key, error);
    if (!family) {
      EVP_PKEY_free(key);
      break;
    }
    JwtKey jwt_key;
    jwt_key.family = *family;
    jwt_key.key = own(key);
    out.push_back(std::move(jwt_key));
  }
  ERR_clear_error();
  BIO_free(bio);
  if (error.empty() && out.empty()) error = "no PEM public key or certificate found";
  if (!error.empty()) out.clear();
  return out;
}

std::vector<JwtKey> jwks_keys(const std::string& text, std::string& error) {
  std::vector<JwtKey> out;
  nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("keys") ||
      !document["keys"].is_array()) {
    error = "not a JWKS document ({\"keys\": [...]})";
    return out;
  }
  size_t index = 0;
  for (const nlohmann::json& jwk : document["keys"]) {
    std::string where = "key " + std::to_string(index++);
    if (!jwk.is_object()) {
      error = where + " is not an object";
      return {};
    }
    if (!member(jwk, "kid").empty()) where += " (kid " + member(jwk, "kid") + ")";
    if (jwk.contains("d")) {
      error = where + " holds a private key; publish public keys only";
      return {};
    }
    std::string use = member(jwk, "use");
    if (!use.empty() && use != "sig") continue;  // encryption keys never verify a signature
    std::string kty = member(jwk, "kty");
    std::string key_error;
    EVP_PKEY* key = nullptr;
    if (kty == "RSA") {
      key = rsa_from_jwk(jwk, key_error);
    } else if (kty == "EC") {
      key = ec_from_jwk(jwk, key_error);
    } else if (kty == "OKP") {
      key = okp_from_jwk(jwk, key_error);
    } else {
      key_error = "kty '" + kty + "' is not RSA, EC or OKP";
    }
    std::optional<KeyFamily> family;
    if (key != nullptr) family = family_of(key, key_error);
    if (!family) {
      EVP_PKEY_free(key);
      error = where + ": " + key_error;
      return {};
    }
    JwtKey jwt_key;
    jwt_key.kid = member(jwk, "kid");
    jwt_key.alg = member(jwk, "alg");
    jwt_key.family = *family;
    jwt_key.key = own(key);
    out.push_back(std::move(jwt_key));
  }
  ERR_clear_error();
  if (out.empty()) error = "the JWKS holds no signing key";
  return out;
}

}  // namespace apiserver::auth
