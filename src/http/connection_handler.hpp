// The connection state machine of one event loop: reads bytes into the request parser, runs
// the application on each complete request, and writes the answers in order (now, or when a
// delayed one is due). Pistache clones one handler per event loop; each owns its connections.
#pragma once

#include <pistache/tcp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "http/answer_later.hpp"
#include "http/connection.hpp"
#include "http/loop_inbox.hpp"
#include "http/server.hpp"

namespace apiserver::http {

// What the server shares with the handlers of every event loop.
struct ServerState {
  ServerOptions options;
  RequestHandler* handler = nullptr;
  Registry registry;
  // Set by Server::drain: answers then close their connection.
  std::atomic<bool> draining{false};
};

class ConnectionHandler final : public Pistache::Tcp::Handler, public EventLoop {
 public:
  explicit ConnectionHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  ~ConnectionHandler() override;

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override {
    return std::make_shared<ConnectionHandler>(state_);
  }

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

  // The client sent its last bytes, all taken by onInput (a half-close: it may still read).
  // True when the connection stays open for the answer under way, and closes once that is out
  // (with the answers of complete requests pipelined behind it); false when nothing is left to
  // answer, and the caller lets go of the connection.
  bool input_ended(const std::shared_ptr<Pistache::Tcp::Peer>& peer);

  // EventLoop, for the request being handled (respond()).
  std::shared_ptr<LaterAnswer> answer_later() override;
  void after_batch(const void* key, std::function<void()> task, bool first) override;
  std::shared_ptr<LoopWatcher> watcher(
      const void* key, const std::function<std::shared_ptr<LoopWatcher>()>& make) override;
  void watch(LoopWatcher& watcher, int fd, bool in, bool out) override;
  void forget(int fd) override;

  // The start of a turn of the loop (LoopTransport): answers posted from now on wait for
  // end_turn() rather than wake the loop.
  void begin_turn() { inbox_->hold_wakes(); }
  // The end of a turn of the loop (LoopTransport): runs the end-of-batch work and the
  // watchers' settle(), and sends the answers that arrived. Returns when to come back.
  std::optional<std::chrono::steady_clock::time_point> end_turn();

 private:
  // The answers of one call of take_input, written together at its end (see emit()).
  struct Output {
    std::string bytes;
    bool close_after = false;
    std::optional<int64_t> timer_due;
  };

  // Parses and answers what `buffer` completes of c's requests; the caller holds c.work.
  // Returns when the timer for delayed answers must fire, if one must be armed.
  std::optional<int64_t> take_input(Connection& c, const char* buffer, size_t len,
                                    const std::shared_ptr<Pistache::Tcp::Peer>& peer);
  // Parses and answers c's buffered requests until one is incomplete or answered later.
  void answer_requests(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                       Output& out);
  // Adds an answer to `out`, or to c.delayed behind a delayed one (writing what `out` held).
  void emit(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer, Output& out,
            std::string bytes, std::chrono::milliseconds delay, bool close);
  // Writes `out` and, when it closes the connection, starts closing it.
  void finish_output(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer, Output& out);
  struct Answer {
    std::string bytes;
    std::chrono::milliseconds delay{0};
    bool keep_alive = true;
    bool later = false;  // the application answers later: no bytes yet
  };

  // Runs the application on the parsed request and serializes its response.
  Answer respond(Connection& c);
  // The application's answer to a problem met outside its handle(); the bare writer's when
  // the application fails at that too.
  void answer_error(const Problem& problem, const Request& request, Response& response);
  // Wakes this event loop at `due_ms` to send what is due of the delayed writes of connection
  // `id` on `fd`. Called without the connection's lock: Pistache's promise takes its own mutex,
  // and the timer's callback runs holding it, so the two locks must only nest that way.
  void arm_timer(int fd, uint64_t id, int64_t due_ms);
  // Sends what is due (all of it with `everything`) of connection `id` on `fd`, if still open,
  // and arms the timer for the rest.
  void send_due(int fd, uint64_t id, bool everything);
  // Sends what is due of c.delayed; the caller holds c.work. Returns when the rest is due.
  std::optional<int64_t> flush_due(Connection& c, bool everything);

  // The wake-up socket of this loop's inbox, made on first use (on this loop's thread).
  void open_inbox();
  // Sends one answer that arrived, and goes on with the requests its connection sent after.
  void answer_arrived(LoopInbox::Entry& entry);
  // The parts of a streamed answer (LoopInbox::Entry::Kind), for connection `c`.
  void stream_head(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                   const Response& head);
  void stream_piece(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                    LoopInbox::Entry& entry);
  void cut_stream(Connection& c);

  std::shared_ptr<ServerState> state_;
  std::shared_ptr<LoopInbox> inbox_ = std::make_shared<LoopInbox>();
  int wake_peer_fd_ = -1;  // this loop's end of the wake-up socket, read as a peer
  std::vector<std::pair<const void*, std::function<void()>>> after_batch_;
  std::vector<std::pair<const void*, std::shared_ptr<LoopWatcher>>> watchers_;
  bool closing_ = false;            // the loop is going: nothing more is watched
  Connection* handling_ = nullptr;  // the connection whose request respond() is running
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  uint64_t last_connection_id_ = 0;
};

}  // namespace apiserver::http
