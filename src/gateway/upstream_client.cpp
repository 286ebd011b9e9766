// One thread drives every upstream exchange through a curl multi handle (see upstream_client.hpp).
#include "gateway/upstream_client.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "gateway/socket_multi.hpp"
#include "text/header_values.hpp"

namespace apiserver::gateway {
namespace {

void global_init() {
  // curl_global_init is not thread-safe in every libcurl Debian ships: once, before any use.
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw std::runtime_error("libcurl could not be initialised");
}

UpstreamReply::Failure failure_of(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return UpstreamReply::Failure::kNone;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
      return UpstreamReply::Failure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return UpstreamReply::Failure::kTimeout;
    default:
      return UpstreamReply::Failure::kBroken;
  }
}

// Handles kept for reuse between exchanges: about the most exchanges in flight at once.
constexpr size_t kMaxIdleHandles = 512;

}  // namespace

struct UpstreamClient::Multi : SocketMulti {
  CURLM* handle = SocketMulti::handle();
};

// One exchange: the request, what has arrived of the answer, and who waits for it.
struct UpstreamClient::Exchange {
  uint64_t id = 0;
  UpstreamRequest request;
  UpstreamDone done;
  UpstreamReply reply;
  size_t max_answer_bytes = 0;
  bool too_large = false;
  bool head_decided = false;  // on_head was asked
  bool streaming = false;     // its body goes to on_piece
  bool aborted = false;       // on_head ended it
  int attempts = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  // When it must be over (in the client's deadlines_, when on_head is set): its head, or its
  // held answer, within `timeout`; a streamed one within max_stream_duration.
  std::chrono::steady_clock::time_point deadline{};
  Deadlines* deadlines = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;

  ~Exchange() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
  }

  static size_t on_body(char* data, size_t size, size_t count, void* self) {
    auto* exchange = static_cast<Exchange*>(self);
    size_t bytes = size * count;
    if (exchange->streaming) {
      try {
        return exchange->request.on_piece(std::string_view(data, bytes)) ? bytes
                                                                         : CURL_WRITEFUNC_PAUSE;
      } catch (const std::exception& e) {
        spdlog::error("forwarding: a piece of a streamed answer was lost: {}", e.what());
        return 0;
      }
    }
    if (exchange->reply.body.size() + bytes > exchange->max_answer_bytes) {
      exchange->too_large = true;
      return 0;  // curl ends the exchange with CURLE_WRITE_ERROR
    }
    exchange->reply.body.append(data, bytes);
    return bytes;
  }

  // Header lines arrive one at a time, the status line of each answer first (a 100 Continue
  // comes before the final one): only the last answer's fields are kept.
  static size_t on_header(char* data, size_t size, size_t count, void* self) {
    auto* exchange = static_cast<Exchange*>(self);
    size_t bytes = size * count;
    std::string_view line(data, bytes);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty()) return exchange->head_in() ? bytes : 0;
    if (line.rfind("HTTP/", 0) == 0) {
      exchange->reply.headers.clear();
      return bytes;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bytes;
    std::string name = text::ascii_lower(line.substr(0, colon));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    exchange->reply.headers.emplace_back(std::move(name), std::string(value));
    return bytes;
  }

  // The blank line that ends a head: the final answer's (not a 1xx) is shown to on_head.
  // False ends the exchange.
  bool head_in() {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || head_decided || !request.on_head) return true;
    head_decided = true;
    reply.status = static_cast<int>(status);
    HeadVerdict verdict = HeadVerdict::kAbort;
    try {
      verdict = request.on_head(reply);
    } catch (const std::exception& e) {
      spdlog::error("forwarding: an upstream answer's head could not be taken: {}", e.what());
    }
    streaming = verdict == HeadVerdict::kStream;
    aborted = verdict == HeadVerdict::kAbort;
    if (streaming && deadlines != nullptr) {
      deadlines->erase({deadline, id});
      deadline = started + request.max_stream_duration;
      deadlines->emplace(deadline, id);
    }
    return !aborted;
  }

  // Sets up `easy` for the request, on `reused` (a handle an earlier exchange left, reset)
  // when there is one. The body is sent as given, whatever the method.
  void prepare(CURL* reused) {
    if (reused != nullptr) curl_easy_reset(reused);
    easy = reused != nullptr ? reused : curl_easy_init();
    if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
    curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    // The upstream is called directly: http_proxy and its kin in the environment are not read
    // (they would reroute every forwarded request, and cost a lookup each).
    curl_easy_setopt(easy, CURLOPT_PROXY, "");
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    // The path goes as the router matched it: curl would otherwise remove dot segments.
    curl_easy_setopt(easy, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    // An answer that may stream may last longer than `timeout`: curl's bound is the longer of
    // the two, and deadlines_ holds the one that applies.
    std::chrono::milliseconds whole =
        request.on_head ? std::max(request.timeout, request.max_stream_duration) : request.timeout;
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(whole.count()));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Exchange::on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Exchange::on_header);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    if (request.method == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
               request.method == "PATCH") {
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
    }
    if (request.method != "GET" && request.method != "HEAD" && request.method != "POST")
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    for (const std::string& header : request.headers)
      headers = curl_slist_append(headers, header.c_str());
    // Nothing curl would add on its own: no Expect (an extra round trip), no default Accept
    // or Content-Type (the caller's, or none, are forwarded).
    for (const char* removed : {"Expect:", "Accept:", "Content-Type:"}) {
      std::string_view name(removed, std::char_traits<char>::length(removed) - 1);
      bool given = std::any_of(request.headers.begin(), request.headers.end(), [&](auto& h) {
        return h.size() > name.size() && h[name.size()] == ':' &&
               text::ascii_iequals(std::string_view(h).substr(0, name.size()), name);
      });
      if (!given) headers = curl_slist_append(headers, removed);
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  }
};

UpstreamClient::UpstreamClient(size_t max_answer_bytes)
    : max_answer_bytes_(max_answer_bytes), multi_(std::make_unique<Multi>()) {
  global_init();
}

UpstreamClient::~UpstreamClient() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  multi_->wake();
  if (thread_.joinable()) thread_.join();
  // Exchanges submitted after the thread stopped (or with no thread) get their answer here.
  for (auto& exchange : submitted_) {
    exchange->reply.failure = UpstreamReply::Failure::kShutdown;
    exchange->reply.error = "the server stopped";
    exchange->done(std::move(exchange->reply));
  }
}

uint64_t UpstreamClient::send(UpstreamRequest request, UpstreamDone done,
                              std::atomic<uint64_t>* id_out) {
  auto exchange = std::make_unique<Exchange>();
  exchange->request = std::move(request);
  exchange->done = std::move(done);
  exchange->max_answer_bytes = max_answer_bytes_;
  bool wake = false;
  uint64_t id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The thread takes every submitted exchange when it wakes: one wake-up for them all.
    wake = submitted_.empty() && cancelled_.empty() && resumed_.empty();
    exchange->id = ++next_id_;
    id = exchange->id;
    if (id_out != nullptr) id_out->store(id);
    submitted_.push_back(std::move(exchange));
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
  }
  if (wake) multi_->wake();
  return id;
}

void UpstreamClient::cancel(uint64_t id) {
  queue(cancelled_, id);
}

void UpstreamClient::resume(uint64_t id) {
  queue(resumed_, id);
}

void UpstreamClient::queue(std::vector<uint64_t>& list, uint64_t id) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake = submitted_.empty() && cancelled_.empty() && resumed_.empty();
    list.push_back(id);
  }
  if (wake) multi_->wake();
}

void UpstreamClient::end(uint64_t id, UpstreamReply::Failure failure, const char* why) {
  auto it = running_.find(id);
  if (it == running_.end()) return;  // done already
  std::unique_ptr<Exchange> exchange(it->second);
  running_.erase(it);
  deadlines_.erase({exchange->deadline, id});
  curl_multi_remove_handle(multi_->handle, exchange->easy);
  int status = exchange->reply.status;
  exchange->reply = UpstreamReply();
  exchange->reply.failure = failure;
  exchange->reply.error = why;
  exchange->reply.streamed = exchange->streaming;
  if (exchange->streaming) exchange->reply.status = status;
  exchange->reply.duration = std::chrono::steady_clock::now() - exchange->started;
  exchange->done(std::move(exchange->reply));
}

// Exchanges past their deadline end as timed out (a streamed one is cut).
void UpstreamClient::end_overdue() {
  auto now = std::chrono::steady_clock::now();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    uint64_t id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = running_.find(id);
    if (it == running_.end()) continue;
    end(id, UpstreamReply::Failure::kTimeout,
        it->second->streaming ? "max-stream-duration passed" : "Timeout was reached");
  }
}

int UpstreamClient::poll_wait_ms() const {
  constexpr int kIdleWaitMs = 1000;
  if (deadlines_.empty()) return kIdleWaitMs;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadlines_.begin()->first - std::chrono::steady_clock::now())
                  .count();
  return static_cast<int>(std::clamp<int64_t>(wait + 1, 0, kIdleWaitMs));
}

void UpstreamClient::start(std::unique_ptr<Exchange> exchange) {
  try {
    ++exchange->attempts;
    if (exchange->easy == nullptr) {
      CURL* reused = nullptr;
      if (!idle_handles_.empty()) {
        reused = idle_handles_.back();
        idle_handles_.pop_back();
      }
      exchange->prepare(reused);
    }
    CURLMcode code = curl_multi_add_handle(multi_->handle, exchange->easy);
    if (code != CURLM_OK) throw std::runtime_error(curl_multi_strerror(code));
    if (exchange->request.on_head) {
      exchange->deadline = exchange->started + exchange->request.timeout;
      exchange->deadlines = &deadlines_;
      deadlines_.emplace(exchange->deadline, exchange->id);
    }
    Exchange* raw = exchange.release();  // owned by running_ until it ends
    running_.emplace(raw->id, raw);
  } catch (const std::exception& e) {
    exchange->reply.failure = UpstreamReply::Failure::kBroken;
    exchange->reply.error = e.what();
    exchange->done(std::move(exchange->reply));
  }
}

void UpstreamClient::finished(Exchange* raw, int result) {
  curl_multi_remove_handle(multi_->handle, raw->easy);
  running_.erase(raw->id);
  deadlines_.erase({raw->deadline, raw->id});
  std::unique_ptr<Exchange> exchange(raw);
  auto code = static_cast<CURLcode>(result);
  UpstreamReply& reply = exchange->reply;
  reply.failure = exchange->aborted ? UpstreamReply::Failure::kCancelled : failure_of(code);
  reply.streamed = exchange->streaming;
  if (reply.failure == UpstreamReply::Failure::kConnect &&
      exchange->request.retry_on_connect_failure && exchange->attempts < 2) {
    reply = UpstreamReply();
    start(std::move(exchange));
    return;
  }
  if (exchange->too_large) {
    reply.error = "the answer is larger than " + std::to_string(max_answer_bytes_) + " bytes";
  } else if (reply.failure != UpstreamReply::Failure::kNone) {
    reply.error = curl_easy_strerror(code);
  }
  long status = 0;
  curl_easy_getinfo(exchange->easy, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  // The handle keeps its buffers and caches for the next exchange.
  if (idle_handles_.size() < kMaxIdleHandles) {
    idle_handles_.push_back(exchange->easy);
    exchange->easy = nullptr;
  }
  if (reply.failure == UpstreamReply::Failure::kNone && !reply.streamed &&
      (status < 100 || status > 999)) {
    reply.failure = UpstreamReply::Failure::kBroken;
    reply.error = "the answer has no valid status";
  }
  reply.duration = std::chrono::steady_clock::now() - exchange->started;
  exchange->done(std::move(reply));
}

void UpstreamClient::run() {
  for (;;) {
    std::vector<std::unique_ptr<Exchange>> arrived;
    std::vector<uint64_t> cancelled;
    std::vector<uint64_t> resumed;
    bool stopping = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      arrived.swap(submitted_);
      cancelled.swap(cancelled_);
      resumed.swap(resumed_);
      stopping = stopping_;
    }
    if (stopping) {
      std::lock_guard<std::mutex> lock(mutex_);
      submitted_.swap(arrived);  // answered by the destructor, with those still running
      break;
    }
    for (auto& exchange : arrived) start(std::move(exchange));
    for (uint64_t id : cancelled) end(id, UpstreamReply::Failure::kCancelled, "the client left");
    for (uint64_t id : resumed) {
      auto it = running_.find(id);
      if (it != running_.end()) curl_easy_pause(it->second->easy, CURLPAUSE_CONT);
    }
    multi_->act(poll_wait_ms());
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_->handle, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      Exchange* exchange = nullptr;
      curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &exchange);
      CURLcode result = message->data.result;
      try {
        finished(exchange, result);
      } catch (const std::exception& e) {
        spdlog::error("forwarding: an upstream answer could not be delivered: {}", e.what());
      }
    }
    end_overdue();
  }
  // Stopping: the exchanges under way end unanswered by their upstream.
  while (!running_.empty())
    end(running_.begin()->first, UpstreamReply::Failure::kShutdown, "the server stopped");
  for (CURL* easy : idle_handles_) curl_easy_cleanup(easy);
  idle_handles_.clear();
}

}  // namespace apiserver::gateway
