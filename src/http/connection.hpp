// One client connection as the server's pieces see it: the event loop that reads and answers
// it (connection_handler), the reaper of stalled and idle connections (reaper) and the drain
// at shutdown (drain). The Registry lists the connections of every event loop.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/delayed_writes.hpp"
#include "http/loop_inbox.hpp"
#include "http/request_parser.hpp"

namespace Pistache::Tcp {
class Peer;
}

namespace apiserver::http {

// The steady clock in milliseconds: the unit of every deadline and due time.
inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// How long a connection we are closing may keep sending before it is cut.
inline constexpr int64_t kLingerMs = 2'000;

// Where a connection is between requests: kHead and kBody have a request partly read;
// kAnswering has one read whose answer comes later (answer_later.hpp).
enum class Phase : uint8_t { kIdle, kHead, kBody, kAnswering, kClosing };

// How to write the answer of the request a connection is answering later.
struct AnswerForm {
  bool head = false;  // a HEAD request: no body
  bool keep_alive = true;
  const char* connection_header = "";
  bool chunked = false;    // an HTTP/1.1 client: a streamed body is sent in chunks
  bool streaming = false;  // a streamed answer's head is out; its body is on its way
};

// State of one client connection. Owned by the handler of the event loop that serves it; the
// reaper reads `phase` and `deadline_ms` under the registry lock.
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
  std::atomic<int64_t> deadline_ms{0};  // 0: none (the reaper has ended the connection)
  // Writes handed to Pistache's queue and not yet completed; while any is in
  // flight, later bytes must queue behind it. Atomic: a draining server reads it.
  std::shared_ptr<std::atomic<int>> queued_writes = std::make_shared<std::atomic<int>>(0);
  // Set when the connection is to be half-closed once the queued writes are out.
  std::shared_ptr<std::atomic<bool>> close_when_written =
      std::make_shared<std::atomic<bool>>(false);
  DelayedWrites delayed;
  AnswerForm answering;  // while kAnswering
  // Answer slots taken on this connection: an answer that arrives names the slot it fills, so
  // it can never be taken for the answer of a later request.
  uint64_t slots_taken = 0;
  // The slot of the answer being waited for, told when the connection closes first.
  std::weak_ptr<ConnectionAnswer> pending;
  // Held by the event loop while it works on this connection, and by a draining server while
  // it decides to close it: a request is then either answered whole or never read.
  std::mutex work;
  bool drained = false;  // closed by the drain; guarded by `work`
  // The client has sent all it will (a half-close): once its complete requests are answered,
  // the connection closes. Guarded by `work`.
  bool input_ended = false;
};

// Connections of every event loop, for the reaper and the drain. A connection leaves it in
// onDisconnection, which Pistache calls before closing the descriptor, so an fd found here
// under the lock is still this connection's.
struct Registry {
  std::mutex mutex;
  std::unordered_map<int, Connection*> connections;
};

}  // namespace apiserver::http
