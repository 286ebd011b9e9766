#include "ratelimit/gcra_store.hpp"

#include <algorithm>
#include <functional>
#include <limits>

namespace apiserver::ratelimit {
namespace {

// Far from int64 overflow when added to a clock reading: about 73 years.
constexpr int64_t kMaxTolerance = std::numeric_limits<int64_t>::max() / 4;

}  // namespace

GcraStore::GcraStore(long long requests, int64_t period_ns, long long burst, size_t max_keys)
    : limits_(gcra_limits(requests, period_ns, burst, kMaxTolerance)),
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
  const int64_t next = tat + limits_.interval;
  Decision decision;
  decision.interval_ns = limits_.interval;
  if (next - now_ns > limits_.tolerance) {
    decision.allowed = false;
    decision.retry_after_ns = next - now_ns - limits_.tolerance;
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
      std::min<long long>(limits_.burst, (limits_.tolerance - (next - now_ns)) / limits_.interval);
  decision.reset_ns = next - now_ns;
  return decision;
}

void GcraStore::refund(const std::string& key) {
  Shard& shard = shard_of(key);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto found = shard.entries.find(key);
  if (found != shard.entries.end()) found->second->tat -= limits_.interval;
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
