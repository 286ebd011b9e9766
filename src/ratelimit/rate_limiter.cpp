#include "ratelimit/rate_limiter.hpp"

#include <chrono>

#include "ratelimit/client_address.hpp"
#include "ratelimit/gcra_store.hpp"

namespace apiserver::ratelimit {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

long long ceil_seconds(int64_t ns) {
  return (ns + kNanosPerSecond - 1) / kNanosPerSecond;
}

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

}  // namespace

Clock steady_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
}

RateLimiter::RateLimiter(const model::Api& api, Clock clock) : api_(api), clock_(std::move(clock)) {
  for (const model::RateLimitPolicy& policy : api.rate_limits) {
    int64_t period = std::chrono::duration_cast<std::chrono::nanoseconds>(policy.per).count();
    stores_.push_back(
        std::make_unique<GcraStore>(policy.requests, period, policy.burst, policy.max_keys));
  }
}

std::string RateLimiter::key_of(const model::RateLimitPolicy& policy, const http::Request& request,
                                const auth::Identity& identity) const {
  switch (policy.key) {
    case model::RateLimitKey::kGlobal:
      return "";
    case model::RateLimitKey::kHeader:
      if (const std::string* value = request.header(policy.header)) return "h:" + *value;
      return "h-absent";  // callers without the header share one budget
    case model::RateLimitKey::kIdentity:
      // An anonymous caller (a public operation) is counted by address instead.
      if (identity.authenticated) return "s:" + identity.subject;
      [[fallthrough]];
    case model::RateLimitKey::kIp:
      return "ip:" + client_address(request, api_.trusted_proxies);
  }
  return "";
}

std::optional<Problem> RateLimiter::admit(
    const model::Operation& op, const http::Request& request, const auth::Identity& identity,
    std::vector<std::pair<std::string, std::string>>& headers) {
  if (op.rate_limits.empty()) return std::nullopt;
  const int64_t now = clock_();
  std::vector<std::string> keys;
  std::vector<Decision> decisions;
  const model::RateLimitPolicy* refusing = nullptr;
  int64_t retry_ns = 0;
  for (size_t index : op.rate_limits) {
    const model::RateLimitPolicy& policy = api_.rate_limits[index];
    keys.push_back(key_of(policy, request, identity));
    decisions.push_back(stores_[index]->acquire(keys.back(), now));
    if (!decisions.back().allowed) {
      if (refusing == nullptr) refusing = &policy;
      retry_ns = std::max(retry_ns, decisions.back().retry_after_ns);
    }
  }
  std::string policy_field;
  std::string state_field;
  for (size_t i = 0; i < op.rate_limits.size(); ++i) {
    const model::RateLimitPolicy& policy = api_.rate_limits[op.rate_limits[i]];
    Decision& decision = decisions[i];
    if (refusing != nullptr && decision.allowed) {
      // A refused request takes nothing from any budget.
      stores_[op.rate_limits[i]]->refund(keys[i]);
      decision.remaining += 1;
      decision.reset_ns -= decision.interval_ns;
    }
    long long window = std::chrono::duration_cast<std::chrono::seconds>(policy.per).count();
    policy_field += (policy_field.empty() ? "" : ", ") + quoted(policy.name) +
                    ";q=" + std::to_string(policy.requests) +
                    ";w=" + std::to_string(std::max<long long>(1, window));
    state_field += (state_field.empty() ? "" : ", ") + quoted(policy.name) +
                   ";r=" + std::to_string(decision.remaining) +
                   ";t=" + std::to_string(ceil_seconds(std::max<int64_t>(0, decision.reset_ns)));
  }
  headers.emplace_back("RateLimit-Policy", std::move(policy_field));
  headers.emplace_back("RateLimit", std::move(state_field));
  if (refusing == nullptr) return std::nullopt;
  long long retry = std::max<long long>(1, ceil_seconds(retry_ns));
  return Problem::make(ProblemCode::kTooManyRequests,
                       "rate limit '" + refusing->name + "' (" +
                           std::to_string(refusing->requests) + " per " +
                           std::to_string(refusing->per.count()) + " ms) is exhausted; retry in " +
                           std::to_string(retry) + " s")
      .with_header("Retry-After", std::to_string(retry));
}

}  // namespace apiserver::ratelimit
