// The request pipeline: route -> parameters -> body -> handle -> respond.
// Every stage may stop the request with a Problem; one function renders it.
#pragma once

#include <memory>
#include <optional>

#include "compile/model.hpp"
#include "http/server.hpp"
#include "pipeline/stored_operations.hpp"
#include "problem/problem.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

class Pipeline final : public http::RequestHandler {
 public:
  // `database` may be null when nothing is stored.
  Pipeline(const model::Api& api, store::Database* database);

  void handle(const http::Request& request, http::Response& response) override;

 private:
  std::optional<Problem> run(const http::Request& request, http::Response& response);
  std::optional<Problem> run_operation(const http::Request& request, const model::Operation& op,
                                       const route::Router::Match& match, http::Response& response);

  const model::Api& api_;
  std::unique_ptr<StoredOperations> stored_;
};

// Renders `problem` as the response (RFC 9457 application/problem+json).
void respond_with_problem(const Problem& problem, const http::Request& request,
                          http::Response& response);

}  // namespace apiserver::pipeline
