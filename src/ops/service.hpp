// What a running server adds around the document's API: request ids, the access log,
// metrics, and its own endpoints (health, readiness, metrics, the published document).
#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

#include "compile/model.hpp"
#include "http/server.hpp"
#include "ops/metrics.hpp"
#include "ops/published_document.hpp"
#include "store/database.hpp"

namespace apiserver::ops {

struct ServiceOptions {
  bool access_log = true;  // one JSON line per request on stdout
};

class Service final : public http::RequestHandler {
 public:
  // `app` answers the document's operations; `database` may be null.
  Service(const model::Api& api, store::Database* database, http::RequestHandler& app,
          ServiceOptions options);
  ~Service() override;

  void handle(const http::Request& request, http::Response& response) override;

  const Metrics& metrics() const { return metrics_; }

 private:
  // Answers the server's own endpoints; false when `request` is for the document's API.
  bool handle_own(const http::Request& request, http::Response& response);
  void log_access(const http::Request& request, const http::Response& response,
                  const std::string& request_id, std::chrono::nanoseconds duration) const;

  const model::Api& api_;
  store::Database* database_;
  http::RequestHandler& app_;
  ServiceOptions options_;
  Metrics metrics_;
  PublishedDocument published_;
  std::shared_ptr<spdlog::logger> access_;
};

}  // namespace apiserver::ops
