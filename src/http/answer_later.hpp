// Answers the application sends after handle() returned: a stored write waits for the
// transaction its event loop commits once the events at hand are handled, and an upstream call
// for its answer, without holding the event loop meanwhile.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "http/request.hpp"
#include "http/response.hpp"

namespace apiserver::http {

// The slot of one request's answer on its connection. The connection reads no further
// request until the answer is sent, so answers keep the order of their requests.
class LaterAnswer {
 public:
  virtual ~LaterAnswer() = default;
  // The request being answered, without its body: a copy that lives as long as this object
  // (the connection's own may be gone by the time the answer is ready).
  virtual const Request& request() const = 0;
  // Keeps `owner` alive until the answer is sent: what the code finishing the answer belongs
  // to (a document a reload has replaced meanwhile).
  virtual void keep(std::shared_ptr<const void> owner) = 0;
  // Sends the answer: once, from any thread. Dropped when the client has gone. A response with
  // `stream` set is only the head of a streamed answer: its body follows through send_piece(),
  // and end_stream() ends it.
  virtual void send(Response response) = 0;
  // The next piece of a streamed answer's body, from the thread that sent its head. False,
  // and nothing sent, while too much of the body waits to reach the client: `resume` (given
  // with on_resume) runs once it has drained, and the piece may be sent again then.
  virtual bool send_piece(std::string_view piece) = 0;
  // Bounds what of a streamed body may wait for the client (the pieces are unbounded without
  // it). Before the head is sent.
  virtual void on_resume(std::function<void()> resume) = 0;
  // Ends a streamed answer: `complete`, or cut short (the connection then closes without
  // ending the body, so that the client can tell).
  virtual void end_stream(bool complete) = 0;
  // Runs `cancel` once if the client goes before the answer is sent (on the event loop's
  // thread, or now if it has gone already): the work that would answer it may stop.
  virtual void when_abandoned(std::function<void()> cancel) = 0;
};

// Something of the application's that waits on descriptors of its own (an upstream's sockets)
// on an event loop. Called on that loop's thread only.
class LoopWatcher {
 public:
  virtual ~LoopWatcher() = default;
  // A descriptor it watches is ready to be read (`in`), written (`out`), or has hung up.
  virtual void ready(int fd, bool in, bool out, bool hangup) = 0;
  // At the end of every turn of the loop: does what is due, and says when it must be called
  // again at the latest (none: when a descriptor is ready, or at the next turn).
  virtual std::optional<std::chrono::steady_clock::time_point> settle() = 0;
};

// The event loop a request is handled on, as handle() may use it.
class EventLoop {
 public:
  virtual ~EventLoop() = default;
  // Takes the answer of the request being handled: handle() then returns without one, and
  // the returned slot sends it.
  virtual std::shared_ptr<LaterAnswer> answer_later() = 0;
  // Runs `task` on this loop once it has handled the events at hand, once per `key` per batch
  // of events: the requests of one batch share what it does (one transaction for their writes).
  // `first`: before the tasks queued without it (a read snapshot's release goes before the
  // writes' flush, which may wait for a checkpoint that waits for that snapshot).
  virtual void after_batch(const void* key, std::function<void()> task, bool first) = 0;
  // This loop's watcher for `key`, made by `make` the first time and kept as long as the loop.
  virtual std::shared_ptr<LoopWatcher> watcher(
      const void* key, const std::function<std::shared_ptr<LoopWatcher>()>& make) = 0;
  // Watches `fd` for `watcher`, one of this loop's: readable (`in`), writable (`out`);
  // neither: stops watching it.
  virtual void watch(LoopWatcher& watcher, int fd, bool in, bool out) = 0;
  // `fd`, watched for one of this loop's watchers, is about to be closed: it is watched no more
  // (closing it takes it out of the poller).
  virtual void forget(int fd) = 0;
};

// Takes `response`'s answer to send later (see EventLoop::answer_later); null when the request
// is not handled on an event loop, and the answer must be given now.
inline std::shared_ptr<LaterAnswer> answer_later(Response& response) {
  if (response.loop == nullptr) return nullptr;
  response.later = response.loop->answer_later();
  return response.later;
}

}  // namespace apiserver::http
