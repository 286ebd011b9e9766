// The flow control of streamed answers (see stream_window.hpp).
#include "http/stream_window.hpp"

#include <algorithm>

namespace apiserver::http {

bool StreamWindow::take(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (unwritten_ >= kMarkBytes) {
    stopped_ = true;
    return false;
  }
  unwritten_ += bytes;
  return true;
}

void StreamWindow::written(size_t bytes) {
  bool resume = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    unwritten_ -= std::min(bytes, unwritten_);
    if (stopped_ && unwritten_ <= kMarkBytes / 2) {
      stopped_ = false;
      resume = true;
    }
  }
  if (resume && resume_) resume_();
}

}  // namespace apiserver::http
