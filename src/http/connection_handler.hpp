// The connection state machine of one event loop: reads bytes into the request parser, runs
// the application on each complete request, and writes the answers in order (now, or when a
// delayed one is due). Pistache clones one handler per event loop; each owns its connections.
#pragma once

#include <pistache/tcp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "http/connection.hpp"
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

class ConnectionHandler final : public Pistache::Tcp::Handler {
 public:
  explicit ConnectionHandler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override {
    return std::make_shared<ConnectionHandler>(state_);
  }

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;
  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

 private:
  struct Answer {
    std::string bytes;
    std::chrono::milliseconds delay{0};
    bool keep_alive = true;
  };

  // Runs the application on the parsed request and serializes its response.
  Answer respond(Connection& c);
  // The application's answer to a problem met outside its handle(); the bare writer's when
  // the application fails at that too.
  void answer_error(const Problem& problem, const Request& request, Response& response);
  // Wakes this event loop at `due_ms` to send what is due of c.delayed.
  void arm_timer(Connection& c, int64_t due_ms);
  void send_due(int fd, uint64_t id);
  // Sends what is due of c.delayed (all of it with `everything`); the caller holds c.work.
  void flush_due(Connection& c, bool everything);

  std::shared_ptr<ServerState> state_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  uint64_t last_connection_id_ = 0;
};

}  // namespace apiserver::http
