// The upstream exchanges of one thread, on sockets that thread watches (an event loop of the
// server: pipeline/loop_upstreams.hpp). Every call is made on that thread. The connections to
// each upstream stay alive between exchanges. Plain HTTP goes through PlainExchanges (to an
// address, given or resolved); everything else (TLS, a name not resolved yet) through a curl
// multi handle.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/socket_watcher.hpp"

namespace apiserver::gateway {

struct UpstreamReply;
class PlainExchanges;

// What to do with an answer whose head (status and fields) is in.
enum class HeadVerdict {
  kHold,    // keep the body, and give the whole answer to `done`
  kStream,  // give the body to `on_piece` as it arrives
  kAbort,   // end the exchange now (the caller has answered already)
};

struct UpstreamRequest {
  std::string method;
  std::string url;                   // absolute, path and query as they are to be sent
  std::vector<std::string> headers;  // "Name: value", end to end
  std::string body;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds timeout{30000};  // the whole exchange
  // One more attempt when the connection could not be made (nothing was sent): for methods
  // that may be repeated.
  bool retry_on_connect_failure = false;
  // Streaming. Set: asked on the exchanges' thread once the final answer's head is in (the
  // reply holds its status and fields, no body). `timeout` then bounds the wait for the head
  // and, for a held answer, the whole exchange; a streamed one may last `max_stream_duration`.
  std::function<HeadVerdict(const UpstreamReply&)> on_head;
  // A piece of a streamed body, on the exchanges' thread. False when it cannot be taken now: the
  // exchange pauses until resume(), and the same piece is given again then.
  std::function<bool(std::string_view)> on_piece;
  std::chrono::milliseconds max_stream_duration{0};
  // PEM certificates an https upstream's certificate must chain to; none: the system's.
  std::shared_ptr<const std::string> ca_certificates;
};

struct UpstreamReply {
  enum class Failure {
    kNone,
    kConnect,    // no connection (refused, unreachable, name not found): nothing was sent
    kTimeout,    // connect-timeout or timeout passed
    kBroken,     // the connection failed mid-way, or the answer is not HTTP or too large
    kShutdown,   // the server stopped before the answer came
    kCancelled,  // cancel(): the client that asked has gone
  };
  Failure failure = Failure::kNone;
  std::string error;  // what failed, for the log
  int status = 0;
  std::vector<std::pair<std::string, std::string>>
      headers;            // of the final answer, names lower-case
  std::string body;       // empty when streamed
  bool streamed = false;  // the body went to on_piece; a failure then cut it
  std::chrono::nanoseconds duration{0};
};

using UpstreamDone = std::function<void(UpstreamReply)>;

class Exchanges {
 public:
  // `max_answer_bytes`: a larger answer is a kBroken failure rather than a memory hazard.
  Exchanges(SocketWatcher& watcher, size_t max_answer_bytes);
  // Exchanges under way end unanswered by their upstream: kShutdown.
  ~Exchanges();
  Exchanges(const Exchanges&) = delete;
  Exchanges& operator=(const Exchanges&) = delete;

  // Queues `request`; it starts at the next act(), and `done` runs once, from socket_ready()
  // or act(), never inside send(). Returns the exchange's number, for cancel() and resume();
  // also stored in `id` (when given) before the exchange can start.
  uint64_t send(UpstreamRequest request, UpstreamDone done, std::atomic<uint64_t>* id = nullptr);
  // Ends exchange `id` at the next act() if it is still under way: its connection is closed
  // and `done` runs with kCancelled. Nothing happens for an exchange already done.
  void cancel(uint64_t id);
  // Lets exchange `id`, paused by its on_piece, go on at the next act().
  void resume(uint64_t id);
  // Gives curl a watched socket that is ready, and finishes what it completed.
  void socket_ready(int socket, bool in, bool out, bool error);
  // Does what is due: starts what was sent, cancels and resumes, curl's timer, deadlines.
  void act();
  // When act() must run next; none while nothing waits on time.
  std::optional<std::chrono::steady_clock::time_point> next_due() const;

 private:
  struct Exchange;
  using Deadlines = std::set<std::pair<std::chrono::steady_clock::time_point, uint64_t>>;

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* self, void* known);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);
  static int on_close(void* self, curl_socket_t socket);
  void start(std::unique_ptr<Exchange> exchange);
  void finish_completed();
  void finished(Exchange* exchange, int result);
  void end(uint64_t id, UpstreamReply::Failure failure, const char* why);
  void end_overdue();

  SocketWatcher& watcher_;
  const size_t max_answer_bytes_;
  std::unique_ptr<PlainExchanges> plain_;
  CURLM* multi_ = nullptr;
  uint64_t next_id_ = 0;
  std::vector<std::unique_ptr<Exchange>> queued_;  // sent, to start at the next act()
  std::vector<uint64_t> cancelled_;
  std::vector<uint64_t> resumed_;
  std::unordered_map<uint64_t, Exchange*> running_;  // in the multi handle
  std::vector<CURL*> idle_handles_;                  // to reuse
  // When the exchanges that may stream must be over (Exchange::deadline).
  Deadlines deadlines_;
  std::optional<std::chrono::steady_clock::time_point> curl_due_;  // curl's timer
};

}  // namespace apiserver::gateway
