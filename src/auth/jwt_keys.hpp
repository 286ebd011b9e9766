// Verification keys for JWTs, each bound at load time to the one algorithm family it may
// verify, so that a key can never be used with another family (the RS256/HS256 confusion).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace apiserver::auth {

enum class KeyFamily { kHmac, kRsa, kEcP256, kEcP384, kEd25519 };

struct JwtKey {
  std::string kid;  // empty when the key has none
  KeyFamily family = KeyFamily::kHmac;
  std::string alg;                // a JWK's declared `alg`; empty: any of the family
  std::shared_ptr<EVP_PKEY> key;  // public key (not for kHmac)
  std::string secret;             // HMAC secret (kHmac only)
};

const char* to_string(KeyFamily family);

// An HMAC secret; refuses one shorter than 32 bytes (RFC 7518 section 3.2 asks for at least
// the hash size).
std::optional<JwtKey> hmac_key(std::string secret, std::string& error);

// Every public key or certificate in PEM `text`.
std::vector<JwtKey> pem_keys(const std::string& text, std::string& error);

// The signing keys of a JWKS document (`{"keys": [...]}`); keys for other uses, of unknown
// types or with private members are refused with `error`.
std::vector<JwtKey> jwks_keys(const std::string& text, std::string& error);

}  // namespace apiserver::auth
