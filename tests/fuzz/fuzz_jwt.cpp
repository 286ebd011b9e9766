// Fuzz target: JWT parsing and verification (src/auth/jwt_verifier, jwt_keys). The first byte
// chooses what the rest is:
//   0  a token as a client sends it (header.payload.signature, any bytes);
//   1  a header and a payload, '\n'-separated JSON texts, which the target signs with the
//      verifier's HMAC secret, so that the claims checks past the signature are reached;
//   2  key material: a JWKS document and PEM text, as a document's scheme would load them.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt_keys.hpp"
#include "auth/jwt_verifier.hpp"
#include "fuzz_support.hpp"
#include "text/base64.hpp"

namespace {

using namespace apiserver;

const char* const kSecret = "a secret of at least thirty-two bytes, for HS256";
// RFC 7515 appendix A.3: the P-256 public key of the ES256 example.
const char* const kEcJwks = R"({"keys": [{"kty": "EC", "crv": "P-256", "kid": "a3",)"
                            R"( "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                            R"( "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]})";
constexpr long long kNow = 1700000000;

auth::JwtVerifier make_verifier() {
  auth::JwtSettings settings;
  settings.algorithms = {"HS256", "HS384", "ES256", "RS256", "EdDSA"};
  std::string error;
  if (auto key = auth::hmac_key(kSecret, error)) settings.keys.push_back(*key);
  for (auth::JwtKey& key : auth::jwks_keys(kEcJwks, error)) settings.keys.push_back(key);
  settings.issuer = "https://issuer.example";
  settings.audiences = {"api", "other"};
  return auth::JwtVerifier(settings);
}

std::string hs256(const std::string& signing_input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string(kSecret).size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auth::JwtVerifier verifier = make_verifier();
  if (size == 0) return 0;
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  auth::VerifiedToken token;
  auth::TokenRefusal refusal;
  switch (data[0] % 3) {
    case 0:
      (void)verifier.verify(rest, kNow, token, refusal);
      break;
    case 1: {
      std::vector<std::string> parts = fuzz::split(rest, '\n', 2);
      const std::string signing_input =
          text::base64url_encode(parts[0]) + "." + text::base64url_encode(parts[1]);
      const std::string signed_token =
          signing_input + "." + text::base64url_encode(hs256(signing_input));
      (void)verifier.verify(signed_token, kNow, token, refusal);
      break;
    }
    default: {
      std::string error;
      (void)auth::jwks_keys(std::string(rest), error);
      (void)auth::pem_keys(std::string(rest), error);
      break;
    }
  }
  return 0;
}
