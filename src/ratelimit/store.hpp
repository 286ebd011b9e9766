// Where rate-limit state lives. One store per policy: in the process (the default), or in a
// Redis server that several instances share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace apiserver::ratelimit {

struct Decision {
  bool allowed = false;
  long long remaining = 0;     // requests that would pass right now, after this one
  int64_t reset_ns = 0;        // until the bucket is full again
  int64_t retry_after_ns = 0;  // refused: until this request would pass
  int64_t interval_ns = 0;     // one request's share of the period
  bool unknown = false;        // the shared store did not answer: decided by policy instead
};

// A GCRA policy in a store's time unit: one request's share of the period (`interval`) and how
// far ahead of now the arrival time may run (`tolerance`, the burst). interval * burst can pass
// what the store holds exactly (1 a day, bursts of 10^9): it saturates at `max_tolerance`.
struct GcraLimits {
  int64_t interval = 1;
  int64_t tolerance = 1;
  long long burst = 1;
};

inline GcraLimits gcra_limits(long long requests, int64_t period, long long burst,
                              int64_t max_tolerance) {
  GcraLimits limits;
  limits.burst = std::max<long long>(1, burst);
  limits.interval = std::max<int64_t>(1, period / std::max<long long>(1, requests));
  limits.tolerance = limits.burst > max_tolerance / limits.interval
                         ? max_tolerance
                         : limits.interval * limits.burst;
  return limits;
}

class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  // Takes one request from `key`'s budget at `now_ns` (a monotonic clock), or refuses it.
  virtual Decision acquire(const std::string& key, int64_t now_ns) = 0;
  // Gives back what acquire() took, when a later policy refused the same request.
  virtual void refund(const std::string& key) = 0;
  virtual size_t tracked_keys() const = 0;
};

}  // namespace apiserver::ratelimit
