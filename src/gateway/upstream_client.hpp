// An HTTP client for upstreams: every exchange of the process runs on one thread of its own
// through libcurl's multi interface, which keeps the connections to each upstream alive
// between exchanges. Callers on the event loops hand it a request and a completion and return
// at once; the completion runs on the client's thread when the answer (or the failure) is in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace apiserver::gateway {

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
      headers;  // of the final answer, names lower-case
  std::string body;
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
  // nothing. Returns the exchange's number, for cancel().
  uint64_t send(UpstreamRequest request, UpstreamDone done);
  // Ends exchange `id` if it is still under way: its connection is closed and `done` runs with
  // kCancelled. From any thread; nothing happens for an exchange already done.
  void cancel(uint64_t id);

 private:
  struct Exchange;
  struct Multi;

  void run();
  void start(std::unique_ptr<Exchange> exchange);
  void finished(Exchange* exchange, int result);
  void end_cancelled(const std::vector<uint64_t>& ids);

  const size_t max_answer_bytes_;
  std::unique_ptr<Multi> multi_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Exchange>> submitted_;  // guarded by mutex_
  std::vector<uint64_t> cancelled_;                   // guarded by mutex_
  uint64_t next_id_ = 0;                              // guarded by mutex_
  bool stopping_ = false;                             // guarded by mutex_
  std::thread thread_;                                // started by the first send()
  std::unordered_map<uint64_t, Exchange*> running_;   // the thread's own: in the multi handle
  std::vector<void*> idle_handles_;                   // the thread's own: CURL* to reuse
};

}  // namespace apiserver::gateway
