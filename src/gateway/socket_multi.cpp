// libcurl's multi socket interface on epoll (see socket_multi.hpp).
#include "gateway/socket_multi.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

namespace apiserver::gateway {

SocketMulti::SocketMulti() : multi_(curl_multi_init()) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (multi_ == nullptr || epoll_ < 0 || wake_ < 0) {
    if (epoll_ >= 0) ::close(epoll_);
    if (wake_ >= 0) ::close(wake_);
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
    throw std::runtime_error("the upstream client cannot be set up");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &SocketMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &SocketMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

SocketMulti::~SocketMulti() {
  curl_multi_cleanup(multi_);  // its sockets leave the epoll set as they close
  ::close(wake_);
  ::close(epoll_);
}

void SocketMulti::wake() {
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
}

// curl tells which sockets to watch, and for what; `known` is what curl_multi_assign gave the
// socket (non-null once it is in the epoll set).
int SocketMulti::on_socket(CURL* /*easy*/, curl_socket_t socket, int what, void* self,
                           void* known) {
  auto* multi = static_cast<SocketMulti*>(self);
  if (what == CURL_POLL_REMOVE) {
    ::epoll_ctl(multi->epoll_, EPOLL_CTL_DEL, socket, nullptr);
    curl_multi_assign(multi->multi_, socket, nullptr);
    return 0;
  }
  epoll_event event{};
  event.events = (what == CURL_POLL_IN || what == CURL_POLL_INOUT ? EPOLLIN : 0u) |
                 (what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? EPOLLOUT : 0u);
  event.data.fd = socket;
  if (known == nullptr) {
    ::epoll_ctl(multi->epoll_, EPOLL_CTL_ADD, socket, &event);
    curl_multi_assign(multi->multi_, socket, multi);
  } else {
    ::epoll_ctl(multi->epoll_, EPOLL_CTL_MOD, socket, &event);
  }
  return 0;
}

int SocketMulti::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* multi = static_cast<SocketMulti*>(self);
  if (timeout_ms < 0) {
    multi->timer_due_.reset();
  } else {
    multi->timer_due_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

void SocketMulti::act(int max_wait_ms) {
  int wait = max_wait_ms;
  if (timer_due_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    *timer_due_ - std::chrono::steady_clock::now())
                    .count();
    wait = static_cast<int>(std::clamp<int64_t>(left, 0, max_wait_ms));
  }
  std::array<epoll_event, 64> events{};
  int ready = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait);
  int running = 0;
  for (int i = 0; i < ready; ++i) {
    int fd = events[static_cast<size_t>(i)].data.fd;
    if (fd == wake_) {
      uint64_t count = 0;
      (void)!::read(wake_, &count, sizeof count);
      continue;
    }
    uint32_t got = events[static_cast<size_t>(i)].events;
    int mask = ((got & EPOLLIN) != 0 ? CURL_CSELECT_IN : 0) |
               ((got & EPOLLOUT) != 0 ? CURL_CSELECT_OUT : 0) |
               ((got & (EPOLLERR | EPOLLHUP)) != 0 ? CURL_CSELECT_ERR : 0);
    curl_multi_socket_action(multi_, fd, mask, &running);
  }
  if (timer_due_ && *timer_due_ <= std::chrono::steady_clock::now()) {
    timer_due_.reset();
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  }
}

}  // namespace apiserver::gateway
