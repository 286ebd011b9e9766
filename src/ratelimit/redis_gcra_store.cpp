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
      limits_(gcra_limits(requests, period_ns / 1000, burst, kMaxToleranceUs)),
      interval_text_(std::to_string(limits_.interval)),
      tolerance_text_(std::to_string(limits_.tolerance)) {}

// The Redis key: the policy's prefix and the client's key, built in a buffer each thread keeps.
const std::string& RedisGcraStore::redis_key(const std::string& key) const {
  thread_local std::string full;
  full.assign(prefix_).append(key);
  return full;
}

Decision RedisGcraStore::acquire(const std::string& key, int64_t) {
  Decision decision;
  decision.interval_ns = limits_.interval * 1000;
  std::optional<GcraReply> reply = client_->take(redis_key(key), interval_text_, tolerance_text_);
  if (!reply) {
    decision.unknown = true;
    decision.allowed = client_->admit_when_unreachable();
    return decision;
  }
  decision.allowed = reply->allowed;
  decision.remaining = std::clamp<long long>(reply->remaining, 0, limits_.burst);
  decision.reset_ns = reply->reset_us * 1000;
  decision.retry_after_ns = reply->retry_after_us * 1000;
  return decision;
}

void RedisGcraStore::refund(const std::string& key) {
  client_->give_back(redis_key(key), interval_text_);
}

}  // namespace apiserver::ratelimit
