// Plain HTTP/1.1 upstream exchanges on the owner's event loop (see plain_exchanges.hpp).
#include "gateway/plain_exchanges.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "gateway/answer_reader.hpp"

namespace apiserver::gateway {
namespace {

// Idle connections kept open over every upstream of the loop: as many as one upstream takes
// requests at once by default (max-in-flight).
constexpr size_t kMaxIdleConnections = 256;
// What one readiness event reads at most before the answer so far is handled: a fast stream
// cannot hold the loop.
constexpr size_t kReadBytes = 16 * 1024;
constexpr int kReadsPerEvent = 4;
// How often an upstream named by a host name takes the resolver's latest addresses.
constexpr std::chrono::seconds kAddressCheck{1};

std::string error_text(int error) {
  return std::strerror(error);
}

}  // namespace

struct PlainExchanges::Origin {
  std::string host;  // the Host field: the authority as the URL gives it
  std::string name;  // the host name to resolve; empty when the URL gives an address
  uint16_t port = 80;
  std::shared_ptr<const NameResolver::Addresses> addresses;  // none yet: not this client's
  Clock::time_point checked{};  // when `addresses` were last taken from the resolver
  size_t preferred = 0;         // of `addresses`, the one the last connection was made to
  std::vector<int> idle;        // pooled connections, the most recently used last
};

struct PlainExchanges::Connection {
  int socket = -1;
  Origin* origin = nullptr;
  Exchange* exchange = nullptr;  // the one it carries; none while pooled
  bool connecting = false;
  // An earlier exchange went over it: the upstream may have closed it since.
  bool carried_one = false;
  bool ended = false;  // the upstream closed it, or it failed (error then says how)
  int error = 0;
  bool in = false, out = false;  // what it is watched for
  std::string input;             // read, not yet taken by the answer's reader
};

struct PlainExchanges::Exchange {
  uint64_t id = 0;
  UpstreamRequest request;
  UpstreamDone done;
  Origin* origin = nullptr;
  std::shared_ptr<const NameResolver::Addresses> addresses;  // the origin's, as the attempt began
  size_t tried = 0;  // addresses this attempt could not connect to
  std::string head;  // the request line and fields
  size_t sent = 0;   // of the head and the body
  int attempts = 0;
  Connection* connection = nullptr;
  std::optional<AnswerReader> reader;
  bool head_decided = false;
  bool streaming = false;  // the body goes to on_piece
  bool paused = false;     // on_piece could not take `piece`
  std::string piece;       // streamed body on_piece has not taken yet
  UpstreamReply reply;
  Clock::time_point started = Clock::now();
  std::optional<Clock::time_point> deadline;  // in deadlines_

  size_t total() const { return head.size() + request.body.size(); }
};

PlainExchanges::PlainExchanges(SocketWatcher& watcher, NameResolver& resolver,
                               size_t max_answer_bytes)
    : watcher_(watcher), resolver_(resolver), max_answer_bytes_(max_answer_bytes) {}

PlainExchanges::~PlainExchanges() {
  while (!exchanges_.empty())
    end(*exchanges_.begin()->second, UpstreamReply::Failure::kShutdown, "the server stopped");
  while (!connections_.empty()) close(*connections_.begin()->second);
}

// The origin of `url` when this client calls it: plain http without credentials, at an address
// given or found for its name. Parsed once per origin; a name's addresses are refreshed at most
// once every kAddressCheck.
PlainExchanges::Origin* PlainExchanges::origin_of(std::string_view url, size_t& target_at) {
  if (url.substr(0, 7) != "http://") return nullptr;
  target_at = plain_target_at(url);
  const std::string_view base = url.substr(0, target_at);
  auto found = origins_.find(base);
  if (found == origins_.end()) {
    std::unique_ptr<Origin> made;
    if (std::optional<PlainOrigin> parsed = parse_plain_origin(base)) {
      made = std::make_unique<Origin>();
      made->host = parsed->authority;
      made->port = parsed->port;
      if (parsed->address)
        made->addresses = std::make_shared<NameResolver::Addresses>(1, *parsed->address);
      else
        made->name = parsed->host;
    }
    found = origins_.emplace(std::string(base), std::move(made)).first;
  }
  Origin* origin = found->second.get();
  if (origin == nullptr || origin->name.empty()) return origin;
  const auto now = Clock::now();
  if (now - origin->checked >= kAddressCheck) {
    origin->checked = now;
    auto latest = resolver_.addresses(origin->name, origin->port);
    if (latest != nullptr && latest != origin->addresses) {
      origin->addresses = std::move(latest);
      origin->preferred = 0;
    }
  }
  return origin->addresses != nullptr ? origin : nullptr;
}

bool PlainExchanges::send(uint64_t id, UpstreamRequest& request, UpstreamDone& done) {
  size_t target_at = 0;
  Origin* origin = origin_of(request.url, target_at);
  if (origin == nullptr) return false;
  auto exchange = std::make_unique<Exchange>();
  exchange->id = id;
  exchange->origin = origin;
  std::string_view target = std::string_view(request.url).substr(target_at);
  std::string& head = exchange->head;
  head.reserve(256);
  head.append(request.method).append(" ");
  if (target.empty() || target.front() != '/') head.append("/");
  head.append(target).append(" HTTP/1.1\r\nhost: ").append(origin->host).append("\r\n");
  for (const std::string& field : request.headers) head.append(field).append("\r\n");
  // A HEAD request carries no body; one is sent as given for every other method, its length
  // always said for the methods that expect one.
  if (request.method == "HEAD") {
    request.body.clear();
  } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
             request.method == "PATCH") {
    head.append("content-length: ").append(std::to_string(request.body.size())).append("\r\n");
  }
  head.append("\r\n");
  exchange->request = std::move(request);
  exchange->done = std::move(done);
  starting_.push_back(id);
  exchanges_.emplace(id, std::move(exchange));
  return true;
}

bool PlainExchanges::holds(uint64_t id) const {
  return exchanges_.count(id) != 0;
}

void PlainExchanges::cancel(uint64_t id) {
  cancelled_.push_back(id);
}

void PlainExchanges::resume(uint64_t id) {
  resumed_.push_back(id);
}

std::optional<std::chrono::steady_clock::time_point> PlainExchanges::next_due() const {
  if (!starting_.empty() || !cancelled_.empty() || !resumed_.empty()) return Clock::now();
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

void PlainExchanges::act() {
  std::vector<uint64_t> ids;
  ids.swap(starting_);
  for (uint64_t id : ids) {
    auto it = exchanges_.find(id);
    if (it != exchanges_.end() && it->second->attempts == 0) start(*it->second);
  }
  ids.clear();
  ids.swap(cancelled_);
  for (uint64_t id : ids) {
    auto it = exchanges_.find(id);
    if (it != exchanges_.end())
      end(*it->second, UpstreamReply::Failure::kCancelled, "the client left");
  }
  ids.clear();
  ids.swap(resumed_);
  for (uint64_t id : ids) {
    auto it = exchanges_.find(id);
    if (it == exchanges_.end() || !it->second->paused) continue;
    Exchange& exchange = *it->second;
    exchange.paused = false;
    watch(*exchange.connection, true, exchange.sent < exchange.total());
    go_on(exchange);
  }
  auto now = Clock::now();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto it = exchanges_.find(deadlines_.begin()->second);
    if (it == exchanges_.end()) {  // cannot be: an exchange takes its deadline along as it ends
      deadlines_.erase(deadlines_.begin());
      continue;
    }
    Exchange& exchange = *it->second;
    std::string why =
        exchange.streaming
            ? "max-stream-duration passed"
            : "no answer within " + std::to_string(exchange.request.timeout.count()) + " ms";
    if (exchange.connection != nullptr && exchange.connection->connecting)
      why = "no connection within " + std::to_string(exchange.request.connect_timeout.count()) +
            " ms";
    end(exchange, UpstreamReply::Failure::kTimeout, why);
  }
}

void PlainExchanges::set_deadline(Exchange& exchange, Clock::time_point deadline) {
  if (exchange.deadline) deadlines_.erase({*exchange.deadline, exchange.id});
  exchange.deadline = deadline;
  deadlines_.emplace(deadline, exchange.id);
}

// On a pooled connection when there is one (the most recently used: the least likely to have
// been closed by the upstream meanwhile), else on a new one.
void PlainExchanges::start(Exchange& exchange) {
  ++exchange.attempts;
  exchange.addresses = exchange.origin->addresses;
  exchange.tried = 0;
  exchange.reader.emplace(exchange.request.method == "HEAD");
  exchange.sent = 0;
  set_deadline(exchange, exchange.started + exchange.request.timeout);
  std::vector<int>& idle = exchange.origin->idle;
  if (idle.empty()) {
    connect(exchange);
    return;
  }
  Connection& connection = *connections_.at(idle.back());
  idle.pop_back();
  --idle_count_;
  connection.exchange = &exchange;
  exchange.connection = &connection;
  write(exchange);
}

// To the origin's addresses in turn, from the one the last connection was made to.
void PlainExchanges::connect(Exchange& exchange) {
  const NameResolver::Addresses& addresses = *exchange.addresses;
  const SocketAddress& address =
      addresses[(exchange.origin->preferred + exchange.tried) % addresses.size()];
  int socket =
      ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (socket < 0) {
    end(exchange, UpstreamReply::Failure::kBroken, "no socket: " + error_text(errno));
    return;
  }
  int on = 1;
  ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  auto connection = std::make_unique<Connection>();
  connection->socket = socket;
  connection->origin = exchange.origin;
  connection->exchange = &exchange;
  exchange.connection = connection.get();
  Connection& made = *connection;
  connections_.emplace(socket, std::move(connection));
  if (::connect(socket, address.get(), address.length) == 0) {
    connected(exchange);
    return;
  }
  if (errno != EINPROGRESS) {
    connect_failed(exchange, errno);
    return;
  }
  made.connecting = true;
  watch(made, false, true);
  set_deadline(exchange, std::min(exchange.started + exchange.request.timeout,
                                  Clock::now() + exchange.request.connect_timeout));
}

void PlainExchanges::connected(Exchange& exchange) {
  Origin& origin = *exchange.origin;
  if (exchange.addresses == origin.addresses)
    origin.preferred = (origin.preferred + exchange.tried) % exchange.addresses->size();
  exchange.connection->connecting = false;
  set_deadline(exchange, exchange.started + exchange.request.timeout);
  write(exchange);
}

// The next address when there is one left to try (nothing was sent), else a failure.
void PlainExchanges::connect_failed(Exchange& exchange, int error) {
  if (exchange.tried + 1 < exchange.addresses->size()) {
    ++exchange.tried;
    close(*exchange.connection);
    exchange.connection = nullptr;
    connect(exchange);
    return;
  }
  broke(exchange, UpstreamReply::Failure::kConnect, "cannot connect: " + error_text(error));
}

// The request's head and body in as few calls as the socket takes.
void PlainExchanges::write(Exchange& exchange) {
  Connection& connection = *exchange.connection;
  const std::string& body = exchange.request.body;
  while (exchange.sent < exchange.total()) {
    std::array<iovec, 2> parts{};
    size_t count = 0;
    if (exchange.sent < exchange.head.size()) {
      parts[count++] = {exchange.head.data() + exchange.sent, exchange.head.size() - exchange.sent};
      if (!body.empty()) parts[count++] = {const_cast<char*>(body.data()), body.size()};
    } else {
      size_t at = exchange.sent - exchange.head.size();
      parts[count++] = {const_cast<char*>(body.data()) + at, body.size() - at};
    }
    msghdr message{};
    message.msg_iov = parts.data();
    message.msg_iovlen = count;
    ssize_t written = ::sendmsg(connection.socket, &message, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      watch(connection, true, true);
      return;
    }
    if (written < 0) {
      connection.ended = true;
      connection.error = errno;
      go_on(exchange);
      return;
    }
    exchange.sent += static_cast<size_t>(written);
  }
  watch(connection, true, false);
}

bool PlainExchanges::socket_ready(int socket, bool in, bool out, bool error) {
  auto it = connections_.find(socket);
  if (it == connections_.end()) return false;
  Connection& connection = *it->second;
  if (connection.exchange == nullptr) {
    read_idle(connection);
    return true;
  }
  Exchange& exchange = *connection.exchange;
  if (connection.connecting) {
    if (!out && !error) return true;
    int failure = 0;
    socklen_t length = sizeof failure;
    ::getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &length);
    if (failure != 0)
      connect_failed(exchange, failure);
    else
      connected(exchange);
    return true;
  }
  if (exchange.paused) return true;
  if (out && exchange.sent < exchange.total()) {
    write(exchange);
    // Writing may have ended the exchange, or moved it to a new connection (which may have
    // been given the same number).
    auto again = connections_.find(socket);
    if (again == connections_.end() || again->second->exchange == nullptr ||
        again->second->connecting)
      return true;
  }
  if (in || error) read(*connections_.at(socket));
  return true;
}

// A pooled connection that turns readable was closed by its upstream (or sent what nobody
// asked for): it is let go.
void PlainExchanges::read_idle(Connection& connection) {
  char byte = 0;
  ssize_t got = ::recv(connection.socket, &byte, 1, 0);
  if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  std::vector<int>& idle = connection.origin->idle;
  auto it = std::find(idle.begin(), idle.end(), connection.socket);
  if (it != idle.end()) {
    idle.erase(it);
    --idle_count_;
  }
  close(connection);
}

void PlainExchanges::read(Connection& connection) {
  char buffer[kReadBytes];
  for (int reads = 0; reads < kReadsPerEvent; ++reads) {
    ssize_t got = ::recv(connection.socket, buffer, sizeof buffer, 0);
    if (got > 0) {
      connection.input.append(buffer, static_cast<size_t>(got));
      if (static_cast<size_t>(got) < sizeof buffer) break;
      continue;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    connection.ended = true;
    connection.error = got < 0 ? errno : 0;
    break;
  }
  go_on(*connection.exchange);
}

// Takes what has arrived of the answer: its head to on_head, its body to on_piece or to the
// reply; then what the end of the connection means, if it has ended.
void PlainExchanges::go_on(Exchange& exchange) {
  Connection& connection = *exchange.connection;
  AnswerReader& reader = *exchange.reader;
  for (;;) {
    if (exchange.paused) return;
    if (!exchange.piece.empty()) {
      bool taken = false;
      try {
        taken = exchange.request.on_piece(exchange.piece);
      } catch (const std::exception& e) {
        end(exchange, UpstreamReply::Failure::kBroken,
            std::string("a piece of a streamed answer was lost: ") + e.what());
        return;
      }
      if (!taken) {
        exchange.paused = true;
        watch(connection, false, false);
        return;
      }
      exchange.piece.clear();
    }
    if (reader.done()) {
      complete(exchange);
      return;
    }
    if (connection.input.empty()) break;
    size_t taken = reader.read(connection.input);
    connection.input.erase(0, taken);
    if (reader.failed()) {
      end(exchange, UpstreamReply::Failure::kBroken, reader.error());
      return;
    }
    if (reader.head_in() && !exchange.head_decided && !decide_head(exchange)) return;
    if (reader.body_waiting() > 0) {
      if (exchange.streaming) {
        exchange.piece = reader.take_body();
      } else if (exchange.reply.body.size() + reader.body_waiting() > max_answer_bytes_) {
        end(exchange, UpstreamReply::Failure::kBroken,
            "the answer is larger than " + std::to_string(max_answer_bytes_) + " bytes");
        return;
      } else {
        exchange.reply.body += reader.take_body();
      }
    }
    if (taken == 0 && exchange.piece.empty() && !reader.done()) break;
  }
  if (!connection.ended) return;
  // The upstream closed a pooled connection before this request reached it: once more on a
  // new connection, as nothing was done upstream.
  if (connection.carried_one && !reader.started()) {
    close(connection);
    exchange.connection = nullptr;
    exchange.reader.emplace(exchange.request.method == "HEAD");
    exchange.sent = 0;
    exchange.tried = 0;
    connect(exchange);
    return;
  }
  if (reader.read_end()) {
    go_on(exchange);  // the body so far is taken; the answer is complete
    return;
  }
  std::string why = reader.error();
  if (connection.error != 0) why += ": " + error_text(connection.error);
  end(exchange, UpstreamReply::Failure::kBroken, why);
}

// The final answer's head is in: on_head, when asked for, decides what becomes of the body.
// False when that ended the exchange.
bool PlainExchanges::decide_head(Exchange& exchange) {
  exchange.head_decided = true;
  UpstreamReply& reply = exchange.reply;
  reply.status = exchange.reader->status();
  reply.headers = exchange.reader->take_fields();
  if (!exchange.request.on_head) return true;
  HeadVerdict verdict = HeadVerdict::kAbort;
  try {
    verdict = exchange.request.on_head(reply);
  } catch (const std::exception& e) {
    end(exchange, UpstreamReply::Failure::kBroken,
        std::string("the answer's head could not be taken: ") + e.what());
    return false;
  }
  if (verdict == HeadVerdict::kAbort) {
    end(exchange, UpstreamReply::Failure::kCancelled, "the answer was refused at its head");
    return false;
  }
  if (verdict == HeadVerdict::kStream) {
    exchange.streaming = true;
    set_deadline(exchange, exchange.started + exchange.request.max_stream_duration);
  }
  return true;
}

void PlainExchanges::complete(Exchange& exchange) {
  Connection& connection = *exchange.connection;
  bool keep = exchange.reader->keep_alive() && connection.input.empty() && !connection.ended &&
              exchange.sent == exchange.total();
  exchange.connection = nullptr;
  release(connection, keep);
  UpstreamReply reply = std::move(exchange.reply);
  reply.streamed = exchange.streaming;
  if (reply.streamed) reply.body.clear();
  reply.duration = Clock::now() - exchange.started;
  UpstreamDone done = std::move(exchange.done);
  if (exchange.deadline) deadlines_.erase({*exchange.deadline, exchange.id});
  exchanges_.erase(exchange.id);
  done(std::move(reply));
}

// A connection failed: a new one for a request that may be repeated, when none could be made.
void PlainExchanges::broke(Exchange& exchange, UpstreamReply::Failure failure,
                           const std::string& why) {
  if (failure == UpstreamReply::Failure::kConnect && exchange.request.retry_on_connect_failure &&
      exchange.attempts < 2) {
    if (exchange.connection != nullptr) close(*exchange.connection);
    exchange.connection = nullptr;
    start(exchange);
    return;
  }
  end(exchange, failure, why);
}

void PlainExchanges::end(Exchange& exchange, UpstreamReply::Failure failure,
                         const std::string& why) {
  if (exchange.connection != nullptr) close(*exchange.connection);
  UpstreamReply reply;
  reply.failure = failure;
  reply.error = why;
  reply.streamed = exchange.streaming;
  if (exchange.streaming) reply.status = exchange.reply.status;
  reply.duration = Clock::now() - exchange.started;
  UpstreamDone done = std::move(exchange.done);
  if (exchange.deadline) deadlines_.erase({*exchange.deadline, exchange.id});
  exchanges_.erase(exchange.id);
  done(std::move(reply));
}

void PlainExchanges::release(Connection& connection, bool keep) {
  connection.exchange = nullptr;
  if (!keep || idle_count_ >= kMaxIdleConnections) {
    close(connection);
    return;
  }
  connection.carried_one = true;
  connection.origin->idle.push_back(connection.socket);
  ++idle_count_;
  watch(connection, true, false);
}

void PlainExchanges::close(Connection& connection) {
  int socket = connection.socket;
  if (connection.exchange != nullptr) connection.exchange->connection = nullptr;
  watcher_.closing(socket);
  ::close(socket);
  connections_.erase(socket);
}

void PlainExchanges::watch(Connection& connection, bool in, bool out) {
  if (connection.in == in && connection.out == out) return;
  connection.in = in;
  connection.out = out;
  watcher_.watch(connection.socket, in, out);
}

}  // namespace apiserver::gateway
