// Ends connections past their deadline (see reaper.hpp).
#include "http/reaper.hpp"

#include <sys/socket.h>

#include <chrono>
#include <string>

#include "http/protocol_answers.hpp"

namespace apiserver::http {

// shutdown() wakes the connection's event loop, which sees end-of-stream and removes the peer
// on its own thread.
void reap_expired(Registry& registry, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (auto& [fd, c] : registry.connections) {
    int64_t deadline = c->deadline_ms.load();
    if (deadline == 0 || deadline > now_ms) continue;
    Phase phase = c->phase.load();
    if (phase == Phase::kHead || phase == Phase::kBody) {
      // Best effort: the client is stalled mid-request and nothing else is
      // being written to it.
      std::string bytes = protocol_error_bytes(
          Problem::make(ProblemCode::kRequestTimeout, "the request did not arrive in time"), "");
      (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    c->deadline_ms = 0;
    ::shutdown(fd, SHUT_RDWR);
  }
}

void Reaper::start() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void Reaper::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reaper::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(250));
    if (stopping_) break;
    reap_expired(registry_, now_ms());
  }
}

}  // namespace apiserver::http
