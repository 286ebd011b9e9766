// The connection state machine of one event loop (see connection_handler.hpp).
#include "http/connection_handler.hpp"

#include <pistache/async.h>
#include <pistache/net.h>
#include <pistache/peer.h>
#include <pistache/transport.h>
#include <spdlog/spdlog.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>

#include "http/error_writer.hpp"
#include "http/protocol_answers.hpp"
#include "http/socket_write.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {

void ConnectionHandler::onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
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
  {
    std::lock_guard<std::mutex> lock(state_->registry.mutex);
    state_->registry.connections.erase(peer->fd());
  }
  connections_.erase(peer->fd());
}

void ConnectionHandler::onInput(const char* buffer, size_t len,
                                const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
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
  std::optional<int64_t> timer_due;
  if (c.phase == Phase::kClosing || c.drained) return timer_due;  // a closing client's bytes
  c.input.append(buffer, len);

  // Responses go out in one write at the end, unless one is delayed: then it
  // and everything after it wait in c.delayed for a timer.
  std::string out;
  bool close_after = false;
  auto emit = [&](std::string bytes, std::chrono::milliseconds delay, bool close) {
    if (c.delayed.empty() && delay.count() == 0) {
      out += bytes;
      return;
    }
    if (c.delayed.empty() && !out.empty()) {
      write_to_peer(peer, c, std::move(out), false);
      out.clear();
    }
    if (c.delayed.hold(std::move(bytes), now_ms() + delay.count(), close))
      timer_due = c.delayed.next_due_ms();
  };
  while (!close_after) {
    if (c.phase == Phase::kIdle && !c.input.empty()) {
      c.phase = Phase::kHead;
      c.deadline_ms = now_ms() + state_->options.header_timeout.count();
    }
    ParseStatus status = c.parser.parse(c.input);
    if (status == ParseStatus::kIncomplete) {
      if (c.parser.head_done() && c.phase != Phase::kBody) {
        c.phase = Phase::kBody;
        c.deadline_ms = now_ms() + state_->options.body_timeout.count();
      }
      if (c.parser.wants_continue()) {
        emit("HTTP/1.1 100 Continue\r\n\r\n", std::chrono::milliseconds(0), false);
        c.parser.continue_sent();
      }
      break;
    }
    if (status == ParseStatus::kError) {
      close_after = true;
      Response response;
      answer_error(*c.parser.error(), c.parser.request(), response);
      emit(closing_answer_bytes(response), std::chrono::milliseconds(0), true);
      break;
    }
    Answer answer = respond(c);
    close_after = !answer.keep_alive;
    emit(std::move(answer.bytes), answer.delay, close_after);
    c.input.erase(0, c.parser.consumed());
    c.parser.reset();
    if (c.input.empty()) {
      c.phase = Phase::kIdle;
      c.deadline_ms = now_ms() + state_->options.idle_timeout.count();
    } else {
      c.phase = Phase::kIdle;  // the next pipelined request starts now
    }
  }
  if (close_after) {
    c.phase = Phase::kClosing;
    c.deadline_ms = (c.delayed.empty() ? now_ms() : c.delayed.last_due_ms()) + kLingerMs;
    c.input.clear();
    c.input.shrink_to_fit();
  }
  if (!out.empty()) write_to_peer(peer, c, std::move(out), close_after && c.delayed.empty());
  return timer_due;
}

ConnectionHandler::Answer ConnectionHandler::respond(Connection& c) {
  Request& request = c.parser.request();
  request.peer_address = c.peer_address;
  Response response;
  try {
    state_->handler->handle(request, response);
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception for {} {}: {}", request.method, request.path, e.what());
    answer_error(Problem::make(ProblemCode::kInternal, ""), request, response);
  }
  Answer answer;
  answer.keep_alive = keeps_alive(request) && !state_->draining.load();
  answer.delay = response.delay;
  const char* connection_header = !answer.keep_alive           ? "close"
                                  : request.version_minor == 0 ? "keep-alive"
                                                               : "";
  serialize_response(response, request.method == "HEAD", connection_header, answer.bytes);
  return answer;
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
            ::close(timer);
            send_due(fd, id, false);
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
