// Key material the shared JWT signer (support/jwt_signer.hpp) does not make, for the auth unit
// tests: RSA keys of any size, private-key PEM, self-signed certificates, and an Ed25519 signer
// for keys held as EVP_PKEY.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace apiserver::test {

using PKey = std::shared_ptr<EVP_PKEY>;

inline PKey owned(EVP_PKEY* key) {
  if (key == nullptr) throw std::runtime_error("key generation failed");
  return PKey(key, EVP_PKEY_free);
}

inline PKey rsa_key(size_t bits) {
  return owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
}
inline PKey ec_key(const char* curve) {
  return owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}
inline PKey ed25519_key() {
  return owned(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

// The text a BIO filled by `write` holds.
template <typename Write>
std::string bio_text(Write write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || write(bio.get()) != 1) throw std::runtime_error("PEM write failed");
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

inline std::string public_pem(const PKey& key) {
  return bio_text([&](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key.get()); });
}

inline std::string private_pem(const PKey& key) {
  return bio_text([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
}

// A self-signed X.509 certificate for `key`, valid for a day, as PEM.
inline std::string self_signed_certificate_pem(const PKey& key) {
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), X509_free);
  if (!certificate) throw std::runtime_error("X509_new failed");
  X509* x = certificate.get();
  X509_set_version(x, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("apiserver test"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  // Ed25519 signs without a separate digest.
  const EVP_MD* md = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  if (X509_sign(x, key.get(), md) == 0) throw std::runtime_error("X509_sign failed");
  return bio_text([&](BIO* bio) { return PEM_write_bio_X509(bio, x); });
}

// The big-endian bytes of an RSA key's modulus or exponent (OSSL_PKEY_PARAM_RSA_N/E).
inline std::string rsa_param(const PKey& key, const char* name) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), name, &number) != 1)
    throw std::runtime_error("EVP_PKEY_get_bn_param failed");
  std::string out(static_cast<size_t>(BN_num_bytes(number)), '\0');
  BN_bn2bin(number, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(number);
  return out;
}

// An Ed25519 signature of `input` (64 raw bytes, as EdDSA JWS uses it).
inline std::string ed25519_sign(const PKey& key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 64;
  std::string signature(length, '\0');
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw std::runtime_error("Ed25519 signing failed");
  signature.resize(length);
  return signature;
}

}  // namespace apiserver::test
