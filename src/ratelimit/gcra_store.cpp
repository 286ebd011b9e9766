#include "ratelimit/gcra_store.hpp"

#include <algorithm>
#include <functional>
#include <limits>

namespace apiserver::ratelimit {
namespace {

constexpr int64_t kMaxTolerance = std::numeric_limits<int64_t>::max() / 4;

}  // namespace

GcraStore::GcraStore(long long requests, int64_t period_ns, long long burst, size_t max_keys)
    : interval_ns_(std::max<int64_t>(1, period_ns / std::max<long long>(1, requests))),
      // interval * burst can pass 2^63 ns (1 a day, bursts of 10^9): saturate at ~73 years.
      tolerance_ns_(std::max<long long>(1, burst) > kMaxTolerance / interval_ns_
                        ? kMaxTolerance
                        : interval_ns_ * std::max<long long>(1, burst)),
      burst_(std::max<long long>(1, burst)),
      shards_in_use_(std::clamp<size_t>(max_keys, 1, kShards)),
      max_keys_per_shard_(std::max<size_t>(1, max_keys / shards_in_use_)) {}

GcraStore::Shard& GcraStore::shard_of(const std::string& key) {
  return shards_[std::hash<std::string>{}(key) % shards_in_use_];
}

Decision GcraStore::acquire(const std::string& key, int64_t now_ns) {
  Shard& shard = shard_of(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.entries.find(key);
  int64_t tat = now_ns;
  if (found != shard.entries.end()) {
    tat = std::max(found->second->tat, now_ns);
    shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
  }
  const int64_t next = tat + interval_ns_;
  Decision decision;
  decision.interval_ns = interval_ns_;
  if (next - now_ns > tolerance_ns_) {
    decision.allowed = false;
    decision.retry_after_ns = next - now_ns - tolerance_ns_;
    decision.remaining = 0;
    decision.reset_ns = tat - now_ns;
    return decision;
  }
  if (found == shard.entries.end()) {
    if (shard.entries.size() >= max_keys_per_shard_) {
      shard.entries.erase(shard.recency.back().key);
      shard.recency.pop_back();
    }
    shard.recency.push_front({key, next});
    shard.entries.emplace(key, shard.recency.begin());
  } else {
    found->second->tat = next;
  }
  decision.allowed = true;
  decision.remaining =
      std::min<long long>(burst_, (tolerance_ns_ - (next - now_ns)) / interval_ns_);
  decision.reset_ns = next - now_ns;
  return decision;
}

void GcraStore::refund(const std::string& key) {
  Shard& shard = shard_of(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.entries.find(key);
  if (found != shard.entries.end()) found->second->tat -= interval_ns_;
}

size_t GcraStore::tracked_keys() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mutex);
    total += shard.entries.size();
  }
  return total;
}

}  // namespace apiserver::ratelimit
