// One event loop's upstream exchanges (see loop_upstreams.hpp).
#include "pipeline/loop_upstreams.hpp"

namespace apiserver::pipeline {
namespace {

// A larger answer is a 502 rather than a memory hazard.
constexpr size_t kMaxAnswerBytes = 64 * 1024 * 1024;

const char kLoopUpstreamsKey = 0;

}  // namespace

LoopUpstreams::LoopUpstreams(http::EventLoop& loop)
    : loop_(loop), exchanges_(*this, kMaxAnswerBytes) {}

std::shared_ptr<LoopUpstreams> LoopUpstreams::of(http::EventLoop& loop) {
  return std::static_pointer_cast<LoopUpstreams>(
      loop.watcher(&kLoopUpstreamsKey, [&loop] { return std::make_shared<LoopUpstreams>(loop); }));
}

void LoopUpstreams::ready(int fd, bool in, bool out, bool hangup) {
  exchanges_.socket_ready(fd, in, out, hangup);
}

std::optional<std::chrono::steady_clock::time_point> LoopUpstreams::settle() {
  exchanges_.act();
  return exchanges_.next_due();
}

void LoopUpstreams::watch(int socket, bool in, bool out) {
  loop_.watch(*this, socket, in, out);
}

void LoopUpstreams::closing(int socket) {
  loop_.forget(socket);
}

}  // namespace apiserver::pipeline
