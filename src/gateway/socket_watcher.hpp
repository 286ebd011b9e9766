// Who waits on the sockets of upstream exchanges (an event loop of the server). Exchanges tells
// it what to watch, and is told back through Exchanges::socket_ready.
#pragma once

namespace apiserver::gateway {

class SocketWatcher {
 public:
  virtual ~SocketWatcher() = default;
  // Watches `socket` for reading (`in`) and writing (`out`); neither: stops watching it.
  virtual void watch(int socket, bool in, bool out) = 0;
  // `socket` is about to be closed: it is watched no more, and its number may come back as a
  // new socket.
  virtual void closing(int socket) = 0;
};

}  // namespace apiserver::gateway
