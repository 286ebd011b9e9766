// What a running server adds around the document's API: request ids, the access log,
// metrics, and its own endpoints (health, readiness, metrics, the published document and its
// documentation pages).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "http/server.hpp"
#include "model/model.hpp"
#include "ops/access_log.hpp"
#include "ops/docs.hpp"
#include "ops/metrics.hpp"
#include "ops/published_document.hpp"
#include "pipeline/pipeline.hpp"
#include "store/database.hpp"

namespace apiserver::ops {

struct ServiceOptions {
  AccessLog* access_log = nullptr;  // one JSON line per request; null: none
};

class Service final : public http::RequestHandler {
 public:
  // `app` answers the document's operations; `database` may be null.
  Service(const model::Api& api, store::Database* database, pipeline::Pipeline& app,
          ServiceOptions options);
  ~Service() override;

  void handle(const http::Request& request, http::Response& response) override;
  // The pipeline writes it: as the operation the request names declares its errors.
  void answer_error(const Problem& problem, const http::Request& request,
                    http::Response& response) override {
    app_.answer_error(problem, request, response);
  }

  const Metrics& metrics() const { return metrics_; }

 private:
  // Answers the server's own endpoints; false when `request` is for the document's API.
  bool handle_own(const http::Request& request, http::Response& response);
  class Finish;
  // What every answer gets last: its request id, its metrics, its access-log line. `own`: one
  // of the server's own endpoints.
  void finish(const http::Request& request, http::Response& response,
              const pipeline::Outcome& outcome, bool own, const std::string& request_id,
              std::chrono::steady_clock::time_point start);
  // `operation`: pipeline::Outcome::operation (-1: none, or the server's own endpoint).
  void log_access(const http::Request& request, const http::Response& response, int operation,
                  const std::string& request_id, std::chrono::nanoseconds duration) const;

  const model::Api& api_;
  store::Database* database_;
  pipeline::Pipeline& app_;
  ServiceOptions options_;
  Metrics metrics_;
  PublishedDocument published_;
  DocsPages docs_;
  std::vector<std::string> routes_json_;  // per operation, its template as a JSON string
};

}  // namespace apiserver::ops
