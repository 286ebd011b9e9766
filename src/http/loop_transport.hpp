// Pistache's transport of one event loop, with what the loop also waits on besides its
// clients: descriptors the application watches (an upstream's sockets, loop_watcher.hpp) and a
// timer. After each turn's events it runs the connection handler's end-of-turn work, so that
// work handed from one request to the end of the turn (a group commit, an upstream exchange,
// an answer) never needs a wake-up of its own.
#pragma once

#include <pistache/transport.h>

#include <chrono>
#include <memory>
#include <optional>
#include <unordered_map>

#include "http/answer_later.hpp"

namespace apiserver::http {

class ConnectionHandler;

class LoopTransport final : public Pistache::Tcp::Transport {
 public:
  // `yield_after_busy_turns`: the server runs more than one loop (see onReady).
  LoopTransport(const std::shared_ptr<ConnectionHandler>& handler, bool yield_after_busy_turns);
  ~LoopTransport() override;

  std::shared_ptr<Pistache::Aio::Handler> clone() const override;
  void registerPoller(Pistache::Polling::Epoll& poller) override;
  void onReady(const Pistache::Aio::FdSet& fds) override;

  // Watches `fd` for `watcher`: readable (`in`), writable (`out`); neither: stops watching.
  void watch(LoopWatcher& watcher, int fd, bool in, bool out);
  // `fd` is about to be closed: no longer watched (the close takes it out of the poller).
  void forget(int fd) { watched_.erase(fd); }

 private:
  // A client's readable event: its bytes taken in reads of 16 KiB until one comes back short,
  // instead of Pistache's 4 KiB reads until the socket says it has nothing more (a second
  // read, per request, that finds nothing); read to their end when the client has sent its
  // last (a half-close). False when Pistache must handle the event: an error, or the end of
  // the input with nothing left to answer (Pistache then lets go of the connection).
  bool read_client(const Pistache::Aio::FdSet::Entry& entry, int fd);
  // Arms the timer for `due`, unless it will fire before then anyway.
  void wake_at(std::optional<std::chrono::steady_clock::time_point> due);

  std::shared_ptr<ConnectionHandler> handler_;
  const bool yield_after_busy_turns_;
  Pistache::Polling::Epoll* poller_ = nullptr;  // this loop's, set by registerPoller
  struct Watched {
    LoopWatcher* watcher;
    bool in, out;  // what the poller watches it for
    // Let go of by its watcher, but left in the poller (read interest only) to save two
    // epoll_ctl calls when it is watched again (a pooled upstream connection, between
    // exchanges). An event on it takes it out of the poller.
    bool parked;
  };
  // Sets what the poller watches `fd` for; false when `fd` is no longer open.
  bool rearm(int fd, bool known, bool in, bool out);

  std::unordered_map<int, Watched> watched_;
  int timer_fd_ = -1;
  std::optional<std::chrono::steady_clock::time_point> armed_;  // when the timer fires
};

}  // namespace apiserver::http
