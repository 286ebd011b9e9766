// One event loop's transport (see loop_transport.hpp).
#include "http/loop_transport.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <vector>

#include "http/connection_handler.hpp"

namespace apiserver::http {
namespace {

using Pistache::Polling::NotifyOn;

// Bytes one read of a client's socket takes (read_client).
constexpr size_t kClientReadBytes = 16384;
// A turn with this many events or more is a busy one, after which a loop that shares the
// machine with others yields (onReady).
constexpr size_t kBusyTurnEvents = 5;

Pistache::Flags<NotifyOn> interest(bool in, bool out) {
  Pistache::Flags<NotifyOn> flags;
  if (in) flags.setFlag(NotifyOn::Read);
  if (out) flags.setFlag(NotifyOn::Write);
  return flags;
}

}  // namespace

LoopTransport::LoopTransport(const std::shared_ptr<ConnectionHandler>& handler,
                             bool yield_after_busy_turns)
    : Transport(handler), handler_(handler), yield_after_busy_turns_(yield_after_busy_turns) {}

LoopTransport::~LoopTransport() {
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

std::shared_ptr<Pistache::Aio::Handler> LoopTransport::clone() const {
  return std::make_shared<LoopTransport>(
      std::static_pointer_cast<ConnectionHandler>(handler_->clone()), yield_after_busy_turns_);
}

void LoopTransport::registerPoller(Pistache::Polling::Epoll& poller) {
  Transport::registerPoller(poller);
  poller_ = &poller;
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd_ < 0) throw std::runtime_error("cannot make the event loop's timer");
  poller.addFd(timer_fd_, interest(true, false), Pistache::Polling::Tag(timer_fd_));
}

void LoopTransport::watch(LoopWatcher& watcher, int fd, bool in, bool out) {
  if (poller_ == nullptr) return;
  auto it = watched_.find(fd);
  if (!in && !out) {
    if (it == watched_.end() || it->second.parked) return;
    it->second.parked = true;
    if (it->second.out && !rearm(fd, true, true, false)) watched_.erase(fd);
    return;
  }
  if (it == watched_.end()) {
    if (rearm(fd, false, in, out)) watched_.emplace(fd, Watched{&watcher, in, out, false});
    return;
  }
  Watched& w = it->second;
  w.watcher = &watcher;
  w.parked = false;
  if (w.in == in && w.out == out) return;
  if (!rearm(fd, true, in, out)) {
    watched_.erase(it);
    return;
  }
  w.in = in;
  w.out = out;
}

// Pistache's poller throws on a failed epoll_ctl. A descriptor parked, then closed and its
// number opened again, has left the poller: it is added anew.
bool LoopTransport::rearm(int fd, bool known, bool in, bool out) {
  Pistache::Polling::Tag tag(static_cast<uint64_t>(fd));
  for (bool modify : {known, !known}) {
    try {
      if (modify) {
        poller_->rearmFd(fd, interest(in, out), tag);
      } else {
        poller_->addFd(fd, interest(in, out), tag);
      }
      return true;
    } catch (const std::exception& e) {
      if (modify != known) spdlog::debug("event loop: watching descriptor {}: {}", fd, e.what());
    }
  }
  return false;
}

void LoopTransport::onReady(const Pistache::Aio::FdSet& fds) {
  struct Ready {
    LoopWatcher* watcher;
    int fd;
    bool in, out, error;
  };
  handler_->begin_turn();
  std::vector<Ready> ready;
  std::vector<Pistache::Polling::Event> rest;
  bool split = false;
  for (const auto& entry : fds) {
    auto fd = static_cast<int>(entry.getTag().value());
    if (fd == timer_fd_) {
      uint64_t expirations = 0;
      (void)!::read(timer_fd_, &expirations, sizeof expirations);
      armed_.reset();
      split = true;
      continue;
    }
    auto it = watched_.find(fd);
    // A client's descriptor is never a watched one: a number a watcher let go of without
    // saying so may have been given to a new connection since.
    if (it != watched_.end() && peers.count(fd) == 0) {
      split = true;
      if (it->second.parked) {  // an idle pooled connection closed by its upstream, most often
        try {
          poller_->removeFd(fd);
        } catch (const std::exception&) {
        }
        watched_.erase(it);
        continue;
      }
      ready.push_back(
          {it->second.watcher, fd, entry.isReadable(), entry.isWritable(), entry.isHangup()});
      continue;
    }
    if (read_client(entry, fd)) {
      split = true;
      continue;
    }
    Pistache::Polling::Event event(entry.getTag());
    if (entry.isReadable()) event.flags.setFlag(NotifyOn::Read);
    if (entry.isWritable()) event.flags.setFlag(NotifyOn::Write);
    if (entry.isHangup()) event.flags.setFlag(NotifyOn::Hangup);
    rest.push_back(event);
  }
  if (!split) {
    Transport::onReady(fds);
  } else if (!rest.empty()) {
    Transport::onReady(Pistache::Aio::FdSet(std::move(rest)));
  }
  for (const Ready& r : ready) {
    // An earlier one may have stopped watching it meanwhile.
    auto it = watched_.find(r.fd);
    if (it != watched_.end() && !it->second.parked) r.watcher->ready(r.fd, r.in, r.out, r.error);
  }
  wake_at(handler_->end_turn());
  // Loops that share a CPU (with each other, or with whatever else runs there) would otherwise
  // take turns by the scheduler's time slice: a loop whose next events are always ready never
  // sleeps, and the other's clients wait out a whole slice (several ms at the tail under
  // load). Yielding after a busy turn makes them take turns by batch instead; alone on its CPU
  // a loop gets it straight back.
  if (yield_after_busy_turns_ && fds.size() >= kBusyTurnEvents) ::sched_yield();
}

bool LoopTransport::read_client(const Pistache::Aio::FdSet::Entry& entry, int fd) {
  // Pistache keeps the event's flags private, the peer's half-close (EPOLLRDHUP) among them;
  // a C-style cast is the conversion to that private base the language allows.
  const auto& event = (const Pistache::Polling::Event&)entry;  // NOLINT
  if (!event.flags.hasFlag(NotifyOn::Read) || event.flags.hasFlag(NotifyOn::Hangup)) return false;
  auto peer = peers.find(fd);
  if (peer == peers.end()) return false;
  std::shared_ptr<Pistache::Tcp::Peer> holder = peer->second;  // onInput may close it
  // The client has sent its last bytes (it may still read): they are read to the end.
  const bool last_bytes = event.flags.hasFlag(NotifyOn::Shutdown);
  // Not zeroed: recv writes what onInput is given.
  std::array<char, kClientReadBytes> buffer;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  while (true) {
    ssize_t bytes = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (bytes < 0) return errno == EAGAIN || errno == EWOULDBLOCK;  // else Pistache's read fails
    // The end of the input: Pistache's read, which sees it again, lets go of the connection,
    // unless an answer is still to be sent (the handler closes it after that).
    if (bytes == 0) return peers.count(fd) == 0 || handler_->input_ended(holder);
    handler_->onInput(buffer.data(), static_cast<size_t>(bytes), holder);
    if (peers.count(fd) == 0) return true;
    // A short read emptied the socket: what arrives later is a new edge. A full one may have
    // left more.
    if (!last_bytes && static_cast<size_t>(bytes) < buffer.size()) return true;
  }
}

void LoopTransport::wake_at(std::optional<std::chrono::steady_clock::time_point> due) {
  if (!due || (armed_ && *armed_ <= *due)) return;
  auto since = due->time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
  itimerspec spec{};
  spec.it_value.tv_sec = seconds.count();
  spec.it_value.tv_nsec =
      std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count();
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
    spec.it_value.tv_nsec = 1;  // 0 disarms
  if (::timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr) == 0) armed_ = due;
}

}  // namespace apiserver::http
