// Pistache's listener with a way to stop accepting (see listener.hpp).
#include "http/listener.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pistache/listener.h>
#include <pistache/net.h>
#include <pistache/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string_view>

#include "http/connection_handler.hpp"
#include "http/loop_transport.hpp"

namespace apiserver::http {

Listener::Listener() = default;
Listener::~Listener() = default;

void Listener::start(const std::string& host, uint16_t port, unsigned threads,
                     const std::shared_ptr<ConnectionHandler>& handler) {
  Pistache::Address address(host, Pistache::Port(port));
  listener_ = std::make_unique<Pistache::Tcp::Listener>(address);
  // Pistache's default backlog (128) drops the SYNs of a burst of new connections while the
  // accept loop catches up, and each dropped client waits a second to retry; the kernel caps
  // SOMAXCONN at net.core.somaxconn.
  listener_->init(threads,
                  Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr) |
                      Pistache::Tcp::Options::NoDelay,
                  "apiserver-io", SOMAXCONN);
  listener_->setHandler(handler);
  const bool several_loops = threads > 1;
  listener_->setTransportFactory(
      [handler, several_loops] { return std::make_shared<LoopTransport>(handler, several_loops); });
  listener_->bind();
  listening_fd_ = find_listening_socket(this->port());
  listener_->runThreaded();
}

uint16_t Listener::port() const {
  return listener_ ? static_cast<uint16_t>(listener_->getPort()) : 0;
}

// Replacing the descriptor (rather than closing it) leaves Pistache a valid one to close at
// exit, and takes the socket out of its accept loop's epoll set.
void Listener::stop_accepting() {
  if (listening_fd_ < 0) return;
  int placeholder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0 || ::dup3(placeholder, listening_fd_, O_CLOEXEC) < 0)
    spdlog::warn("cannot close the listening socket; new connections are closed instead");
  if (placeholder >= 0) ::close(placeholder);
  listening_fd_ = -1;
}

void Listener::shutdown() {
  if (listener_) listener_->shutdown();
}

int find_listening_socket(uint16_t port) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name.empty() || name.find_first_not_of("0123456789") != std::string_view::npos) continue;
    int fd = std::stoi(std::string(name));
    int accepting = 0;
    socklen_t length = sizeof accepting;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || !accepting)
      continue;
    sockaddr_storage address{};
    socklen_t address_length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &address_length) != 0) continue;
    uint16_t bound = 0;
    if (address.ss_family == AF_INET)
      bound = ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    else if (address.ss_family == AF_INET6)
      bound = ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
    if (bound == port) {
      found = fd;
      break;
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace apiserver::http
