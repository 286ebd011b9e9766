#include "ops/service.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>

#include "ratelimit/client_address.hpp"
#include "store/secure_random.hpp"
#include "text/json_escape.hpp"

namespace apiserver::ops {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

// `path` is `base` followed by `suffix` (without building that string per request).
bool is_base_and_suffix(std::string_view path, std::string_view base, std::string_view suffix) {
  return path.size() == base.size() + suffix.size() && path.substr(0, base.size()) == base &&
         path.substr(base.size()) == suffix;
}

// A client's X-Request-Id is kept when it is short and plain (it ends up in logs).
bool acceptable_request_id(const std::string& id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
        c != ':')
      return false;
  }
  return true;
}

// 128 bits from the cryptographic generator: a request id must not let one client guess
// another's (they name requests in logs and in support conversations).
std::string new_request_id() {
  return store::secure_random_hex(16);
}

// Appends the current UTC time with milliseconds, as RFC 3339 ("2026-01-02T03:04:05.678Z").
// The part up to the seconds is formatted once per second per thread.
void append_utc_now(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[24];  // "2026-01-02T03:04:05."
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  if (seconds != cached_second) {
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S.", &tm);
    cached_second = seconds;
  }
  int millis = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  out += cached;
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  out += 'Z';
}

// The document's info.title, if it has one.
std::string document_title(const spec::Document& document) {
  const spec::Json& root = document.main().root();
  auto info = root.find("info");
  if (info == root.end() || !info->is_object()) return "";
  auto title = info->find("title");
  return title != info->end() && title->is_string() ? title->get<std::string>() : "";
}

// What /metrics says of the shared rate-limit store, when there is one.
std::optional<RateLimitStoreState> state_of(const ratelimit::RedisClient* store) {
  if (store == nullptr) return std::nullopt;
  return RateLimitStoreState{store->up(), store->unanswered()};
}

void text_response(http::Response& response, int status, const char* type, std::string body) {
  response.status = status;
  response.content_type = type;
  response.body = std::move(body);
}

}  // namespace

Service::Service(const model::Api& api, store::Database* database, pipeline::Pipeline& app,
                 ServiceOptions options)
    : api_(api),
      database_(database),
      app_(app),
      options_(options),
      metrics_(api),
      published_(publish(api)),
      docs_(api.settings.endpoints, document_title(*api.document)) {
  if (options_.access_log == nullptr) return;
  routes_json_.reserve(api.operations.size());
  for (const model::Operation* op : api.operations) {
    std::string quoted;
    text::append_json_string(op->path_template, quoted);
    routes_json_.push_back(std::move(quoted));
  }
}

Service::~Service() = default;

bool Service::handle_own(const http::Request& request, http::Response& response) {
  std::string_view method = request.method;
  if (method != "GET" && method != "HEAD") return false;
  const model::EndpointPaths& paths = api_.settings.endpoints;
  const std::string& path = request.path;
  if (!paths.health.empty() && path == paths.health) {
    text_response(response, 200, "application/json", "{\"status\":\"ok\"}");
  } else if (!paths.ready.empty() && path == paths.ready) {
    // Ready once the document compiled (it has, to get here) and the database answers.
    bool ready = database_ == nullptr || database_->ping();
    text_response(response, ready ? 200 : 503, "application/json",
                  ready ? "{\"status\":\"ready\"}"
                        : "{\"status\":\"unavailable\",\"detail\":\"the database does not "
                          "answer\"}");
  } else if (!paths.metrics.empty() && path == paths.metrics) {
    text_response(response, 200, "text/plain; version=0.0.4; charset=utf-8",
                  metrics_.render(state_of(app_.rate_limit_store())));
  } else if (!paths.openapi.empty() && is_base_and_suffix(path, paths.openapi, ".json")) {
    text_response(response, 200, "application/json", published_.json);
  } else if (!paths.openapi.empty() && is_base_and_suffix(path, paths.openapi, ".yaml")) {
    text_response(response, 200, "application/yaml", published_.yaml);
  } else if (docs_.answer(request, response)) {
    return true;  // with its own caching headers
  } else {
    return false;
  }
  response.add_header("Cache-Control", "no-store");
  return true;
}

// The service's finishing of an answer given later, asked for only then.
class Service::Finish final : public pipeline::ServiceFinish {
 public:
  Finish(Service& service, const std::string& request_id,
         std::chrono::steady_clock::time_point start)
      : service_(service), request_id_(request_id), start_(start) {}

  pipeline::FinishStep step() const override {
    return [service = &service_, request_id = request_id_, start = start_](
               const http::Request& request, http::Response& response, pipeline::Outcome& outcome) {
      service->metrics_.finished();
      service->finish(request, response, outcome, false, request_id, start);
    };
  }
  const std::string& request_id() const override { return request_id_; }

 private:
  Service& service_;
  const std::string& request_id_;
  std::chrono::steady_clock::time_point start_;
};

void Service::handle(const http::Request& request, http::Response& response) {
  const auto start = std::chrono::steady_clock::now();
  const std::string* sent_id = request.header("x-request-id");
  std::string request_id =
      sent_id != nullptr && acceptable_request_id(*sent_id) ? *sent_id : new_request_id();
  bool own = handle_own(request, response);
  pipeline::Outcome outcome;  // the server's own endpoints are no operation
  if (!own) {
    metrics_.started();
    Finish later(*this, request_id, start);
    outcome = app_.handle(request, response, &later);
    if (response.later) return;  // finished by `later`'s step
    metrics_.finished();
  }
  finish(request, response, outcome, own, request_id, start);
}

void Service::finish(const http::Request& request, http::Response& response,
                     const pipeline::Outcome& outcome, bool own, const std::string& request_id,
                     std::chrono::steady_clock::time_point start) {
  response.set_header("X-Request-Id", request_id);
  const auto duration = std::chrono::steady_clock::now() - start;
  if (!own)
    metrics_.record(outcome.operation, response.status, duration, outcome.database_error,
                    outcome.response_violations);
  if (options_.access_log != nullptr)
    log_access(request, response, outcome.operation, request_id, duration);
}

void Service::log_access(const http::Request& request, const http::Response& response,
                         int operation, const std::string& request_id,
                         std::chrono::nanoseconds duration) const {
  // Formatted by hand: this runs once per request, on the request's thread.
  thread_local std::string line;
  line.clear();
  line += "{\"time\":\"";
  append_utc_now(line);
  line += "\",\"level\":\"info\",\"request_id\":";
  text::append_json_string(request_id, line);
  line += ",\"method\":";
  text::append_json_string(request.method, line);
  // The template, not the path: paths may carry identifiers, and the query string (left out)
  // may carry an API key.
  line += ",\"route\":";
  line += operation >= 0 ? routes_json_[static_cast<size_t>(operation)] : std::string("null");
  // std::to_chars, not snprintf: no locale, no format string to read, on every request.
  char number[64];
  line += ",\"status\":";
  line.append(number, std::to_chars(number, number + sizeof number, response.status).ptr);
  line += ",\"duration_ms\":";
  line.append(number, std::to_chars(number, number + sizeof number,
                                    std::chrono::duration<double, std::milli>(duration).count(),
                                    std::chars_format::fixed, 3)
                          .ptr);
  line += ",\"bytes\":";
  line.append(number, std::to_chars(number, number + sizeof number, response.body.size()).ptr);
  line += ",\"client\":";
  text::append_json_string(ratelimit::client_address(request, api_.trusted_proxies), line);
  line += '}';
  options_.access_log->append(line);
}

}  // namespace apiserver::ops
