// A policy's budgets kept in Redis (see RedisClient), so that every instance draws from the
// same ones. Time is Redis's clock at microsecond resolution; the caller's clock is unused.
#pragma once

#include <memory>

#include "ratelimit/redis_client.hpp"
#include "ratelimit/store.hpp"

namespace apiserver::ratelimit {

class RedisGcraStore final : public RateLimitStore {
 public:
  // `requests` per `period_ns`, up to `burst` at once; keys are `prefix` + the client's key.
  RedisGcraStore(std::shared_ptr<RedisClient> client, std::string prefix, long long requests,
                 int64_t period_ns, long long burst);

  Decision acquire(const std::string& key, int64_t now_ns) override;
  void refund(const std::string& key) override;
  size_t tracked_keys() const override { return 0; }  // Redis expires them itself

 private:
  const std::string& redis_key(const std::string& key) const;

  std::shared_ptr<RedisClient> client_;
  std::string prefix_;
  GcraLimits limits_;  // in microseconds
  // The script's arguments, formatted once.
  std::string interval_text_;
  std::string tolerance_text_;
};

}  // namespace apiserver::ratelimit
