// A curl multi handle driven through its socket interface, on an epoll set of its own: each
// turn looks at the sockets that have something to say, not at every connection the keep-alive
// pools hold (which curl_multi_poll would).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <optional>

namespace apiserver::gateway {

class SocketMulti {
 public:
  SocketMulti();  // throws std::runtime_error when the epoll set or the wake-up cannot be made
  ~SocketMulti();
  SocketMulti(const SocketMulti&) = delete;
  SocketMulti& operator=(const SocketMulti&) = delete;

  CURLM* handle() const { return multi_; }
  // Any thread: makes the running or next act() return at once.
  void wake();
  // The driving thread: waits for a socket, curl's timer or a wake-up, at most `max_wait_ms`,
  // then lets curl act on what is ready. Finished transfers are then in curl_multi_info_read.
  void act(int max_wait_ms);

 private:
  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* known);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  CURLM* multi_ = nullptr;
  int epoll_ = -1;
  int wake_ = -1;                                                   // an eventfd in the epoll set
  std::optional<std::chrono::steady_clock::time_point> timer_due_;  // curl's timeout
};

}  // namespace apiserver::gateway
