#include "http/server.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pistache/async.h>
#include <pistache/listener.h>
#include <pistache/net.h>
#include <pistache/peer.h>
#include <pistache/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "problem/problem.hpp"

namespace apiserver::http {
namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

// How long a connection we are closing may keep sending before it is cut.
constexpr int64_t kLingerMs = 2'000;

enum class Phase : uint8_t { kIdle, kHead, kBody, kClosing };

// State of one client connection. Owned by the handler of the event loop that
// serves it; the reaper thread reads `phase` and `deadline_ms` under the
// registry lock.
// A response held back (a mock delay) or queued behind one, to keep order.
struct Delayed {
  std::string bytes;
  int64_t due_ms;
  bool close_after;
};

struct Connection {
  explicit Connection(int fd_, uint64_t id_, std::string peer, const ParserLimits& limits)
      : fd(fd_), id(id_), peer_address(std::move(peer)), parser(limits) {}
  int fd;
  uint64_t id;  // tells a timer firing after the fd was reused that it is stale
  std::weak_ptr<Pistache::Tcp::Peer> peer;
  std::string peer_address;
  std::string input;
  RequestParser parser;
  std::atomic<Phase> phase{Phase::kIdle};
  std::atomic<int64_t> deadline_ms{0};
  // Writes handed to Pistache's queue and not yet completed; while any is in
  // flight, later bytes must queue behind it. Atomic: a draining server reads it.
  std::shared_ptr<std::atomic<int>> queued_writes = std::make_shared<std::atomic<int>>(0);
  std::deque<Delayed> delayed;  // in send order; due times never decrease
  // Held by the event loop while it works on this connection, and by a draining server while
  // it decides to close it: a request is then either answered whole or never read.
  std::mutex work;
  bool drained = false;  // closed by the drain; guarded by `work`
};

// Connections of every event loop, for the reaper. A connection leaves it in
// onDisconnection, which Pistache calls before closing the descriptor, so an
// fd found here under the lock is still this connection's.
struct Registry {
  std::mutex mutex;
  std::unordered_map<int, Connection*> connections;
};

struct Shared {
  ServerOptions options;
  RequestHandler* handler;
  Registry registry;
  // Set by Server::drain: answers then close their connection.
  std::atomic<bool> draining{false};
};

Problem problem_for_status(int status, std::string detail) {
  ProblemCode code = ProblemCode::kBadRequest;
  switch (status) {
    case 408:
      code = ProblemCode::kRequestTimeout;
      break;
    case 413:
      code = ProblemCode::kPayloadTooLarge;
      break;
    case 417:
      code = ProblemCode::kExpectationFailed;
      break;
    case 431:
      code = ProblemCode::kHeadersTooLarge;
      break;
    case 501:
      code = ProblemCode::kNotImplemented;
      break;
    case 505:
      code = ProblemCode::kHttpVersionNotSupported;
      break;
    default:
      break;
  }
  return Problem::make(code, std::move(detail));
}

// `path`: the request's path when its request line was read, else empty.
std::string protocol_error_bytes(int status, std::string detail, const std::string& path) {
  Problem problem = problem_for_status(status, std::move(detail));
  Response response;
  response.status = problem.status();
  response.content_type = "application/problem+json";
  response.body = render_problem_json(problem, path);
  std::string out;
  serialize_response(response, false, "close", out);
  return out;
}

// Keep-alive is the HTTP/1.1 default; HTTP/1.0 clients must ask for it.
bool keeps_alive(const Request& request) {
  const std::string* connection = request.header("connection");
  auto has = [&](std::string_view token) {
    if (connection == nullptr) return false;
    std::string lowered = *connection;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered.find(token) != std::string::npos;
  };
  if (request.version_minor == 0) return has("keep-alive");
  return !has("close");
}

class ConnectionHandler final : public Pistache::Tcp::Handler {
 public:
  explicit ConnectionHandler(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

  std::shared_ptr<Pistache::Tcp::Handler> clone() const override {
    return std::make_shared<ConnectionHandler>(shared_);
  }

  void onConnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto connection = std::make_unique<Connection>(peer->fd(), ++last_connection_id_,
                                                   peer->address().host(), shared_->options.limits);
    connection->peer = peer;
    connection->deadline_ms = now_ms() + shared_->options.idle_timeout.count();
    {
      std::lock_guard<std::mutex> lock(shared_->registry.mutex);
      shared_->registry.connections[peer->fd()] = connection.get();
    }
    connections_[peer->fd()] = std::move(connection);
  }

  void onDisconnection(const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    {
      std::lock_guard<std::mutex> lock(shared_->registry.mutex);
      shared_->registry.connections.erase(peer->fd());
    }
    connections_.erase(peer->fd());
  }

  void onInput(const char* buffer, size_t len,
               const std::shared_ptr<Pistache::Tcp::Peer>& peer) override {
    auto it = connections_.find(peer->fd());
    if (it == connections_.end()) return;
    Connection& c = *it->second;
    std::lock_guard<std::mutex> work(c.work);
    if (c.phase == Phase::kClosing || c.drained) return;  // discard what a closing client sends
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
        send(peer, c, std::move(out), false);
        out.clear();
      }
      int64_t due = now_ms() + delay.count();
      if (!c.delayed.empty()) due = std::max(due, c.delayed.back().due_ms);
      bool first = c.delayed.empty();
      c.delayed.push_back({std::move(bytes), due, close});
      if (first) arm_timer(c, due);
    };
    while (!close_after) {
      if (c.phase == Phase::kIdle && !c.input.empty()) {
        c.phase = Phase::kHead;
        c.deadline_ms = now_ms() + shared_->options.header_timeout.count();
      }
      ParseStatus status = c.parser.parse(c.input);
      if (status == ParseStatus::kIncomplete) {
        if (c.parser.head_done() && c.phase != Phase::kBody) {
          c.phase = Phase::kBody;
          c.deadline_ms = now_ms() + shared_->options.body_timeout.count();
        }
        if (c.parser.wants_continue()) {
          emit("HTTP/1.1 100 Continue\r\n\r\n", std::chrono::milliseconds(0), false);
          c.parser.continue_sent();
        }
        break;
      }
      if (status == ParseStatus::kError) {
        close_after = true;
        emit(protocol_error_bytes(c.parser.error_status(), c.parser.error_detail(),
                                  c.parser.request().path),
             std::chrono::milliseconds(0), true);
        break;
      }
      Answer answer = respond(c);
      close_after = !answer.keep_alive;
      emit(std::move(answer.bytes), answer.delay, close_after);
      c.input.erase(0, c.parser.consumed());
      c.parser.reset();
      if (c.input.empty()) {
        c.phase = Phase::kIdle;
        c.deadline_ms = now_ms() + shared_->options.idle_timeout.count();
      } else {
        c.phase = Phase::kIdle;  // the next pipelined request starts now
      }
    }
    if (close_after) {
      c.phase = Phase::kClosing;
      c.deadline_ms = (c.delayed.empty() ? now_ms() : c.delayed.back().due_ms) + kLingerMs;
      c.input.clear();
      c.input.shrink_to_fit();
    }
    if (!out.empty()) send(peer, c, std::move(out), close_after && c.delayed.empty());
  }

 private:
  struct Answer {
    std::string bytes;
    std::chrono::milliseconds delay{0};
    bool keep_alive = true;
  };

  // Runs the application on the parsed request and serializes its response.
  Answer respond(Connection& c) {
    Request& request = c.parser.request();
    request.peer_address = c.peer_address;
    Response response;
    try {
      shared_->handler->handle(request, response);
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception for {} {}: {}", request.method, request.path, e.what());
      response = Response{};
      response.status = 500;
      response.content_type = "application/problem+json";
      response.body = render_problem_json(Problem::make(ProblemCode::kInternal, ""), request.path);
    }
    Answer answer;
    answer.keep_alive = keeps_alive(request) && !shared_->draining.load();
    answer.delay = response.delay;
    const char* connection_header = !answer.keep_alive           ? "close"
                                    : request.version_minor == 0 ? "keep-alive"
                                                                 : "";
    serialize_response(response, request.method == "HEAD", connection_header, answer.bytes);
    return answer;
  }

  // Wakes this event loop at `due_ms` to send what is due of c.delayed. The
  // timer is Pistache's, so the callback runs on the loop that owns the socket.
  void arm_timer(Connection& c, int64_t due_ms) {
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer < 0) {
      spdlog::error("timerfd_create failed; delayed responses go out now");
      flush_due(c, true);
      return;
    }
    int fd = c.fd;
    uint64_t id = c.id;
    auto wait = std::chrono::milliseconds(std::max<int64_t>(1, due_ms - now_ms()));
    Pistache::Async::Promise<uint64_t>([&](Pistache::Async::Deferred<uint64_t> deferred) {
      transport()->armTimer(timer, wait, std::move(deferred));
    })
        .then(
            [this, timer, fd, id](uint64_t) {
              ::close(timer);
              send_due(fd, id);
            },
            [timer](std::exception_ptr) { ::close(timer); });
  }

  void send_due(int fd, uint64_t id) {
    auto it = connections_.find(fd);
    if (it == connections_.end() || it->second->id != id) return;  // gone meanwhile
    Connection& c = *it->second;
    std::lock_guard<std::mutex> work(c.work);
    flush_due(c, false);
  }

  // Sends what is due of c.delayed (all of it with `everything`); the caller holds c.work.
  void flush_due(Connection& c, bool everything) {
    auto peer = c.peer.lock();
    if (!peer) return;
    std::string batch;
    bool close_after = false;
    int64_t now = now_ms();
    while (!c.delayed.empty() && (everything || c.delayed.front().due_ms <= now)) {
      batch += c.delayed.front().bytes;
      close_after = close_after || c.delayed.front().close_after;
      c.delayed.pop_front();
    }
    if (!batch.empty()) send(peer, c, std::move(batch), close_after);
    // Pistache's timers have one-second resolution above a second: fire again if early.
    if (!c.delayed.empty()) arm_timer(c, c.delayed.front().due_ms);
  }

  // Writes the responses. onInput runs on the event loop that owns the
  // socket, so a plain non-blocking send() is safe and usually writes
  // everything at once; only what the socket does not take goes through
  // Pistache's write queue, which costs an eventfd round trip and two
  // epoll_ctl calls per response.
  static void send(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Connection& c,
                   std::string bytes, bool close_after) {
    int fd = peer->fd();
    if (c.queued_writes->load() == 0) {
      ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n == static_cast<ssize_t>(bytes.size())) {
        // Half-close once the response is out; the client then closes its
        // side and Pistache tears the connection down.
        if (close_after) ::shutdown(fd, SHUT_WR);
        return;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return;  // the peer is gone
      if (n > 0) bytes.erase(0, static_cast<size_t>(n));
    }
    size_t size = bytes.size();
    std::weak_ptr<Pistache::Tcp::Peer> weak = peer;
    std::shared_ptr<std::atomic<int>> queued = c.queued_writes;
    ++*queued;
    auto done = [weak, queued, close_after]() {
      --*queued;
      if (!close_after) return;
      if (auto p = weak.lock()) ::shutdown(p->fd(), SHUT_WR);
    };
    peer->send(Pistache::RawBuffer(std::move(bytes), size))
        .then([done](ssize_t) { done(); }, [done](std::exception_ptr) { done(); });
  }

  std::shared_ptr<Shared> shared_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  uint64_t last_connection_id_ = 0;
};

// Pistache keeps its listening descriptor to itself; it is the one socket of this process
// accepting connections on `port`. -1 when not found.
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

}  // namespace

struct Server::Impl {
  std::shared_ptr<Shared> shared;
  std::unique_ptr<Pistache::Tcp::Listener> listener;
  int listening_fd = -1;
  std::thread reaper;
  std::mutex reaper_mutex;
  std::condition_variable reaper_wake;
  bool stopping = false;
  bool started = false;

  void reap_loop() {
    std::unique_lock<std::mutex> lock(reaper_mutex);
    while (!stopping) {
      reaper_wake.wait_for(lock, std::chrono::milliseconds(250));
      if (stopping) break;
      reap_expired();
    }
  }

  // Ends connections past their deadline. shutdown() wakes the event loop,
  // which sees end-of-stream and removes the peer on its own thread.
  void reap_expired() {
    int64_t now = now_ms();
    std::lock_guard<std::mutex> lock(shared->registry.mutex);
    for (auto& [fd, c] : shared->registry.connections) {
      int64_t deadline = c->deadline_ms.load();
      if (deadline == 0 || deadline > now) continue;
      Phase phase = c->phase.load();
      if (phase == Phase::kHead || phase == Phase::kBody) {
        // Best effort: the client is stalled mid-request and nothing else is
        // being written to it.
        std::string bytes = protocol_error_bytes(408, "the request did not arrive in time", "");
        (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      c->deadline_ms = 0;
      ::shutdown(fd, SHUT_RDWR);
    }
  }

  // Closes the listening socket so that new connections are refused. Replacing the descriptor
  // (rather than closing it) leaves Pistache a valid one to close at exit, and takes the socket
  // out of its accept loop's epoll set.
  void stop_accepting() {
    if (listening_fd < 0) return;
    int placeholder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (placeholder < 0 || ::dup3(placeholder, listening_fd, O_CLOEXEC) < 0)
      spdlog::warn("cannot close the listening socket; new connections are closed instead");
    if (placeholder >= 0) ::close(placeholder);
    listening_fd = -1;
  }

  // Closes every connection with nothing in flight; returns how many still have some.
  size_t close_idle_connections() {
    size_t busy = 0;
    std::lock_guard<std::mutex> lock(shared->registry.mutex);
    for (auto& [fd, c] : shared->registry.connections) {
      std::unique_lock<std::mutex> work(c->work, std::try_to_lock);
      if (!work.owns_lock()) {  // a request is being handled right now
        ++busy;
        continue;
      }
      if (c->drained) continue;
      Phase phase = c->phase.load();
      if (phase == Phase::kHead || phase == Phase::kBody || !c->delayed.empty() ||
          c->queued_writes->load() > 0) {
        ++busy;
        continue;
      }
      // Idle keep-alive connections and ones already answered and closing.
      c->drained = true;
      ::shutdown(fd, SHUT_RDWR);
    }
    return busy;
  }
};

Server::Server(ServerOptions options, RequestHandler& handler) : impl_(std::make_unique<Impl>()) {
  impl_->shared = std::make_shared<Shared>();
  impl_->shared->options = std::move(options);
  impl_->shared->handler = &handler;
}

Server::~Server() {
  stop();
}

void Server::start() {
  const ServerOptions& options = impl_->shared->options;
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  try {
    Pistache::Address address(options.host, Pistache::Port(options.port));
    impl_->listener = std::make_unique<Pistache::Tcp::Listener>(address);
    impl_->listener->init(
        threads,
        Pistache::Flags<Pistache::Tcp::Options>(Pistache::Tcp::Options::ReuseAddr) |
            Pistache::Tcp::Options::NoDelay,
        "apiserver-io");
    impl_->listener->setHandler(std::make_shared<ConnectionHandler>(impl_->shared));
    impl_->listener->bind();
    impl_->listening_fd = find_listening_socket(static_cast<uint16_t>(impl_->listener->getPort()));
    impl_->listener->runThreaded();
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + options.host + ":" +
                             std::to_string(options.port) + ": " + e.what());
  }
  impl_->started = true;
  impl_->reaper = std::thread([impl = impl_.get()] { impl->reap_loop(); });
}

uint16_t Server::port() const {
  return impl_->listener ? static_cast<uint16_t>(impl_->listener->getPort()) : 0;
}

bool Server::drain(std::chrono::milliseconds timeout, const std::function<bool()>& give_up) {
  if (!impl_->started) return true;
  impl_->shared->draining = true;
  impl_->stop_accepting();
  const Clock::time_point deadline = Clock::now() + timeout;
  bool announced = false;
  while (true) {
    size_t busy = impl_->close_idle_connections();
    if (busy == 0) return true;
    if (!announced) {
      spdlog::info(
          "no longer accepting connections; waiting up to {} ms for {} connection(s) "
          "with requests in flight",
          timeout.count(), busy);
      announced = true;
    }
    if (Clock::now() >= deadline) {
      spdlog::warn("{} connection(s) still had requests in flight after {} ms; closing them", busy,
                   timeout.count());
      return false;
    }
    if (give_up && give_up()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void Server::stop() {
  if (!impl_->started) return;
  impl_->started = false;
  {
    std::lock_guard<std::mutex> lock(impl_->reaper_mutex);
    impl_->stopping = true;
  }
  impl_->reaper_wake.notify_all();
  if (impl_->reaper.joinable()) impl_->reaper.join();
  impl_->listener->shutdown();
}

}  // namespace apiserver::http
