// Upstream exchanges on a curl multi handle driven by its owner (see exchanges.hpp).
#include "gateway/exchanges.hpp"

#include <curl/curl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "gateway/plain_exchanges.hpp"
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
// Idle connections kept open, over every upstream of the loop: as many as one upstream takes
// requests at once by default (max-in-flight). A connection the upstream closes meanwhile
// stays open on this side until the loop's next exchange lets curl see it.
constexpr long kMaxIdleConnections = 256;

}  // namespace

// One exchange: the request, what has arrived of the answer, and who waits for it.
struct Exchanges::Exchange {
  uint64_t id = 0;
  UpstreamRequest request;
  UpstreamDone done;
  UpstreamReply reply;
  size_t max_answer_bytes = 0;
  bool too_large = false;
  bool head_decided = false;   // on_head was asked
  bool streaming = false;      // its body goes to on_piece
  bool aborted = false;        // on_head ended it
  bool head_failed = false;    // on_head threw: the answer could not be taken
  bool final_head_in = false;  // what comes to on_header after it is a chunked body's trailer
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
    // Trailer fields are not the answer's fields: they are dropped.
    if (exchange->final_head_in) return bytes;
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
    if (status >= 200) final_head_in = true;
    if (status < 200 || head_decided || !request.on_head) return true;
    head_decided = true;
    reply.status = static_cast<int>(status);
    HeadVerdict verdict = HeadVerdict::kAbort;
    try {
      verdict = request.on_head(reply);
    } catch (const std::exception& e) {
      spdlog::error("forwarding: an upstream answer's head could not be taken: {}", e.what());
      head_failed = true;
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
    if (request.ca_certificates != nullptr) {
      curl_blob certificates{const_cast<char*>(request.ca_certificates->data()),
                             request.ca_certificates->size(), CURL_BLOB_COPY};
      curl_easy_setopt(easy, CURLOPT_CAINFO_BLOB, &certificates);
    }
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
    // With a body curl would send a POST: any other method is named (a GET that came with a
    // body stays a GET; its checks were made for one).
    if (request.method != "HEAD" && request.method != "POST")
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

Exchanges::Exchanges(SocketWatcher& watcher, size_t max_answer_bytes)
    : watcher_(watcher),
      max_answer_bytes_(max_answer_bytes),
      plain_(std::make_unique<PlainExchanges>(watcher, NameResolver::shared(), max_answer_bytes)) {
  global_init();
  multi_ = curl_multi_init();
  if (multi_ == nullptr) throw std::runtime_error("the upstream client cannot be set up");
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Exchanges::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Exchanges::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Left at its default, curl keeps four idle connections per exchange under way at the moment
  // one ends: under a steady load, fewer than were just in use, so it closes and reopens
  // upstream connections all the time.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, kMaxIdleConnections);
}

Exchanges::~Exchanges() {
  plain_.reset();
  for (auto& exchange : queued_) {
    exchange->reply.failure = UpstreamReply::Failure::kShutdown;
    exchange->reply.error = "the server stopped";
    exchange->done(std::move(exchange->reply));
  }
  while (!running_.empty())
    end(running_.begin()->first, UpstreamReply::Failure::kShutdown, "the server stopped");
  for (CURL* easy : idle_handles_) curl_easy_cleanup(easy);
  curl_multi_cleanup(multi_);  // closes the pooled connections; their sockets are let go
}

// curl tells which sockets to watch, and for what.
int Exchanges::on_socket(CURL* /*easy*/, curl_socket_t socket, int what, void* self,
                         void* /*known*/) {
  auto* exchanges = static_cast<Exchanges*>(self);
  bool in = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
  bool out = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
  exchanges->watcher_.watch(socket, in, out);
  return 0;
}

// curl closes a socket: its number may come back at once as a new socket, which the watcher must
// not take for the old one.
int Exchanges::on_close(void* self, curl_socket_t socket) {
  static_cast<Exchanges*>(self)->watcher_.closing(socket);
  return ::close(socket);
}

int Exchanges::on_timer(CURLM* /*multi*/, long timeout_ms, void* self) {
  auto* exchanges = static_cast<Exchanges*>(self);
  if (timeout_ms < 0) {
    exchanges->curl_due_.reset();
  } else {
    exchanges->curl_due_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

uint64_t Exchanges::send(UpstreamRequest request, UpstreamDone done,
                         std::atomic<uint64_t>* id_out) {
  uint64_t id = ++next_id_;
  if (id_out != nullptr) id_out->store(id);
  if (plain_->send(id, request, done)) return id;
  auto exchange = std::make_unique<Exchange>();
  exchange->request = std::move(request);
  exchange->done = std::move(done);
  exchange->max_answer_bytes = max_answer_bytes_;
  exchange->id = id;
  queued_.push_back(std::move(exchange));
  return id;
}

void Exchanges::cancel(uint64_t id) {
  if (plain_->holds(id)) {
    plain_->cancel(id);
  } else {
    cancelled_.push_back(id);
  }
}

void Exchanges::resume(uint64_t id) {
  if (plain_->holds(id)) {
    plain_->resume(id);
  } else {
    resumed_.push_back(id);
  }
}

std::optional<std::chrono::steady_clock::time_point> Exchanges::next_due() const {
  if (!queued_.empty() || !cancelled_.empty() || !resumed_.empty())
    return std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> due = plain_->next_due();
  if (curl_due_ && (!due || *curl_due_ < *due)) due = curl_due_;
  if (!deadlines_.empty() && (!due || deadlines_.begin()->first < *due))
    due = deadlines_.begin()->first;
  return due;
}

void Exchanges::socket_ready(int socket, bool in, bool out, bool error) {
  if (plain_->socket_ready(socket, in, out, error)) return;
  int mask =
      (in ? CURL_CSELECT_IN : 0) | (out ? CURL_CSELECT_OUT : 0) | (error ? CURL_CSELECT_ERR : 0);
  int running = 0;
  curl_multi_socket_action(multi_, socket, mask, &running);
  finish_completed();
}

void Exchanges::act() {
  plain_->act();
  std::vector<std::unique_ptr<Exchange>> starting;
  starting.swap(queued_);
  for (auto& exchange : starting) start(std::move(exchange));
  std::vector<uint64_t> ids;
  ids.swap(cancelled_);
  for (uint64_t id : ids) end(id, UpstreamReply::Failure::kCancelled, "the client left");
  ids.clear();
  ids.swap(resumed_);
  for (uint64_t id : ids) {
    auto it = running_.find(id);
    if (it != running_.end()) curl_easy_pause(it->second->easy, CURLPAUSE_CONT);
  }
  // curl asks for "at once" (0 ms) when a transfer is added; a few turns settle it.
  for (int turn = 0; turn < 4 && curl_due_ && *curl_due_ <= std::chrono::steady_clock::now();
       ++turn) {
    curl_due_.reset();
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    finish_completed();
  }
  end_overdue();
}

void Exchanges::finish_completed() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
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
}

void Exchanges::end(uint64_t id, UpstreamReply::Failure failure, const char* why) {
  auto it = running_.find(id);
  if (it == running_.end()) return;  // done already
  std::unique_ptr<Exchange> exchange(it->second);
  running_.erase(it);
  deadlines_.erase({exchange->deadline, id});
  curl_multi_remove_handle(multi_, exchange->easy);
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
void Exchanges::end_overdue() {
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

void Exchanges::start(std::unique_ptr<Exchange> exchange) {
  try {
    ++exchange->attempts;
    if (exchange->easy == nullptr) {
      CURL* reused = nullptr;
      if (!idle_handles_.empty()) {
        reused = idle_handles_.back();
        idle_handles_.pop_back();
      }
      exchange->prepare(reused);
      curl_easy_setopt(exchange->easy, CURLOPT_CLOSESOCKETFUNCTION, &Exchanges::on_close);
      curl_easy_setopt(exchange->easy, CURLOPT_CLOSESOCKETDATA, this);
    }
    CURLMcode code = curl_multi_add_handle(multi_, exchange->easy);
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

void Exchanges::finished(Exchange* raw, int result) {
  curl_multi_remove_handle(multi_, raw->easy);
  running_.erase(raw->id);
  deadlines_.erase({raw->deadline, raw->id});
  std::unique_ptr<Exchange> exchange(raw);
  auto code = static_cast<CURLcode>(result);
  UpstreamReply& reply = exchange->reply;
  reply.failure = exchange->head_failed ? UpstreamReply::Failure::kBroken
                  : exchange->aborted   ? UpstreamReply::Failure::kCancelled
                                        : failure_of(code);
  reply.streamed = exchange->streaming;
  if (reply.failure == UpstreamReply::Failure::kConnect &&
      exchange->request.retry_on_connect_failure && exchange->attempts < 2) {
    reply = UpstreamReply();
    start(std::move(exchange));
    return;
  }
  if (exchange->head_failed) {
    reply.error = "the answer's head could not be taken";
  } else if (exchange->too_large) {
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

}  // namespace apiserver::gateway
