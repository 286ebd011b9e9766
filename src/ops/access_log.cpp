#include "ops/access_log.hpp"

#include <unistd.h>

#include <cerrno>

namespace apiserver::ops {
namespace {

// A batch this large is written without waiting for the next interval.
constexpr size_t kEagerBytes = 64 * 1024;

}  // namespace

AccessLog::AccessLog(int fd, size_t max_buffered)
    : fd_(fd), max_buffered_(max_buffered), writer_([this] { run(); }) {}

AccessLog::~AccessLog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void AccessLog::append(std::string_view line) {
  bool eager = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.size() + line.size() + 1 > max_buffered_) {
      ++dropped_since_report_;
      dropped_total_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    size_t before = pending_.size();
    pending_.append(line);
    pending_.push_back('\n');
    eager = before < kEagerBytes && pending_.size() >= kEagerBytes;
  }
  if (eager) wake_.notify_one();
}

void AccessLog::run() {
  std::string batch;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait_for(lock, kFlushInterval,
                   [this] { return stopping_ || pending_.size() >= kEagerBytes; });
    batch.clear();
    batch.swap(pending_);
    uint64_t dropped = dropped_since_report_;
    dropped_since_report_ = 0;
    bool last = stopping_;
    lock.unlock();
    if (dropped > 0) {
      batch += "{\"level\":\"warn\",\"msg\":\"access log: " + std::to_string(dropped) +
               " line(s) dropped, the reader of the log did not keep up\"}\n";
    }
    write_all(batch);
    if (batch.capacity() > 4 * kEagerBytes) std::string().swap(batch);  // give back a burst
    lock.lock();
    if (last && pending_.empty()) return;
  }
}

void AccessLog::write_all(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // closed or failing: the lines are lost, the server goes on
    done += static_cast<size_t>(n);
  }
}

}  // namespace apiserver::ops
