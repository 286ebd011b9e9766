// The connection state machine of one event loop (see connection_handler.hpp).
#include "http/connection_handler.hpp"

#include <pistache/async.h>
#include <pistache/net.h>
#include <pistache/peer.h>
#include <pistache/transport.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "http/error_writer.hpp"
#include "http/loop_transport.hpp"
#include "http/protocol_answers.hpp"
#include "http/socket_write.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {

ConnectionHandler::~ConnectionHandler() {
  closing_ = true;
  inbox_->close();
  watchers_.clear();  // what they still owe is answered into the closed inbox: dropped
}

void ConnectionHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (peer->fd() == wake_peer_fd_) return;  // this loop's own wake-up socket
  auto connection = std::make_unique<Connection>(peer->fd(), ++last_connection_id_,
                                                 peer->address().host(), state_->options.limits);
  connection->peer = peer;
  connection->deadline_ms = now_ms() + state_->options.idle_timeout.count();
  {
    std::lock_guard<std::mutex> lock(state_->registry.mutex);
    state_->registry.connections[peer->fd()] = connection.get();
  }
  connections_[peer->fd()] = std::move(connection);
}

void ConnectionHandler::onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (peer->fd() == wake_peer_fd_) {
    wake_peer_fd_ = -1;  // answers still to come are dropped; a new socket is made if needed
    inbox_->close();
    inbox_ = std::make_shared<LoopInbox>();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(state_->registry.mutex);
    state_->registry.connections.erase(peer->fd());
  }
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  std::shared_ptr<ConnectionAnswer> pending = it->second->pending.lock();
  connections_.erase(it);
  if (pending) pending->abandon();  // the client left before its answer: its work may stop
}

bool ConnectionHandler::input_ended(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return false;
  Connection& c = *it->second;
  std::lock_guard<std::mutex> work(c.work);
  // Answers given at once are out already; one given later keeps the connection when its work
  // goes on anyway (a write waiting for its commit). A client that sends its end while work
  // that stops without it runs (a forwarded request) is taken to have left, as nginx does:
  // a closed socket and a half-closed one read alike.
  if (c.phase != Phase::kAnswering || c.drained) return false;
  std::shared_ptr<ConnectionAnswer> pending = c.pending.lock();
  if (pending && pending->stoppable()) return false;
  c.input_ended = true;
  if (c.input.empty()) {  // nothing pipelined behind: the answer says the connection closes
    c.answering.keep_alive = false;
    if (!c.answering.streaming) c.answering.connection_header = "close";
  }
  return true;
}

void ConnectionHandler::onInput(const char* buffer, size_t len,
                                const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (peer->fd() == wake_peer_fd_) return;  // what was posted is taken at the turn's end
  auto it = connections_.find(peer->fd());
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  std::optional<int64_t> timer_due;
  {
    std::lock_guard<std::mutex> work(c.work);
    timer_due = take_input(c, buffer, len, peer);
  }
  if (timer_due) arm_timer(c.fd, c.id, *timer_due);
}

std::optional<int64_t> ConnectionHandler::take_input(
    Connection& c, const char* buffer, size_t len,
    const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  if (c.phase == Phase::kClosing || c.drained) return std::nullopt;  // a closing client's bytes
  if (c.phase == Phase::kAnswering) {
    // Parsed once the answer is out. What arrives meanwhile is held up to what one request
    // may be; a client that sends more gets its pending answer, then the connection closes.
    if (!c.answering.keep_alive) return std::nullopt;
    c.input.append(buffer, len);
    const ParserLimits& limits = state_->options.limits;
    if (c.input.size() > limits.max_head_bytes + limits.max_body_bytes) {
      c.answering.keep_alive = false;
      c.answering.connection_header = "close";
      c.input.clear();
      c.input.shrink_to_fit();
    }
    return std::nullopt;
  }
  c.input.append(buffer, len);
  Output out;
  answer_requests(c, peer, out);
  finish_output(c, peer, out);
  return out.timer_due;
}

// Responses go out in one write at the end, unless one is delayed: then it and everything
// after it wait in c.delayed for a timer.
void ConnectionHandler::emit(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                             Output& out, std::string bytes, std::chrono::milliseconds delay,
                             bool close) {
  if (c.delayed.empty() && delay.count() == 0) {
    out.bytes += bytes;
    return;
  }
  if (c.delayed.empty() && !out.bytes.empty()) {
    write_to_peer(peer, c, std::move(out.bytes), false);
    out.bytes.clear();
  }
  // One more millisecond: part of the current one is already gone, and the answer must not go
  // out before the declared delay.
  if (c.delayed.hold(std::move(bytes), now_ms() + delay.count() + 1, close))
    out.timer_due = c.delayed.next_due_ms();
}

void ConnectionHandler::answer_requests(Connection& c,
                                        const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                                        Output& out) {
  while (!out.close_after) {
    if (c.phase == Phase::kIdle && !c.input.empty()) {
      c.phase = Phase::kHead;
      c.deadline_ms = now_ms() + state_->options.header_timeout.count();
    }
    ParseStatus status = c.parser.parse(c.input);
    if (status == ParseStatus::kIncomplete && c.input_ended) {
      out.close_after = true;  // no more bytes will come: what is left is never a request
      return;
    }
    if (status == ParseStatus::kIncomplete) {
      if (c.parser.head_done() && c.phase != Phase::kBody) {
        c.phase = Phase::kBody;
        c.deadline_ms = now_ms() + state_->options.body_timeout.count();
      }
      if (c.parser.wants_continue()) {
        emit(c, peer, out, "HTTP/1.1 100 Continue\r\n\r\n", std::chrono::milliseconds(0), false);
        c.parser.continue_sent();
      }
      return;
    }
    if (status == ParseStatus::kError) {
      out.close_after = true;
      Response response;
      answer_error(*c.parser.error(), c.parser.request(), response);
      emit(c, peer, out, closing_answer_bytes(response), std::chrono::milliseconds(0), true);
      return;
    }
    Answer answer = respond(c);
    c.input.erase(0, c.parser.consumed());
    c.parser.reset();
    if (answer.later) {
      // Nothing more is read until the answer arrives (answer_arrived), so answers keep the
      // order of their requests; the reaper leaves the connection alone meanwhile.
      c.phase = Phase::kAnswering;
      c.deadline_ms = 0;
      return;
    }
    out.close_after = !answer.keep_alive;
    emit(c, peer, out, std::move(answer.bytes), answer.delay, out.close_after);
    c.phase = Phase::kIdle;  // the next pipelined request, if any, starts now
    if (c.input.empty()) c.deadline_ms = now_ms() + state_->options.idle_timeout.count();
  }
}

void ConnectionHandler::finish_output(Connection& c,
                                      const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                                      Output& out) {
  if (out.close_after) {
    c.phase = Phase::kClosing;
    c.deadline_ms = (c.delayed.empty() ? now_ms() : c.delayed.last_due_ms()) + kLingerMs;
    c.input.clear();
    c.input.shrink_to_fit();
  }
  if (!out.bytes.empty()) {
    write_to_peer(peer, c, std::move(out.bytes), out.close_after && c.delayed.empty());
  } else if (out.close_after && c.delayed.empty()) {
    close_when_written(peer, c);  // the end of a body that ends with the connection
  }
}

ConnectionHandler::Answer ConnectionHandler::respond(Connection& c) {
  Request& request = c.parser.request();
  request.peer_address = c.peer_address;
  Response response;
  response.loop = this;
  handling_ = &c;
  try {
    state_->handler->handle(request, response);
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception for {} {}: {}", request.method, request.path, e.what());
    if (response.later) {
      // The slot was taken: the answer goes through it, like any other (an answer the
      // handler sends later is then dropped).
      Response failed;
      answer_error(Problem::make(ProblemCode::kInternal, ""), request, failed);
      response.later->send(std::move(failed));
    } else {
      answer_error(Problem::make(ProblemCode::kInternal, ""), request, response);
    }
  }
  handling_ = nullptr;
  Answer answer;
  answer.keep_alive = keeps_alive(request) && !state_->draining.load();
  const char* connection_header = !answer.keep_alive           ? "close"
                                  : request.version_minor == 0 ? "keep-alive"
                                                               : "";
  if (response.later) {
    answer.later = true;
    c.answering = {request.method == "HEAD", answer.keep_alive, connection_header,
                   request.version_minor >= 1, false};
    return answer;
  }
  answer.delay = response.delay;
  serialize_response(response, request.method == "HEAD", connection_header, answer.bytes);
  return answer;
}

std::shared_ptr<LaterAnswer> ConnectionHandler::answer_later() {
  if (handling_ == nullptr) return nullptr;
  open_inbox();
  // All but the body, which the handler has read by now (and which may be large).
  const Request& request = handling_->parser.request();
  Request copy;
  copy.method = request.method;
  copy.target = request.target;
  copy.path = request.path;
  copy.query = request.query;
  copy.version_minor = request.version_minor;
  copy.headers = request.headers;
  copy.peer_address = request.peer_address;
  auto slot = std::make_shared<ConnectionAnswer>(inbox_, handling_->fd, handling_->id,
                                                 ++handling_->slots_taken, std::move(copy));
  handling_->pending = slot;
  return slot;
}

void ConnectionHandler::after_batch(const void* key, std::function<void()> task, bool first) {
  for (const auto& queued : after_batch_) {
    if (queued.first == key) return;
  }
  // Run by end_turn().
  after_batch_.emplace(first ? after_batch_.begin() : after_batch_.end(), key, std::move(task));
}

std::shared_ptr<LoopWatcher> ConnectionHandler::watcher(
    const void* key, const std::function<std::shared_ptr<LoopWatcher>()>& make) {
  for (const auto& known : watchers_) {
    if (known.first == key) return known.second;
  }
  watchers_.emplace_back(key, make());
  return watchers_.back().second;
}

void ConnectionHandler::watch(LoopWatcher& watcher, int fd, bool in, bool out) {
  if (closing_) return;
  static_cast<LoopTransport*>(transport())->watch(watcher, fd, in, out);
}

void ConnectionHandler::forget(int fd) {
  if (closing_) return;
  static_cast<LoopTransport*>(transport())->forget(fd);
}

void ConnectionHandler::open_inbox() {
  if (wake_peer_fd_ >= 0) return;
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends) != 0)
    throw std::runtime_error("cannot make the event loop's wake-up socket");
  wake_peer_fd_ = ends[0];
  inbox_->set_wake_fd(ends[1]);
  // Read by the loop like a client: Pistache polls it and calls onInput when it is woken.
  auto peer = Pistache::Tcp::Peer::Create(ends[0], Pistache::Address("127.0.0.1", 0));
  transport()->handleNewPeer(peer);
}

std::optional<std::chrono::steady_clock::time_point> ConnectionHandler::end_turn() {
  std::optional<std::chrono::steady_clock::time_point> due;
  // What one round does can give the next its work (an answer lets a pipelined request be
  // read, which may forward or write; a written piece resumes a stream): a few rounds, then
  // the timer brings the loop back at once.
  for (int round = 0;; ++round) {
    inbox_->hold_wakes();  // answers posted on this thread meanwhile are taken below
    std::vector<std::pair<const void*, std::function<void()>>> tasks;
    tasks.swap(after_batch_);
    for (auto& task : tasks) {
      try {
        task.second();
      } catch (const std::exception& e) {
        spdlog::error("end-of-batch work failed: {}", e.what());
      }
    }
    due.reset();
    for (auto& known : watchers_) {
      std::optional<std::chrono::steady_clock::time_point> next = known.second->settle();
      if (next && (!due || *next < *due)) due = next;
    }
    std::vector<LoopInbox::Entry> arrived = inbox_->take();
    for (LoopInbox::Entry& entry : arrived) answer_arrived(entry);
    if (after_batch_.empty() && arrived.empty()) return due;
    if (round == 3) return std::chrono::steady_clock::now();
  }
}

void ConnectionHandler::answer_arrived(LoopInbox::Entry& entry) {
  auto it = connections_.find(entry.fd);
  if (it == connections_.end() || it->second->id != entry.connection_id) return;  // gone
  Connection& c = *it->second;
  auto peer = c.peer.lock();
  if (!peer) return;
  std::optional<int64_t> timer_due;
  {
    std::lock_guard<std::mutex> work(c.work);
    // Only the answer of the slot being waited for (the drain may have closed it meanwhile).
    if (c.phase != Phase::kAnswering || entry.slot != c.slots_taken) return;
    using Kind = LoopInbox::Entry::Kind;
    switch (entry.kind) {
      case Kind::kHead:
        return stream_head(c, peer, entry.response);
      case Kind::kPiece:
        return stream_piece(c, peer, entry);
      case Kind::kCut:
        return cut_stream(c);
      case Kind::kAnswer:
      case Kind::kEnd:
        break;
    }
    Output out;
    std::string bytes;
    if (entry.kind == Kind::kAnswer) {
      serialize_response(entry.response, c.answering.head, c.answering.connection_header, bytes);
    } else if (c.answering.chunked) {
      bytes = "0\r\n\r\n";  // the last chunk, without trailers
    }
    c.answering.streaming = false;
    out.close_after = !c.answering.keep_alive;
    emit(c, peer, out, std::move(bytes), entry.response.delay, out.close_after);
    c.phase = Phase::kIdle;
    c.deadline_ms = now_ms() + state_->options.idle_timeout.count();
    if (!out.close_after && !c.input.empty()) answer_requests(c, peer, out);
    finish_output(c, peer, out);
    timer_due = out.timer_due;
  }
  if (timer_due) arm_timer(c.fd, c.id, *timer_due);
}

void ConnectionHandler::stream_head(Connection& c, const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                                    const Response& head) {
  if (c.answering.streaming) return;
  if (!c.answering.chunked) {
    // An HTTP/1.0 client reads the body until the connection closes.
    c.answering.keep_alive = false;
    c.answering.connection_header = "close";
  }
  c.answering.streaming = true;
  // Pipelined answers held for a mock delay go first: the stream cannot wait behind them.
  if (!c.delayed.empty()) flush_due(c, true);
  std::string bytes;
  serialize_stream_head(head, c.answering.chunked, c.answering.connection_header, bytes);
  write_to_peer(peer, c, std::move(bytes), false);
}

void ConnectionHandler::stream_piece(Connection& c,
                                     const std::shared_ptr<Pistache::Tcp::Peer>& peer,
                                     LoopInbox::Entry& entry) {
  if (!c.answering.streaming) return;
  std::string bytes;
  append_stream_piece(entry.response.body, c.answering.chunked, bytes);
  std::function<void()> written;
  if (entry.window) {
    written = [window = entry.window, size = entry.response.body.size()] { window->written(size); };
  }
  write_to_peer(peer, c, std::move(bytes), false, written);
}

// The body ends short: the connection closes at once, so that the client, which did not get
// the end of the body, knows it has only a part (and what was queued for it is dropped).
void ConnectionHandler::cut_stream(Connection& c) {
  c.answering.streaming = false;
  c.phase = Phase::kClosing;
  c.deadline_ms = now_ms() + kLingerMs;
  c.input.clear();
  ::shutdown(c.fd, SHUT_RDWR);
}

void ConnectionHandler::answer_error(const Problem& problem, const Request& request,
                                     Response& response) {
  try {
    state_->handler->answer_error(problem, request, response);
  } catch (const std::exception& e) {
    spdlog::error("answering a {} for {} failed: {}", problem.status(), request.path, e.what());
    write_error(problem, request.path, nullptr, response);
  }
}

// The timer is Pistache's, so the callback runs on the loop that owns the socket.
void ConnectionHandler::arm_timer(int fd, uint64_t id, int64_t due_ms) {
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer < 0) {
    spdlog::error("timerfd_create failed; delayed responses go out now");
    send_due(fd, id, true);
    return;
  }
  auto wait = std::chrono::milliseconds(std::max<int64_t>(1, due_ms - now_ms()));
  Pistache::Async::Promise<uint64_t>([&](Pistache::Async::Deferred<uint64_t> deferred) {
    transport()->armTimer(timer, wait, std::move(deferred));
  })
      .then(
          [this, timer, fd, id](uint64_t) {
            // Closed only after send_due() may have armed the next timer: Pistache forgets a
            // fired timer by its descriptor once this returns, so the next one must not be
            // given the same number.
            send_due(fd, id, false);
            ::close(timer);
          },
          [timer](std::exception_ptr) { ::close(timer); });
}

void ConnectionHandler::send_due(int fd, uint64_t id, bool everything) {
  auto it = connections_.find(fd);
  if (it == connections_.end() || it->second->id != id) return;  // gone meanwhile
  Connection& c = *it->second;
  std::optional<int64_t> rest_due;
  {
    std::lock_guard<std::mutex> work(c.work);
    rest_due = flush_due(c, everything);
  }
  // Pistache's timers have one-second resolution above a second: fire again if early.
  if (rest_due) arm_timer(fd, id, *rest_due);
}

std::optional<int64_t> ConnectionHandler::flush_due(Connection& c, bool everything) {
  auto peer = c.peer.lock();
  if (!peer) return std::nullopt;
  DelayedWrites::Batch batch = c.delayed.take_due(now_ms(), everything);
  if (!batch.bytes.empty()) write_to_peer(peer, c, std::move(batch.bytes), batch.close_after);
  if (c.delayed.empty()) return std::nullopt;
  return c.delayed.next_due_ms();
}

}  // namespace apiserver::http
