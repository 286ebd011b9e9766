#include "ratelimit/redis_gcra_store.hpp"

#include <algorithm>

namespace apiserver::ratelimit {
namespace {

// Lua holds numbers as doubles: exact below 2^53; a burst beyond 2^50 us (35 years) is the same.
constexpr int64_t kMaxToleranceUs = int64_t{1} << 50;

}  // namespace

RedisGcraStore::RedisGcraStore(std::shared_ptr<RedisClient> client, std::string prefix,
                               long long requests, int64_t period_ns, long long burst)
    : client_(std::move(client)),
      prefix_(std::move(prefix)),
      interval_us_(std::max<int64_t>(1, period_ns / 1000 / std::max<long long>(1, requests))),
      tolerance_us_(std::max<long long>(1, burst) > kMaxToleranceUs / interval_us_
                        ? kMaxToleranceUs
                        : interval_us_ * std::max<long long>(1, burst)),
      burst_(std::max<long long>(1, burst)) {}

Decision RedisGcraStore::acquire(const std::string& key, int64_t) {
  Decision decision;
  decision.interval_ns = interval_us_ * 1000;
  std::optional<GcraReply> reply = client_->take(prefix_ + key, interval_us_, tolerance_us_);
  if (!reply) {
    decision.unknown = true;
    decision.allowed = client_->admit_when_unreachable();
    return decision;
  }
  decision.allowed = reply->allowed;
  decision.remaining = std::clamp<long long>(reply->remaining, 0, burst_);
  decision.reset_ns = reply->reset_us * 1000;
  decision.retry_after_ns = reply->retry_after_us * 1000;
  return decision;
}

void RedisGcraStore::refund(const std::string& key) {
  client_->give_back(prefix_ + key, interval_us_);
}

}  // namespace apiserver::ratelimit
