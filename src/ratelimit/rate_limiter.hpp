// Applies an operation's rate-limit policies to a request: every policy must let it through.
// Holds the mutable state (one store per policy) next to the immutable compiled model.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "model/identity.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"
#include "ratelimit/redis_client.hpp"
#include "ratelimit/store.hpp"

namespace apiserver::ratelimit {

// Monotonic nanoseconds; tests substitute their own.
using Clock = std::function<int64_t()>;
Clock steady_clock();

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// One request's way through the policies of its operation, in two stages: the policies that do
// not count by caller (ip, header, global) before authentication, so that refused credentials
// count too and a refused request is not even authenticated; those that do, after it.
class Admission {
 public:
  explicit Admission(const model::Operation& op) : op_(op) {}

 private:
  friend class RateLimiter;
  struct Taken {
    size_t slot = 0;  // position in op.rate_limits
    std::string key;
    Decision decision;
  };
  const model::Operation& op_;
  std::array<Taken, model::kMaxRateLimitsPerOperation> taken_;
  size_t count_ = 0;
  const model::RateLimitPolicy* refusing_ = nullptr;
  int64_t retry_ns_ = 0;
  bool unanswered_ = false;  // refused because the shared store did not answer
};

class RateLimiter {
 public:
  RateLimiter(const model::Api& api, Clock clock);
  ~RateLimiter();

  // Without `identity` (before authentication): takes the request from the budgets of the
  // policies that do not count by caller; with it, from the others. Returns the 429 to send
  // when a policy refuses; then nothing is taken from any budget of either stage.
  std::optional<Problem> admit(Admission& admission, const http::Request& request,
                               const model::Identity* identity);

  // Adds the RateLimit-Policy field (every policy of the operation) and the RateLimit field
  // (the policies applied so far) to an answer.
  void add_fields(const Admission& admission, HeaderList& headers) const;

  // Both stages and the fields at once, for a caller that has authenticated already.
  std::optional<Problem> admit(const model::Operation& op, const http::Request& request,
                               const model::Identity& identity, HeaderList& headers);

  const RateLimitStore& store(size_t policy) const { return *stores_[policy]; }
  // The shared store's connection; null when every process counts alone.
  const RedisClient* shared_store() const { return shared_.get(); }

 private:
  std::string key_of(const model::RateLimitPolicy& policy, const http::Request& request,
                     const model::Identity* identity) const;

  const model::Api& api_;
  Clock clock_;
  std::shared_ptr<RedisClient> shared_;                  // x-apiserver.rate-limit-store
  std::vector<std::unique_ptr<RateLimitStore>> stores_;  // by policy index
};

}  // namespace apiserver::ratelimit
