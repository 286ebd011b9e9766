// Verifies a compact JWS-signed JWT: header, allowed algorithm, key of that algorithm's family,
// signature, then the time, issuer and audience claims. Built once per scheme at start-up;
// verify() is const and safe to call from every thread.
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/jwt_keys.hpp"

namespace apiserver::auth {

struct JwtSettings {
  std::set<std::string> algorithms;  // allowed `alg` values
  std::vector<JwtKey> keys;
  std::string issuer;                  // empty: not checked
  std::vector<std::string> audiences;  // empty: not checked
  std::chrono::seconds leeway{30};
  bool require_exp = true;
  std::string subject_claim = "sub";
};

struct VerifiedToken {
  std::string subject;
  std::vector<std::string> scopes;  // `scope` (space-separated) or `scp` (array)
};

struct TokenRefusal {
  std::string reason;  // for the client: "expired", "bad signature", ... never token contents
};

// The algorithms verify() knows.
bool is_supported_algorithm(const std::string& alg);
// The key family `alg` needs (an unsupported alg: nullopt).
std::optional<KeyFamily> family_for(const std::string& alg);

// The time claims of a token, checked again on every use.
struct TokenTimes {
  std::optional<long long> exp;
  std::optional<long long> nbf;
  std::optional<long long> iat;
};

class JwtVerifier {
 public:
  explicit JwtVerifier(JwtSettings settings) : settings_(std::move(settings)) {}

  // `now` is seconds since the epoch (a parameter so tests can fix the clock).
  bool verify(std::string_view token, long long now, VerifiedToken& out,
              TokenRefusal& refusal) const;

  const JwtSettings& settings() const { return settings_; }

 private:
  // A client sends the same token with every request, and its signature (RSA, ECDSA) costs
  // more than the rest of the request: a token that verified once is remembered, and only its
  // time claims are checked again.
  struct CachedToken {
    VerifiedToken token;
    TokenTimes times;
  };
  struct CacheShard {
    std::mutex mutex;
    std::unordered_map<std::string, CachedToken> tokens;
  };
  static constexpr size_t kCacheShards = 16;
  static constexpr size_t kCachedTokensPerShard = 256;
  static constexpr size_t kMaxCachedTokenBytes = 2048;

  bool verify_uncached(std::string_view token, long long now, VerifiedToken& out, TokenTimes& times,
                       TokenRefusal& refusal) const;
  bool check_times(const TokenTimes& times, long long now, TokenRefusal& refusal) const;
  bool check_signature(const std::string& alg, const JwtKey& key, std::string_view signing_input,
                       const std::string& signature) const;

  JwtSettings settings_;
  mutable std::array<CacheShard, kCacheShards> cache_;
};

}  // namespace apiserver::auth
