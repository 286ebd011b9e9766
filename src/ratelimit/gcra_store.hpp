// The in-process store: GCRA (the generic cell rate algorithm), one "theoretical arrival time"
// per key, so a decision is O(1) and exact under concurrency (a mutex per shard). Memory is
// bounded by max_keys: a key whose bucket is full again is the same as no key at all, so the
// least recently used key is dropped when a shard is full — exactly when it is idle.
#pragma once

#include <array>
#include <list>
#include <mutex>
#include <unordered_map>

#include "ratelimit/store.hpp"

namespace apiserver::ratelimit {

class GcraStore final : public RateLimitStore {
 public:
  // `requests` per `period_ns`, up to `burst` at once.
  GcraStore(long long requests, int64_t period_ns, long long burst, size_t max_keys);

  Decision acquire(const std::string& key, int64_t now_ns) override;
  void refund(const std::string& key) override;
  size_t tracked_keys() const override;

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    std::string key;
    int64_t tat;  // theoretical arrival time of the next request
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> recency;  // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> entries;
  };

  Shard& shard_of(const std::string& key);

  GcraLimits limits_;     // in nanoseconds
  size_t shards_in_use_;  // fewer than kShards when max_keys is smaller, to keep the bound
  size_t max_keys_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace apiserver::ratelimit
