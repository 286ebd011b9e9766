#include "auth/jwt_verifier.hpp"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <cmath>
#include <memory>

#include "text/base64.hpp"

namespace apiserver::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8192;

const EVP_MD* digest_for(const std::string& alg) {
  if (alg == "EdDSA") return nullptr;  // Ed25519 hashes internally
  const std::string bits = alg.substr(2);
  if (bits == "256") return EVP_sha256();
  if (bits == "384") return EVP_sha384();
  if (bits == "512") return EVP_sha512();
  return nullptr;
}

// JWS ECDSA signatures are R || S; OpenSSL verifies DER.
std::optional<std::string> ecdsa_der(const std::string& raw, size_t half) {
  if (raw.size() != 2 * half) return std::nullopt;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

// A NumericDate claim: absent, a number (seconds), or malformed.
enum class DateClaim { kAbsent, kValid, kMalformed };
DateClaim date_claim(const nlohmann::json& payload, const char* name, long long& out) {
  auto it = payload.find(name);
  if (it == payload.end()) return DateClaim::kAbsent;
  if (!it->is_number()) return DateClaim::kMalformed;
  double value = it->get<double>();
  if (!std::isfinite(value) || std::fabs(value) > 1e15) return DateClaim::kMalformed;
  out = static_cast<long long>(std::floor(value));
  return DateClaim::kValid;
}

}  // namespace

std::optional<KeyFamily> family_for(const std::string& alg) {
  if (alg == "HS256" || alg == "HS384" || alg == "HS512") return KeyFamily::kHmac;
  if (alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "PS384" ||
      alg == "PS512")
    return KeyFamily::kRsa;
  if (alg == "ES256") return KeyFamily::kEcP256;
  if (alg == "ES384") return KeyFamily::kEcP384;
  if (alg == "EdDSA") return KeyFamily::kEd25519;
  return std::nullopt;
}

bool is_supported_algorithm(const std::string& alg) {
  return family_for(alg).has_value();
}

bool JwtVerifier::check_signature(const std::string& alg, const JwtKey& key,
                                  std::string_view signing_input,
                                  const std::string& signature) const {
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (key.family == KeyFamily::kHmac) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_length = 0;
    if (HMAC(digest_for(alg), key.secret.data(), static_cast<int>(key.secret.size()), input,
             signing_input.size(), mac, &mac_length) == nullptr)
      return false;
    return mac_length == signature.size() && CRYPTO_memcmp(mac, signature.data(), mac_length) == 0;
  }
  std::string der_storage;
  const std::string* sig = &signature;
  if (key.family == KeyFamily::kEcP256 || key.family == KeyFamily::kEcP384) {
    std::optional<std::string> der =
        ecdsa_der(signature, key.family == KeyFamily::kEcP256 ? 32 : 48);
    if (!der) return false;
    der_storage = std::move(*der);
    sig = &der_storage;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) return false;
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(alg), nullptr, key.key.get()) == 1;
  if (ok && alg[0] == 'P') {
    // RFC 7518 3.5: MGF1 with the same hash, salt as long as the hash.
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_for(alg)) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()),
                              sig->size(), input, signing_input.size()) == 1;
  ERR_clear_error();
  return ok;
}

bool JwtVerifier::verify(std::string_view token, long long now, VerifiedToken& out,
                         TokenRefusal& refusal) const {
  const bool cacheable = token.size() <= kMaxCachedTokenBytes;
  CacheShard& shard = cache_[std::hash<std::string_view>{}(token) % kCacheShards];
  if (cacheable) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.tokens.find(std::string(token));
    if (it != shard.tokens.end()) {
      if (!check_times(it->second.times, now, refusal)) {
        shard.tokens.erase(it);
        return false;
      }
      out = it->second.token;
      return true;
    }
  }
  TokenTimes times;
  if (!verify_uncached(token, now, out, times, refusal)) return false;
  if (cacheable) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    // Bounded: a flood of distinct valid tokens starts the shard afresh.
    if (shard.tokens.size() >= kCachedTokensPerShard) shard.tokens.clear();
    shard.tokens.emplace(std::string(token), CachedToken{out, times});
  }
  return true;
}

bool JwtVerifier::check_times(const TokenTimes& times, long long now, TokenRefusal& refusal) const {
  const long long leeway = settings_.leeway.count();
  if (!times.exp && settings_.require_exp) {
    refusal.reason = "the token has no exp claim";
    return false;
  }
  if (times.exp && now > *times.exp + leeway) {
    refusal.reason = "the token has expired";
    return false;
  }
  if (times.nbf && now + leeway < *times.nbf) {
    refusal.reason = "the token is not valid yet";
    return false;
  }
  if (times.iat && now + leeway < *times.iat) {
    refusal.reason = "the token was issued in the future";
    return false;
  }
  return true;
}

bool JwtVerifier::verify_uncached(std::string_view token, long long now, VerifiedToken& out,
                                  TokenTimes& times, TokenRefusal& refusal) const {
  auto refuse = [&](std::string reason) {
    refusal.reason = std::move(reason);
    return false;
  };
  if (token.size() > kMaxTokenBytes) return refuse("the token is larger than 8 KiB");
  size_t first = token.find('.');
  size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return refuse("malformed token");
  std::optional<std::string> header_text = text::base64url_decode(token.substr(0, first));
  std::optional<std::string> payload_text =
      text::base64url_decode(token.substr(first + 1, second - first - 1));
  std::optional<std::string> signature = text::base64url_decode(token.substr(second + 1));
  if (!header_text || !payload_text || !signature) return refuse("malformed token");
  nlohmann::json header = nlohmann::json::parse(*header_text, nullptr, false);
  if (!header.is_object() || !header.contains("alg") || !header["alg"].is_string())
    return refuse("malformed token header");
  const std::string alg = header["alg"].get<std::string>();
  if (!settings_.algorithms.count(alg) || !is_supported_algorithm(alg))
    return refuse("algorithm " + (alg.size() <= 16 ? alg : alg.substr(0, 16)) + " is not allowed");
  // Extensions the token says must be understood are not: refuse (RFC 7515 4.1.11).
  if (header.contains("crit")) return refuse("unsupported critical header");
  std::string kid;
  if (auto it = header.find("kid"); it != header.end()) {
    if (!it->is_string()) return refuse("malformed token header");
    kid = it->get<std::string>();
  }

  const KeyFamily family = *family_for(alg);
  const std::string_view signing_input = token.substr(0, second);
  bool any_key = false;
  bool verified = false;
  for (const JwtKey& key : settings_.keys) {
    if (key.family != family) continue;
    if (!key.alg.empty() && key.alg != alg) continue;
    if (!kid.empty() && !key.kid.empty() && key.kid != kid) continue;
    any_key = true;
    if (check_signature(alg, key, signing_input, *signature)) {
      verified = true;
      break;
    }
  }
  if (!any_key) return refuse("no key matches the token's kid and algorithm");
  if (!verified) return refuse("bad signature");

  nlohmann::json payload = nlohmann::json::parse(*payload_text, nullptr, false);
  if (!payload.is_object()) return refuse("malformed token payload");
  for (auto [name, slot] : {std::pair<const char*, std::optional<long long>*>{"exp", &times.exp},
                            {"nbf", &times.nbf},
                            {"iat", &times.iat}}) {
    long long value = 0;
    DateClaim claim = date_claim(payload, name, value);
    if (claim == DateClaim::kMalformed) return refuse(std::string("malformed ") + name + " claim");
    if (claim == DateClaim::kValid) *slot = value;
  }
  if (!check_times(times, now, refusal)) return false;
  if (!settings_.issuer.empty()) {
    auto it = payload.find("iss");
    if (it == payload.end() || !it->is_string() || it->get<std::string>() != settings_.issuer)
      return refuse("wrong issuer");
  }
  if (!settings_.audiences.empty()) {
    auto it = payload.find("aud");
    bool match = false;
    auto accepted = [&](const nlohmann::json& value) {
      if (!value.is_string()) return false;
      for (const std::string& a : settings_.audiences)
        if (value.get<std::string>() == a) return true;
      return false;
    };
    if (it != payload.end() && it->is_array()) {
      for (const auto& value : *it) match = match || accepted(value);
    } else if (it != payload.end()) {
      match = accepted(*it);
    }
    if (!match) return refuse("wrong audience");
  }
  auto subject = payload.find(settings_.subject_claim);
  if (subject == payload.end() || !subject->is_string() || subject->get<std::string>().empty())
    return refuse("the token has no " + settings_.subject_claim + " claim");
  out.subject = subject->get<std::string>();
  out.scopes.clear();
  if (auto scope = payload.find("scope"); scope != payload.end() && scope->is_string()) {
    const std::string& text = scope->get_ref<const std::string&>();
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) out.scopes.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  } else if (auto scp = payload.find("scp"); scp != payload.end() && scp->is_array()) {
    for (const auto& s : *scp)
      if (s.is_string()) out.scopes.push_back(s.get<std::string>());
  }
  return true;
}

}  // namespace apiserver::auth
