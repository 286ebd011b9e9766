// An HTTP client for upstreams: every exchange of the process runs on one thread of its own
// through libcurl's multi interface, which keeps the connections to each upstream alive
// between exchanges. Callers on the event loops hand it a request and a completion and return
// at once; the completion runs on the client's thread when the answer (or the failure) is in.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace apiserver::gateway {

struct UpstreamReply;

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
  // Streaming. Set: asked on the client's thread once the final answer's head is in (the
  // reply holds its status and fields, no body). `timeout` then bounds the wait for the head
  // and, for a held answer, the whole exchange; a streamed one may last `max_stream_duration`.
  std::function<HeadVerdict(const UpstreamReply&)> on_head;
  // A piece of a streamed body, on the client's thread. False when it cannot be taken now: the
  // exchange pauses until resume(), and the same piece is given again then.
  std::function<bool(std::string_view)> on_piece;
  std::chrono::milliseconds max_stream_duration{0};
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

class UpstreamClient {
 public:
  // `max_answer_bytes`: a larger answer is a kBroken failure rather than a memory hazard.
  explicit UpstreamClient(size_t max_answer_bytes = 64 * 1024 * 1024);
  // Stops the thread: exchanges under way are dropped and answered kShutdown.
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // Starts `request`; `done` runs once, on the client's thread, never inside send(). From any
  // thread. The thread starts with the first exchange: a document that forwards nothing costs
  // nothing. Returns the exchange's number, for cancel() and resume(); also stored in `id`
  // (when given) before the exchange can start, for the request's own callbacks.
  uint64_t send(UpstreamRequest request, UpstreamDone done, std::atomic<uint64_t>* id = nullptr);
  // Ends exchange `id` if it is still under way: its connection is closed and `done` runs with
  // kCancelled. From any thread; nothing happens for an exchange already done.
  void cancel(uint64_t id);
  // Lets exchange `id`, paused by its on_piece, go on. From any thread.
  void resume(uint64_t id);

 private:
  struct Exchange;
  struct Multi;
  using Deadlines = std::set<std::pair<std::chrono::steady_clock::time_point, uint64_t>>;

  void run();
  void start(std::unique_ptr<Exchange> exchange);
  void finished(Exchange* exchange, int result);
  void end(uint64_t id, UpstreamReply::Failure failure, const char* why);
  void end_overdue();
  int poll_wait_ms() const;
  void queue(std::vector<uint64_t>& list, uint64_t id);

  const size_t max_answer_bytes_;
  std::unique_ptr<Multi> multi_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Exchange>> submitted_;  // guarded by mutex_
  std::vector<uint64_t> cancelled_;                   // guarded by mutex_
  std::vector<uint64_t> resumed_;                     // guarded by mutex_
  uint64_t next_id_ = 0;                              // guarded by mutex_
  bool stopping_ = false;                             // guarded by mutex_
  std::thread thread_;                                // started by the first send()
  std::unordered_map<uint64_t, Exchange*> running_;   // the thread's own: in the multi handle
  std::vector<void*> idle_handles_;                   // the thread's own: CURL* to reuse
  // The thread's own: when the exchanges that may stream must be over (Exchange::deadline).
  Deadlines deadlines_;
};

}  // namespace apiserver::gateway
