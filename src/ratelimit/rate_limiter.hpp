// Applies an operation's rate-limit policies to a request: every policy must let it through.
// Holds the mutable state (one store per policy) next to the immutable compiled model.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/authenticator.hpp"
#include "compile/model.hpp"
#include "http/request.hpp"
#include "problem/problem.hpp"
#include "ratelimit/store.hpp"

namespace apiserver::ratelimit {

// Monotonic nanoseconds; tests substitute their own.
using Clock = std::function<int64_t()>;
Clock steady_clock();

class RateLimiter {
 public:
  RateLimiter(const model::Api& api, Clock clock);

  // Takes the request from the budget of every policy of `op`. Fills `headers` with the
  // RateLimit-Policy and RateLimit fields (sent with any answer); returns the 429 to send when
  // a policy refuses (then nothing is taken from any budget).
  std::optional<Problem> admit(const model::Operation& op, const http::Request& request,
                               const auth::Identity& identity,
                               std::vector<std::pair<std::string, std::string>>& headers);

  const RateLimitStore& store(size_t policy) const { return *stores_[policy]; }

 private:
  std::string key_of(const model::RateLimitPolicy& policy, const http::Request& request,
                     const auth::Identity& identity) const;

  const model::Api& api_;
  Clock clock_;
  std::vector<std::unique_ptr<RateLimitStore>> stores_;  // by policy index
};

}  // namespace apiserver::ratelimit
