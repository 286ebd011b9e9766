// The connection to a shared rate-limit store (Redis): a pool of blocking hiredis connections,
// one per thread that needs one at a time, and the GCRA script every decision runs, so that a
// decision is one round trip and atomic however many instances ask at once.
//
// When Redis does not answer (refused, timed out, an error reply), the caller decides without
// it; for a second after that nothing is sent, so an outage costs one timeout per second, not
// one per request. The change of state is logged once each way.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"

struct redisContext;

namespace apiserver::ratelimit {

struct GcraReply {
  bool allowed = false;
  long long remaining = 0;
  int64_t reset_us = 0;
  int64_t retry_after_us = 0;
};

class RedisClient {
 public:
  // Connects once to say at start-up whether Redis answers; never fails.
  explicit RedisClient(const model::SharedRateLimitStore& settings);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Takes one request's share (`interval_us`) from `key`, whose arrival time may run at most
  // `tolerance_us` ahead of Redis's clock. Both are decimal text, formatted once per policy.
  // nullopt when Redis did not answer.
  std::optional<GcraReply> take(std::string_view key, std::string_view interval_us,
                                std::string_view tolerance_us);
  // Gives back what take() took from `key`; a failure is counted and otherwise ignored.
  void give_back(std::string_view key, std::string_view interval_us);

  bool admit_when_unreachable() const { return settings_.admit_when_unreachable; }
  // Decisions made without Redis, since start.
  uint64_t unanswered() const { return unanswered_.load(std::memory_order_relaxed); }
  bool up() const { return !down_.load(std::memory_order_relaxed); }

 private:
  // Runs the script with `mode` ("take" or "give"). False when Redis did not answer, or when
  // `reply` is given and the answer is not the four integers of a decision.
  bool run(std::string_view key, std::string_view mode, std::string_view interval_us,
           std::string_view tolerance_us, GcraReply* reply);
  redisContext* connect(std::string& error) const;
  redisContext* borrow(std::string& error);
  void put_back(redisContext* context);
  void failed(const std::string& why);

  model::SharedRateLimitStore settings_;
  std::string script_sha_;  // hex SHA-1 of the script, as EVALSHA names it
  std::mutex mutex_;
  std::vector<redisContext*> idle_;
  std::atomic<int64_t> quiet_until_ns_{0};  // after a failure: until then, send nothing
  std::atomic<bool> down_{false};
  std::atomic<uint64_t> unanswered_{0};
};

}  // namespace apiserver::ratelimit
