// SigningKey and the token builders: OpenSSL 3 EVP calls only (no deprecated RSA_/EC_KEY_ API).
#include "support/jwt_signer.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <optional>
#include <stdexcept>

#include "text/base64.hpp"

namespace apiserver::test {
namespace {

[[noreturn]] void fail(const std::string& what) {
  unsigned long code = ERR_get_error();
  char text[256] = "no OpenSSL error";
  if (code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  throw std::runtime_error("jwt_signer: " + what + ": " + text);
}

std::string bignum_bytes(const BIGNUM* number, int width) {
  std::string out(static_cast<size_t>(width > 0 ? width : BN_num_bytes(number)), '\0');
  if (BN_bn2binpad(number, reinterpret_cast<unsigned char*>(out.data()),
                   static_cast<int>(out.size())) < 0)
    fail("BN_bn2binpad");
  return out;
}

std::string bignum_param(EVP_PKEY* key, const char* name, int width) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &number) != 1) fail(std::string("get ") + name);
  std::string out = bignum_bytes(number, width);
  BN_free(number);
  return out;
}

const EVP_MD* digest_for(std::string_view alg) {
  if (alg == "EdDSA") return nullptr;
  std::string_view bits = alg.substr(2);
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  throw std::runtime_error("jwt_signer: no digest for alg " + std::string(alg));
}

// DER ECDSA-Sig-Value -> R || S, each `half` bytes (RFC 7518 3.4).
std::string ecdsa_raw(const std::string& der, int half) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
  if (sig == nullptr) fail("d2i_ECDSA_SIG");
  std::string out =
      bignum_bytes(ECDSA_SIG_get0_r(sig), half) + bignum_bytes(ECDSA_SIG_get0_s(sig), half);
  ECDSA_SIG_free(sig);
  return out;
}

int coordinate_size(KeyKind kind) {
  return kind == KeyKind::kEcP384 ? 48 : 32;
}

}  // namespace

std::string base64url(std::string_view bytes) {
  return text::base64url_encode(bytes);
}

std::string base64(std::string_view bytes) {
  return text::base64_encode(bytes);
}

std::string base64url_decode(std::string_view encoded) {
  while (!encoded.empty() && encoded.back() == '=') encoded.remove_suffix(1);
  std::optional<std::string> bytes = text::base64url_decode(encoded);
  if (!bytes) throw std::runtime_error("base64url_decode: not base64url");
  return *bytes;
}

long long unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SigningKey SigningKey::generate(KeyKind kind) {
  EVP_PKEY* key = nullptr;
  switch (kind) {
    case KeyKind::kRsa2048:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
      break;
    case KeyKind::kEcP256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyKind::kEcP384:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyKind::kEd25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (key == nullptr) fail("EVP_PKEY_Q_keygen");
  return SigningKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free), kind);
}

std::string SigningKey::public_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) fail("BIO_new");
  if (PEM_write_bio_PUBKEY(bio, key_.get()) != 1) {
    BIO_free(bio);
    fail("PEM_write_bio_PUBKEY");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(length));
  BIO_free(bio);
  return out;
}

std::string SigningKey::certificate_pem(const std::string& common_name) const {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  if (!cert) fail("X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_set_pubkey(cert.get(), key_.get()) != 1) fail("X509_set_pubkey");
  // Ed25519 signs without a separate digest.
  const EVP_MD* md = kind_ == KeyKind::kEd25519 ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), key_.get(), md) <= 0) fail("X509_sign");
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) fail("BIO_new");
  if (PEM_write_bio_X509(bio, cert.get()) != 1) {
    BIO_free(bio);
    fail("PEM_write_bio_X509");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(length));
  BIO_free(bio);
  return out;
}

nlohmann::json SigningKey::public_jwk(const std::string& kid, const std::string& alg,
                                      const std::string& use) const {
  nlohmann::json jwk;
  switch (kind_) {
    case KeyKind::kRsa2048:
      jwk["kty"] = "RSA";
      jwk["n"] = base64url(bignum_param(key_.get(), OSSL_PKEY_PARAM_RSA_N, 0));
      jwk["e"] = base64url(bignum_param(key_.get(), OSSL_PKEY_PARAM_RSA_E, 0));
      break;
    case KeyKind::kEcP256:
    case KeyKind::kEcP384: {
      const int size = coordinate_size(kind_);
      jwk["kty"] = "EC";
      jwk["crv"] = kind_ == KeyKind::kEcP256 ? "P-256" : "P-384";
      jwk["x"] = base64url(bignum_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
      jwk["y"] = base64url(bignum_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
      break;
    }
    case KeyKind::kEd25519: {
      unsigned char raw[64];
      size_t length = sizeof raw;
      if (EVP_PKEY_get_raw_public_key(key_.get(), raw, &length) != 1)
        fail("EVP_PKEY_get_raw_public_key");
      jwk["kty"] = "OKP";
      jwk["crv"] = "Ed25519";
      jwk["x"] = base64url(std::string_view(reinterpret_cast<const char*>(raw), length));
      break;
    }
  }
  if (!kid.empty()) jwk["kid"] = kid;
  if (!alg.empty()) jwk["alg"] = alg;
  if (!use.empty()) jwk["use"] = use;
  return jwk;
}

std::string SigningKey::sign(std::string_view alg, std::string_view input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) fail("EVP_MD_CTX_new");
  EVP_PKEY_CTX* pctx = nullptr;
  if (EVP_DigestSignInit(ctx.get(), &pctx, digest_for(alg), nullptr, key_.get()) != 1)
    fail("EVP_DigestSignInit " + std::string(alg));
  if (alg.substr(0, 2) == "PS") {
    // RFC 7518 3.5: MGF1 with the same hash, a salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_for(alg)) != 1)
      fail("PSS parameters");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1)
    fail("EVP_DigestSign (size)");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     input.size()) != 1)
    fail("EVP_DigestSign");
  signature.resize(length);
  if (kind_ == KeyKind::kEcP256 || kind_ == KeyKind::kEcP384)
    return ecdsa_raw(signature, coordinate_size(kind_));
  return signature;
}

nlohmann::json jwks(std::vector<nlohmann::json> keys) {
  return {{"keys", std::move(keys)}};
}

std::string hmac(std::string_view alg, std::string_view secret, std::string_view input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(digest_for(alg), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
           &length) == nullptr)
    fail("HMAC");
  return std::string(reinterpret_cast<const char*>(mac), length);
}

nlohmann::json jwt_header(const std::string& alg, const std::string& kid) {
  nlohmann::json header = {{"alg", alg}, {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = kid;
  return header;
}

std::string signing_input(const nlohmann::json& header, const nlohmann::json& claims) {
  return base64url(header.dump()) + "." + base64url(claims.dump());
}

std::string sign_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                     const SigningKey& key) {
  const std::string input = signing_input(header, claims);
  return input + "." + base64url(key.sign(header.at("alg").get<std::string>(), input));
}

std::string make_jwt(const std::string& alg, const nlohmann::json& claims, const SigningKey& key,
                     const std::string& kid) {
  return sign_jwt(jwt_header(alg, kid), claims, key);
}

std::string sign_hmac_jwt(const nlohmann::json& header, const nlohmann::json& claims,
                          std::string_view secret) {
  const std::string input = signing_input(header, claims);
  return input + "." + base64url(hmac(header.at("alg").get<std::string>(), secret, input));
}

std::string make_hmac_jwt(const std::string& alg, const nlohmann::json& claims,
                          std::string_view secret) {
  return sign_hmac_jwt(jwt_header(alg), claims, secret);
}

std::string unsigned_jwt(const nlohmann::json& claims, const std::string& alg_value) {
  return signing_input(jwt_header(alg_value), claims) + ".";
}

std::string token_part(std::string_view token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) {
    start = token.find('.', start);
    if (start == std::string_view::npos) throw std::runtime_error("token_part: too few parts");
    ++start;
  }
  size_t end = token.find('.', start);
  return std::string(token.substr(start, end == std::string_view::npos ? end : end - start));
}

std::string with_payload(std::string_view token, const nlohmann::json& claims) {
  return token_part(token, 0) + "." + base64url(claims.dump()) + "." + token_part(token, 2);
}

std::string with_header(std::string_view token, const nlohmann::json& header) {
  return base64url(header.dump()) + "." + token_part(token, 1) + "." + token_part(token, 2);
}

std::string with_flipped_signature(std::string_view token) {
  std::string signature = base64url_decode(token_part(token, 2));
  if (signature.empty()) throw std::runtime_error("with_flipped_signature: no signature");
  signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
  return token_part(token, 0) + "." + token_part(token, 1) + "." + base64url(signature);
}

std::string key_confusion_jwt(const nlohmann::json& claims, const SigningKey& key,
                              bool strip_newline, const std::string& kid) {
  std::string secret = key.public_pem();
  if (strip_newline) {
    while (!secret.empty() && secret.back() == '\n') secret.pop_back();
  }
  return sign_hmac_jwt(jwt_header("HS256", kid), claims, secret);
}

}  // namespace apiserver::test
