// Where rate-limit state lives. One store per policy: in the process (the default), or in a
// Redis server that several instances share.
#pragma once

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
