#include "ops/service.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "ratelimit/client_address.hpp"

namespace apiserver::ops {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

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

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static const char* kHex = "0123456789abcdef";
  std::string id(32, '0');
  for (size_t i = 0; i < id.size(); i += 16) {
    uint64_t bits = random();
    for (size_t j = 0; j < 16; ++j, bits >>= 4) id[i + j] = kHex[bits & 0xf];
  }
  return id;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(millis.count()));
  return text;
}

void text_response(http::Response& response, int status, const char* type, std::string body) {
  response.status = status;
  response.content_type = type;
  response.body = std::move(body);
}

std::shared_ptr<spdlog::logger> access_logger() {
  if (auto existing = spdlog::get("access")) return existing;
  // Asynchronous, and never blocking a request: under overload the oldest lines give way.
  spdlog::init_thread_pool(16384, 1);
  auto logger = spdlog::create_async_nb<spdlog::sinks::stdout_sink_mt>("access");
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace

Service::Service(const model::Api& api, store::Database* database, http::RequestHandler& app,
                 ServiceOptions options)
    : api_(api),
      database_(database),
      app_(app),
      options_(options),
      metrics_(api),
      published_(publish(*api.document)) {
  if (options_.access_log) access_ = access_logger();
}

Service::~Service() {
  if (access_) access_->flush();
}

bool Service::handle_own(const http::Request& request, http::Response& response) {
  if (request.method != "GET" && request.method != "HEAD") return false;
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
    text_response(response, 200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render());
  } else if (!paths.openapi.empty() && path == paths.openapi + ".json") {
    text_response(response, 200, "application/json", published_.json);
  } else if (!paths.openapi.empty() && path == paths.openapi + ".yaml") {
    text_response(response, 200, "application/yaml", published_.yaml);
  } else {
    return false;
  }
  response.add_header("Cache-Control", "no-store");
  return true;
}

void Service::handle(const http::Request& request, http::Response& response) {
  const auto start = std::chrono::steady_clock::now();
  const std::string* sent_id = request.header("x-request-id");
  std::string request_id =
      sent_id != nullptr && acceptable_request_id(*sent_id) ? *sent_id : new_request_id();
  bool own = handle_own(request, response);
  if (!own) {
    metrics_.started();
    app_.handle(request, response);
    metrics_.finished();
  }
  response.add_header("X-Request-Id", request_id);
  const auto duration = std::chrono::steady_clock::now() - start;
  if (!own) metrics_.record(response.operation, response.status, duration, response.database_error);
  if (access_) log_access(request, response, request_id, duration);
}

void Service::log_access(const http::Request& request, const http::Response& response,
                         const std::string& request_id, std::chrono::nanoseconds duration) const {
  nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line["time"] = utc_now();
  line["level"] = "info";
  line["request_id"] = request_id;
  line["method"] = request.method;
  // The template, not the path: paths may carry identifiers, and the query string (left out)
  // may carry an API key.
  if (response.operation >= 0) {
    line["route"] = api_.operations[static_cast<size_t>(response.operation)]->path_template;
  } else {
    line["route"] = nullptr;
  }
  line["status"] = response.status;
  line["duration_ms"] = std::chrono::duration<double, std::milli>(duration).count();
  line["bytes"] = response.body.size();
  line["client"] = ratelimit::client_address(request, api_.trusted_proxies);
  access_->info(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace apiserver::ops
