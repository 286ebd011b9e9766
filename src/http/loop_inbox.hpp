// What other threads hand to one event loop: the answers sent later to its connections
// (answer_later.hpp), and the wake-up that makes the loop take them. The loop reads a socket
// pair's far end as if it were a client, so the wake-up goes through Pistache's own poller.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "http/answer_later.hpp"
#include "http/stream_window.hpp"

namespace apiserver::http {

class LoopInbox {
 public:
  struct Entry {
    enum class Kind : uint8_t {
      kAnswer,  // a whole answer
      kHead,    // a streamed answer's head
      kPiece,   // a piece of a streamed body, in response.body
      kEnd,     // a streamed answer's end
      kCut,     // a streamed answer cut short
    };
    Entry(int fd_, uint64_t connection_id_, uint64_t slot_, Response response_,
          Kind kind_ = Kind::kAnswer, std::shared_ptr<StreamWindow> window_ = nullptr)
        : fd(fd_),
          connection_id(connection_id_),
          slot(slot_),
          response(std::move(response_)),
          kind(kind_),
          window(std::move(window_)) {}
    int fd;
    uint64_t connection_id;
    uint64_t slot;  // Connection::slots_taken when the slot was taken
    Response response;
    Kind kind;
    std::shared_ptr<StreamWindow> window;  // a piece's: told when it reaches the socket
  };

  // `wake_fd`: the socket whose other end the loop reads (owned here; -1: none yet).
  void set_wake_fd(int wake_fd);
  // Closes the wake socket: the loop is gone, and what arrives after is dropped.
  void close();
  // Any thread: queues an answer and wakes the loop, unless it will look anyway.
  void post(Entry entry);
  // The loop, at the start of a turn: answers posted until the next take() need no wake-up.
  void hold_wakes();
  // The loop: takes what was posted, and lets the next post wake it again.
  std::vector<Entry> take();

 private:
  void wake_locked();

  std::mutex mutex_;
  std::vector<Entry> entries_;
  int wake_fd_ = -1;
  bool woken_ = false;  // a wake-up is on its way, or the loop will look anyway
};

// The slot of one request's answer on a connection of the loop whose inbox it posts to. A slot
// dropped unanswered (a defect) answers 500 as it goes (or cuts the stream it began), so that no
// connection waits forever.
class ConnectionAnswer final : public LaterAnswer {
 public:
  ConnectionAnswer(std::shared_ptr<LoopInbox> inbox, int fd, uint64_t connection_id, uint64_t slot,
                   Request request)
      : inbox_(std::move(inbox)),
        fd_(fd),
        connection_id_(connection_id),
        slot_(slot),
        request_(std::move(request)) {}
  ~ConnectionAnswer() override;

  const Request& request() const override { return request_; }
  void keep(std::shared_ptr<const void> owner) override { kept_.push_back(std::move(owner)); }
  void send(Response response) override;
  bool send_piece(std::string_view piece) override;
  void on_resume(std::function<void()> resume) override;
  void end_stream(bool complete) override;
  void when_abandoned(std::function<void()> cancel) override;
  // The loop, when the connection closes with this answer still to come.
  void abandon();
  // Work that stops when the client leaves runs for this answer (when_abandoned): a forwarded
  // request. Other work goes on to its end anyway (a write commits).
  bool stoppable();

 private:
  std::shared_ptr<LoopInbox> inbox_;
  int fd_;
  uint64_t connection_id_;
  uint64_t slot_;
  Request request_;
  std::vector<std::shared_ptr<const void>> kept_;
  std::atomic<bool> sent_{false};       // the answer, or a streamed one's end, was sent
  std::atomic<bool> streaming_{false};  // a streamed answer's head was sent
  // A streamed answer's flow control, made by on_resume (answers that never stream have none:
  // their pieces, if any, go unchecked).
  std::shared_ptr<StreamWindow> window_;
  std::mutex abandon_mutex_;
  bool abandoned_ = false;            // guarded by abandon_mutex_
  std::function<void()> on_abandon_;  // guarded by abandon_mutex_
};

}  // namespace apiserver::http
