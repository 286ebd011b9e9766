// The access log's writer: request threads append finished lines to a buffer, one background
// thread writes the buffer to a file descriptor in batches.
//
// Why not a logging library's async logger: those hand each line to the writer thread on its
// own (a queue slot, a wake-up, a write), which at tens of thousands of requests per second
// costs more than the request itself on a small machine. Here a request pays one short
// critical section; the writer wakes every kFlushInterval, or early when a batch is large.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace apiserver::ops {

class AccessLog {
 public:
  static constexpr std::chrono::milliseconds kFlushInterval{100};

  // Writes to `fd` (not owned). At most `max_buffered` bytes wait: beyond that, lines are
  // dropped and counted rather than slowing requests down (a stalled reader of stdout must not
  // stall the server).
  explicit AccessLog(int fd, size_t max_buffered = 8u << 20);
  ~AccessLog();  // writes everything still buffered
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Appends `line` and a newline.
  void append(std::string_view line);

  uint64_t dropped() const { return dropped_total_.load(std::memory_order_relaxed); }

 private:
  void run();
  void write_all(const std::string& bytes);

  const int fd_;
  const size_t max_buffered_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  uint64_t dropped_since_report_ = 0;
  bool stopping_ = false;
  std::atomic<uint64_t> dropped_total_{0};
  std::thread writer_;
};

}  // namespace apiserver::ops
