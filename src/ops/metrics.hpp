// Request metrics kept with atomics (no lock on the request path) and rendered in the
// Prometheus text format: requests by route, method and status; a latency histogram per
// route; requests in flight; rate-limit refusals and the shared store's state; authentication
// failures; database errors.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace apiserver::ops {

// The shared rate-limit store (Redis), when the document declares one.
struct RateLimitStoreState {
  bool up = false;          // it answered last time
  uint64_t unanswered = 0;  // decisions made without it since start
};

class Metrics {
 public:
  explicit Metrics(const model::Api& api);

  // `operation`: pipeline::Outcome::operation (-1 when no route matched).
  // `response_violations`: how the answer broke its declared responses (response validation).
  void record(int operation, int status, std::chrono::nanoseconds duration, bool database_error,
              int response_violations = 0);
  void started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  std::string render(std::optional<RateLimitStoreState> shared_store = std::nullopt) const;

  // Statuses counted one by one; any other is counted under its class ("2xx", ...).
  static constexpr std::array<int, 23> kStatuses = {200, 201, 202, 204, 301, 302, 304, 400,
                                                    401, 403, 404, 405, 406, 408, 409, 413,
                                                    415, 422, 429, 500, 502, 503, 504};
  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

 private:
  static constexpr size_t kStatusSlots = kStatuses.size() + 5;  // + 1xx..5xx classes
  struct Series {
    std::string route;   // path template, or "" for unmatched requests
    std::string method;  // upper-case, or "" for unmatched
    std::array<std::atomic<uint64_t>, kStatusSlots> by_status{};
    std::array<std::atomic<uint64_t>, kBucketsSeconds.size() + 1> buckets{};  // + +Inf
    std::atomic<uint64_t> duration_ns{0};
    std::atomic<uint64_t> broken_answers{0};  // answers that broke the declared responses
  };

  static size_t status_slot(int status);
  static std::string status_label(size_t slot);

  std::vector<std::unique_ptr<Series>> series_;  // by operation index, then "unmatched"
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> database_errors_{0};
};

}  // namespace apiserver::ops
