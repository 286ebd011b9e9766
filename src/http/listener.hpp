// Pistache's listener, and what it does not offer: closing its listening socket while its
// connections are still served (a graceful shutdown refuses new connections first).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace Pistache::Tcp {
class Handler;
class Listener;
}  // namespace Pistache::Tcp

namespace apiserver::http {

class ConnectionHandler;

class Listener {
 public:
  Listener();
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds host:port and serves its connections on `threads` event loops, each with a clone
  // of `handler` on a LoopTransport. Throws what Pistache throws when it cannot.
  void start(const std::string& host, uint16_t port, unsigned threads,
             const std::shared_ptr<ConnectionHandler>& handler);
  // The bound port (the chosen one when 0 was asked for); 0 before start().
  uint16_t port() const;
  // Closes the listening socket so that new connections are refused; the event loops go on.
  void stop_accepting();
  // Stops the event loops and closes every connection.
  void shutdown();

 private:
  std::unique_ptr<Pistache::Tcp::Listener> listener_;
  int listening_fd_ = -1;  // -1: unknown, or closed by stop_accepting()
};

// Pistache keeps its listening descriptor to itself; it is the one socket of this process
// accepting connections on `port`. -1 when not found.
int find_listening_socket(uint16_t port);

}  // namespace apiserver::http
