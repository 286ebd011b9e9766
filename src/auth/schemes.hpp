// The document's security schemes as the server checks them, built once at start-up.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/api_keys.hpp"
#include "auth/jwt_verifier.hpp"
#include "auth/password_file.hpp"

namespace apiserver::auth {

enum class SchemeKind { kApiKey, kBasic, kJwt, kUnsupported };
enum class KeyLocation { kHeader, kQuery, kCookie };

struct Scheme {
  std::string name;  // the key under components/securitySchemes
  SchemeKind kind = SchemeKind::kUnsupported;
  KeyLocation in = KeyLocation::kHeader;  // apiKey
  std::string parameter;                  // apiKey: header (lower-cased), query or cookie name
  // Without configuration the scheme fails closed, or (--mock) only checks presence.
  bool configured = false;
  bool presence_only = false;
  std::unique_ptr<ApiKeys> keys;
  std::unique_ptr<PasswordFile> users;
  std::unique_ptr<JwtVerifier> jwt;
  std::string challenge;  // its WWW-Authenticate challenge
  std::string describe;   // what a client must send, for problem details
};

struct Schemes {
  std::vector<Scheme> schemes;
};

}  // namespace apiserver::auth
