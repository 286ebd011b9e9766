#include "ratelimit/rate_limiter.hpp"

#include <chrono>

#include "ratelimit/client_address.hpp"
#include "ratelimit/gcra_store.hpp"
#include "ratelimit/redis_gcra_store.hpp"

namespace apiserver::ratelimit {
namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

long long ceil_seconds(int64_t ns) {
  return (ns + kNanosPerSecond - 1) / kNanosPerSecond;
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
  if (api.rate_limit_store && !api.rate_limits.empty())
    shared_ = std::make_shared<RedisClient>(*api.rate_limit_store);
  for (const model::RateLimitPolicy& policy : api.rate_limits) {
    int64_t period = std::chrono::duration_cast<std::chrono::nanoseconds>(policy.per).count();
    if (shared_) {
      // The name is unique among the policies (the compiler makes sure) and stable across
      // instances of the same document; ':' ends it, as no client key starts with one.
      stores_.push_back(std::make_unique<RedisGcraStore>(
          shared_, api.rate_limit_store->key_prefix + policy.name + ":", policy.requests, period,
          policy.burst));
    } else {
      stores_.push_back(
          std::make_unique<GcraStore>(policy.requests, period, policy.burst, policy.max_keys));
    }
  }
}

RateLimiter::~RateLimiter() = default;

std::string RateLimiter::key_of(const model::RateLimitPolicy& policy, const http::Request& request,
                                const model::Identity* identity) const {
  switch (policy.key) {
    case model::RateLimitKey::kGlobal:
      return "";
    case model::RateLimitKey::kHeader:
      if (const std::string* value = request.header(policy.header)) return "h:" + *value;
      return "h-absent";  // callers without the header share one budget
    case model::RateLimitKey::kIdentity:
      // An anonymous caller (a public operation) is counted by address instead.
      if (identity != nullptr && identity->authenticated) return "s:" + identity->subject;
      [[fallthrough]];
    case model::RateLimitKey::kIp:
      return "ip:" + client_address(request, api_.trusted_proxies);
  }
  return "";
}

std::optional<Problem> RateLimiter::admit(Admission& admission, const http::Request& request,
                                          const model::Identity* identity) {
  const model::Operation& op = admission.op_;
  if (admission.refusing_ != nullptr || admission.unanswered_) return std::nullopt;  // refused
  const int64_t now = clock_();
  for (size_t slot = 0; slot < op.rate_limits.size(); ++slot) {
    const size_t index = op.rate_limits[slot];
    const model::RateLimitPolicy& policy = api_.rate_limits[index];
    bool by_caller = policy.key == model::RateLimitKey::kIdentity;
    if (by_caller != (identity != nullptr)) continue;
    Admission::Taken& taken = admission.taken_[admission.count_++];
    taken.slot = slot;
    taken.key = key_of(policy, request, identity);
    taken.decision = stores_[index]->acquire(taken.key, now);
    if (taken.decision.allowed) continue;
    if (taken.decision.unknown) {
      admission.unanswered_ = true;
      continue;
    }
    if (admission.refusing_ == nullptr) admission.refusing_ = &policy;
    admission.retry_ns_ = std::max(admission.retry_ns_, taken.decision.retry_after_ns);
  }
  if (admission.refusing_ == nullptr && !admission.unanswered_) return std::nullopt;
  // A refused request takes nothing from any budget, of this stage or the one before.
  for (size_t i = 0; i < admission.count_; ++i) {
    Admission::Taken& taken = admission.taken_[i];
    if (!taken.decision.allowed || taken.decision.unknown) continue;
    stores_[op.rate_limits[taken.slot]]->refund(taken.key);
    taken.decision.remaining += 1;
    taken.decision.reset_ns -= taken.decision.interval_ns;
  }
  if (admission.refusing_ == nullptr)  // only the store's silence refused (when-unreachable)
    return Problem::make(ProblemCode::kServiceUnavailable,
                         "the rate-limit store does not answer; retry shortly")
        .with_header("Retry-After", "1");
  const model::RateLimitPolicy& refusing = *admission.refusing_;
  long long retry = std::max<long long>(1, ceil_seconds(admission.retry_ns_));
  return Problem::make(ProblemCode::kTooManyRequests,
                       "rate limit '" + refusing.name + "' (" + std::to_string(refusing.requests) +
                           " per " + std::to_string(refusing.per.count()) +
                           " ms) is exhausted; retry in " + std::to_string(retry) + " s")
      .with_header("Retry-After", std::to_string(retry));
}

void RateLimiter::add_fields(const Admission& admission, HeaderList& headers) const {
  const model::Operation& op = admission.op_;
  if (op.rate_limits.empty()) return;
  headers.emplace_back("RateLimit-Policy", op.rate_limit_policy_field);
  if (admission.count_ == 0) return;
  // Members in the order of RateLimit-Policy, whichever stage applied them.
  std::array<const Admission::Taken*, model::kMaxRateLimitsPerOperation> by_slot{};
  for (size_t i = 0; i < admission.count_; ++i)
    by_slot[admission.taken_[i].slot] = &admission.taken_[i];
  std::string state;
  for (size_t slot = 0; slot < op.rate_limits.size(); ++slot) {
    const Admission::Taken* taken = by_slot[slot];
    if (taken == nullptr || taken->decision.unknown) continue;  // no state to tell
    if (!state.empty()) state += ", ";
    state += '"';
    state += api_.rate_limits[op.rate_limits[slot]].name;
    state += "\";r=";
    state += std::to_string(taken->decision.remaining);
    state += ";t=";
    state += std::to_string(ceil_seconds(std::max<int64_t>(0, taken->decision.reset_ns)));
  }
  if (!state.empty()) headers.emplace_back("RateLimit", std::move(state));
}

std::optional<Problem> RateLimiter::admit(const model::Operation& op, const http::Request& request,
                                          const model::Identity& identity, HeaderList& headers) {
  if (op.rate_limits.empty()) return std::nullopt;
  Admission admission(op);
  std::optional<Problem> problem = admit(admission, request, nullptr);
  if (!problem) problem = admit(admission, request, &identity);
  add_fields(admission, headers);
  return problem;
}

}  // namespace apiserver::ratelimit
