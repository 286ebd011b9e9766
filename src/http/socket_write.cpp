// Writing answers to a client socket (see socket_write.hpp).
#include "http/socket_write.hpp"

#include <pistache/async.h>
#include <pistache/peer.h>
#include <pistache/stream.h>
#include <sys/socket.h>

#include <cerrno>

namespace apiserver::http {

// The caller runs on the event loop that owns the socket, so a plain non-blocking send() is
// safe and usually writes everything at once; only what the socket does not take goes through
// Pistache's write queue, which costs an eventfd round trip and two epoll_ctl calls per
// response.
void write_to_peer(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Connection& c,
                   std::string bytes, bool close_after, const std::function<void()>& written) {
  int fd = peer->fd();
  if (c.queued_writes->load() == 0) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == static_cast<ssize_t>(bytes.size())) {
      // Half-close once the response is out; the client then closes its
      // side and Pistache tears the connection down.
      if (close_after) ::shutdown(fd, SHUT_WR);
      if (written) written();
      return;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return;  // the peer is gone
    if (n > 0) bytes.erase(0, static_cast<size_t>(n));
  }
  size_t size = bytes.size();
  std::weak_ptr<Pistache::Tcp::Peer> weak = peer;
  std::shared_ptr<std::atomic<int>> queued = c.queued_writes;
  std::shared_ptr<std::atomic<bool>> close_later = c.close_when_written;
  ++*queued;
  auto done = [weak, queued, close_later, close_after, written]() {
    bool last = --*queued == 0;
    if (written) written();
    if (!close_after && !(last && close_later->load())) return;
    if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_WR);
  };
  peer->send(Pistache::RawBuffer(std::move(bytes), size))
      .then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
}

void close_when_written(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Connection& c) {
  if (c.queued_writes->load() == 0) {
    ::shutdown(peer->fd(), SHUT_WR);
    return;
  }
  c.close_when_written->store(true);
}

}  // namespace apiserver::http
