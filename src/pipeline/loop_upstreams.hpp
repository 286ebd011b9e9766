// The upstream exchanges of one event loop: a forwarded request is sent, and its answer read,
// by the loop that read the request, which watches the upstream's sockets beside its clients'.
// Nothing changes thread on the way. One per loop, shared by every document a reload brings,
// so that the connections to each upstream stay alive across reloads.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "gateway/exchanges.hpp"
#include "gateway/socket_watcher.hpp"
#include "http/answer_later.hpp"

namespace apiserver::pipeline {

class LoopUpstreams final : public http::LoopWatcher, public gateway::SocketWatcher {
 public:
  explicit LoopUpstreams(http::EventLoop& loop);

  // `loop`'s, made on first use.
  static std::shared_ptr<LoopUpstreams> of(http::EventLoop& loop);

  gateway::Exchanges& exchanges() { return exchanges_; }

  // http::LoopWatcher
  void ready(int fd, bool in, bool out, bool hangup) override;
  std::optional<std::chrono::steady_clock::time_point> settle() override;
  // gateway::SocketWatcher
  void watch(int socket, bool in, bool out) override;
  void closing(int socket) override;

 private:
  http::EventLoop& loop_;
  gateway::Exchanges exchanges_;  // last: it lets its sockets go through loop_ as it ends
};

}  // namespace apiserver::pipeline
