// Answers handed to an event loop by other threads (see loop_inbox.hpp).
#include "http/loop_inbox.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/error_writer.hpp"

namespace apiserver::http {

void LoopInbox::set_wake_fd(int wake_fd) {
  std::lock_guard<std::mutex> lock(mutex_);
  wake_fd_ = wake_fd;
  if (!entries_.empty()) wake_locked();
}

void LoopInbox::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
  entries_.clear();
}

void LoopInbox::post(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
  wake_locked();
}

void LoopInbox::hold_wakes() {
  std::lock_guard<std::mutex> lock(mutex_);
  woken_ = true;
}

std::vector<LoopInbox::Entry> LoopInbox::take() {
  std::vector<Entry> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  taken.swap(entries_);
  woken_ = false;
  return taken;
}

// One byte, whatever it says; a full socket buffer means wake-ups are already waiting.
void LoopInbox::wake_locked() {
  if (woken_ || wake_fd_ < 0) return;
  const char byte = 1;
  (void)::send(wake_fd_, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  woken_ = true;
}

ConnectionAnswer::~ConnectionAnswer() {
  if (sent_.load()) return;
  if (streaming_.load()) {
    inbox_->post({fd_, connection_id_, slot_, Response(), LoopInbox::Entry::Kind::kCut});
    return;
  }
  spdlog::error("{} {}: the answer was never given; answering 500", request_.method, request_.path);
  Response failed;
  write_error(Problem::make(ProblemCode::kInternal, ""), request_.path, nullptr, failed);
  inbox_->post({fd_, connection_id_, slot_, std::move(failed)});
}

void ConnectionAnswer::send(Response response) {
  bool head = response.stream;
  bool second =
      head ? streaming_.exchange(true) || sent_.load() : streaming_.load() || sent_.exchange(true);
  if (second) {
    spdlog::error("{} {}: a second answer to one request was dropped", request_.method,
                  request_.path);
    return;
  }
  // What was kept stays until this slot is freed: the caller may still be running its code.
  inbox_->post({fd_, connection_id_, slot_, std::move(response),
                head ? LoopInbox::Entry::Kind::kHead : LoopInbox::Entry::Kind::kAnswer});
}

bool ConnectionAnswer::send_piece(std::string_view piece) {
  if (!streaming_.load() || sent_.load()) return true;  // no stream to add to: dropped
  if (window_ && !window_->take(piece.size())) return false;
  Response carried;
  carried.body.assign(piece.data(), piece.size());
  inbox_->post(
      {fd_, connection_id_, slot_, std::move(carried), LoopInbox::Entry::Kind::kPiece, window_});
  return true;
}

void ConnectionAnswer::on_resume(std::function<void()> resume) {
  window_ = std::make_shared<StreamWindow>();
  window_->on_resume(std::move(resume));
}

void ConnectionAnswer::end_stream(bool complete) {
  if (!streaming_.load() || sent_.exchange(true)) return;
  inbox_->post({fd_, connection_id_, slot_, Response(),
                complete ? LoopInbox::Entry::Kind::kEnd : LoopInbox::Entry::Kind::kCut});
}

void ConnectionAnswer::when_abandoned(std::function<void()> cancel) {
  {
    std::lock_guard<std::mutex> lock(abandon_mutex_);
    if (!abandoned_) {
      on_abandon_ = std::move(cancel);
      return;
    }
  }
  cancel();
}

bool ConnectionAnswer::stoppable() {
  std::lock_guard<std::mutex> lock(abandon_mutex_);
  return static_cast<bool>(on_abandon_);
}

void ConnectionAnswer::abandon() {
  std::function<void()> cancel;
  {
    std::lock_guard<std::mutex> lock(abandon_mutex_);
    if (abandoned_ || sent_.load()) return;
    abandoned_ = true;
    cancel.swap(on_abandon_);
  }
  if (cancel) cancel();
}

}  // namespace apiserver::http
