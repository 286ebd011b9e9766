// How much of a streamed answer may wait unwritten between its producer (an upstream exchange)
// and the client's socket. The producer stops above the mark and is resumed once half of it
// has reached the socket: a fast upstream and a slow client hold a bounded amount of memory.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>

namespace apiserver::http {

class StreamWindow {
 public:
  static constexpr size_t kMarkBytes = 1 << 20;

  // The producer: true when `bytes` more may be sent now (they are counted); false when too
  // much waits, and the producer must stop until the resume function runs.
  bool take(size_t bytes);
  // The event loop: `bytes` reached the socket. Runs the resume function of a producer that
  // stopped, once the window is half empty.
  void written(size_t bytes);
  // Set once, before the first take().
  void on_resume(std::function<void()> resume) { resume_ = std::move(resume); }

 private:
  std::mutex mutex_;
  size_t unwritten_ = 0;  // guarded by mutex_
  bool stopped_ = false;  // guarded by mutex_
  std::function<void()> resume_;
};

}  // namespace apiserver::http
