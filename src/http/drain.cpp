// Closing connections for a graceful shutdown (see drain.hpp).
#include "http/drain.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <thread>

namespace apiserver::http {

size_t close_idle_connections(Registry& registry) {
  size_t busy = 0;
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (auto& [fd, c] : registry.connections) {
    std::unique_lock<std::mutex> work(c->work, std::try_to_lock);
    if (!work.owns_lock()) {  // a request is being handled right now
      ++busy;
      continue;
    }
    if (c->drained) continue;
    Phase phase = c->phase.load();
    if (phase == Phase::kHead || phase == Phase::kBody || phase == Phase::kAnswering ||
        !c->delayed.empty() || c->queued_writes->load() > 0) {
      ++busy;
      continue;
    }
    // Idle keep-alive connections and ones already answered and closing.
    c->drained = true;
    ::shutdown(fd, SHUT_RDWR);
  }
  return busy;
}

bool drain_connections(Registry& registry, std::chrono::milliseconds timeout,
                       const std::function<bool()>& give_up) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  bool announced = false;
  while (true) {
    size_t busy = close_idle_connections(registry);
    if (busy == 0) return true;
    if (!announced) {
      spdlog::info(
          "no longer accepting connections; waiting up to {} ms for {} connection(s) "
          "with requests in flight",
          timeout.count(), busy);
      announced = true;
    }
    if (Clock::now() >= deadline) {
      spdlog::warn("{} connection(s) still had requests in flight after {} ms; closing them", busy,
                   timeout.count());
      return false;
    }
    if (give_up && give_up()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace apiserver::http
