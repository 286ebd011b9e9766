// Enforces the server's timeouts: a background thread that, four times a second, ends the
// connections past their deadline (a request head or body arriving too slowly, a keep-alive
// connection idle too long, a closing client that keeps sending).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "http/connection.hpp"

namespace apiserver::http {

// One pass: ends every connection of `registry` whose deadline is before `now_ms`, first
// answering 408 to one stalled mid-request.
void reap_expired(Registry& registry, int64_t now_ms);

class Reaper {
 public:
  explicit Reaper(Registry& registry) : registry_(registry) {}
  ~Reaper() { stop(); }
  Reaper(const Reaper&) = delete;
  Reaper& operator=(const Reaper&) = delete;

  void start();
  // Wakes the thread and waits for it to end. Idempotent.
  void stop();

 private:
  void run();

  Registry& registry_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

}  // namespace apiserver::http
