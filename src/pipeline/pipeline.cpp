// The request pipeline: route -> query -> admit -> accept -> parameters -> body -> errors ->
// answer (forwarded | stored | mock) -> finish. pipeline.hpp says what each stage does.
#include "pipeline/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "http/error_writer.hpp"
#include "http/uri.hpp"
#include "pipeline/body.hpp"
#include "pipeline/call.hpp"
#include "pipeline/cors.hpp"
#include "pipeline/declared_error_shaper.hpp"
#include "pipeline/parameters.hpp"
#include "pipeline/response_check.hpp"
#include "store/connect.hpp"

namespace apiserver::pipeline {

void respond_with_problem(const Problem& problem, const http::Request& request,
                          const model::Operation* op, http::Response& response) {
  if (op == nullptr || !op->errors) {
    http::write_error(problem, request.path, nullptr, response);
    return;
  }
  DeclaredErrorShaper declared(*op->errors);
  http::write_error(problem, request.path, &declared, response);
}

Pipeline::Pipeline(const model::Api& api, store::Database* database, ratelimit::Clock clock)
    : api_(api), forwarded_(api), mock_(api), limiter_(api, std::move(clock)) {
  if (database != nullptr) stored_ = std::make_unique<StoredOperations>(api, *database);
}

const OperationHandler& Pipeline::handler_for(const model::Operation& op) const {
  if (op.forwarding) return forwarded_;
  if (op.stored() && stored_) return *stored_;
  return mock_;
}

// Lends the handler of one request a way to answer later, finished as handle() finishes.
class Pipeline::Lender final : public LaterSource {
 public:
  Lender(const Pipeline& pipeline, int operation, const ExtraHeaders& extra,
         const ServiceFinish* service)
      : pipeline_(pipeline), operation_(operation), extra_(extra), service_(service) {}

  std::shared_ptr<Later> take(http::Response& response) const override {
    std::shared_ptr<http::LaterAnswer> slot = http::answer_later(response);
    if (!slot) return nullptr;
    auto finish = [pipeline = &pipeline_, operation = operation_, extra = extra_](
                      std::optional<Problem>& problem, const http::Request& request,
                      http::Response& answer, Outcome& outcome) {
      outcome.operation = operation;
      pipeline->finish(problem, request, extra, outcome, answer);
    };
    return std::make_shared<Later>(std::move(slot), std::move(finish),
                                   service_ != nullptr ? service_->step() : FinishStep());
  }
  const std::string* request_id() const override {
    return service_ != nullptr ? &service_->request_id() : nullptr;
  }

 private:
  const Pipeline& pipeline_;
  int operation_;
  const ExtraHeaders& extra_;
  const ServiceFinish* service_;
};

Outcome Pipeline::handle(const http::Request& request, http::Response& response,
                         const ServiceFinish* service) {
  Outcome outcome;
  std::optional<Problem> problem;
  ExtraHeaders extra;
  try {
    problem = run(request, response, extra, outcome, service);
  } catch (const store::DatabaseUnavailable& e) {
    // PostgreSQL out of reach: the next request connects again.
    spdlog::warn("{} {}: {}", request.method, request.path, e.what());
    problem = Problem::make(ProblemCode::kServiceUnavailable, "the database is busy; retry shortly")
                  .with_header("Retry-After", "1");
  } catch (const std::exception& e) {
    // A defect or a broken database: log it whole, tell the client nothing about it.
    spdlog::error("{} {}: {}", request.method, request.path, e.what());
    problem = Problem::make(ProblemCode::kInternal, "");
  }
  // A handler that took the answer gives it, whatever happens (it takes it last, when nothing
  // but the write is left to fail).
  if (response.later) return outcome;
  finish(problem, request, extra, outcome, response);
  return outcome;
}

void Pipeline::finish(const std::optional<Problem>& problem, const http::Request& request,
                      const ExtraHeaders& extra, Outcome& outcome, http::Response& response) const {
  const model::Operation* op =
      outcome.operation >= 0 ? api_.operations[static_cast<size_t>(outcome.operation)] : nullptr;
  std::optional<Problem> broken;
  if (!problem && op != nullptr && op->response_contract)
    broken = check_answer(*op, request, outcome, response);
  if (const std::optional<Problem>& answer = broken ? broken : problem) {
    if (op != nullptr) outcome.database_error = handler_for(*op).database_failed(*answer);
    respond_with_problem(*answer, request, op, response);
  }
  for (const auto& [name, value] : extra) response.add_header(name, value);
  if (api_.settings.cors.enabled && !is_preflight(request))
    add_cors_headers(api_.settings.cors, request, response);
}

std::optional<Problem> Pipeline::check_answer(const model::Operation& op,
                                              const http::Request& request, Outcome& outcome,
                                              http::Response& response) const {
  const model::ResponseContract& contract = *op.response_contract;
  std::vector<FieldError> violations =
      response_violations(contract, response, request.method == "HEAD");
  if (violations.empty()) return std::nullopt;
  outcome.response_violations = static_cast<int>(violations.size());
  spdlog::warn("{} {}: the {} answer {} breaks the document: {}", request.method, request.path,
               op.forwarding ? "upstream's" : "server's", response.status,
               describe_violations(violations));
  if (contract.check == model::ResponseCheck::kReport) {
    response.set_header("Apiserver-Response-Violations", std::to_string(violations.size()));
    return std::nullopt;
  }
  response.status = 200;
  response.content_type.clear();
  response.headers.clear();
  response.body.clear();
  response.stream = false;  // the problem goes instead of the stream
  if (!op.forwarding) return Problem::make(ProblemCode::kInternal, "");
  Problem problem =
      Problem::make(ProblemCode::kBadGateway, "the upstream's answer breaks the document");
  problem.errors = std::move(violations);
  return problem;
}

const model::Operation* Pipeline::operation_for(const http::Request& request) const {
  if (request.path.empty()) return nullptr;
  auto match = api_.router.match(request.path);
  if (!match) return nullptr;
  const model::PathItem& item = api_.paths[match->target];
  const model::Operation* op = item.find(request.method);
  if (op == nullptr && request.method == "HEAD") op = item.find("GET");
  return op;
}

void Pipeline::answer_error(const Problem& problem, const http::Request& request,
                            http::Response& response) const {
  respond_with_problem(problem, request, operation_for(request), response);
  if (api_.settings.cors.enabled && !is_preflight(request))
    add_cors_headers(api_.settings.cors, request, response);
}

std::optional<Problem> Pipeline::run(const http::Request& request, http::Response& response,
                                     ExtraHeaders& extra, Outcome& outcome,
                                     const ServiceFinish* service) {
  auto match = api_.router.match(request.path);
  if (!match)
    return Problem::make(ProblemCode::kNotFound, "no operation is declared at " + request.path);
  const model::PathItem& item = api_.paths[match->target];
  const model::Operation* op = item.find(request.method);
  if (op == nullptr && request.method == "HEAD") op = item.find("GET");
  if (request.method == "OPTIONS" && api_.settings.cors.enabled && is_preflight(request)) {
    answer_preflight(api_.settings.cors, request, item.allow, response);
    return std::nullopt;
  }
  if (op == nullptr && request.method == "OPTIONS") {
    response.status = 204;
    response.add_header("Allow", item.allow);
    return std::nullopt;
  }
  if (op == nullptr)
    return Problem::make(ProblemCode::kMethodNotAllowed, request.method + " is not declared for " +
                                                             item.path_template +
                                                             "; allowed: " + item.allow)
        .with_header("Allow", item.allow);
  outcome.operation = op->index;
  return run_operation(request, *op, *match, response, extra, service);
}

std::optional<Problem> Pipeline::admit(const http::Request& request, const model::Operation& op,
                                       const http::QueryParams& query, model::Identity& identity,
                                       ExtraHeaders& extra) {
  auto authenticate = [&]() -> std::optional<Problem> {
    if (op.security.empty() || !api_.auth) return std::nullopt;
    return auth::authenticate(*api_.auth, op.security, request, query, identity);
  };
  if (op.rate_limits.empty()) return authenticate();
  // Limits by address come first, so that refused credentials count and a flood is refused
  // before any signature is checked; limits by caller need the caller.
  ratelimit::Admission admission(op);
  std::optional<Problem> problem = limiter_.admit(admission, request, nullptr);
  if (!problem) problem = authenticate();
  if (!problem) problem = limiter_.admit(admission, request, &identity);
  limiter_.add_fields(admission, extra);
  return problem;
}

std::optional<Problem> Pipeline::run_operation(const http::Request& request,
                                               const model::Operation& op,
                                               const route::Router::Match& match,
                                               http::Response& response, ExtraHeaders& extra,
                                               const ServiceFinish* service) {
  http::QueryParams query;
  if (!http::parse_query(request.query, query))
    return Problem::make(ProblemCode::kBadRequest, "the query string has a malformed %-escape");
  // Before anything else is read: a caller without credentials learns nothing more.
  model::Identity identity;
  if (auto problem = admit(request, op, query, identity, extra)) return problem;
  const OperationHandler& handler = handler_for(op);
  if (auto problem = handler.check_acceptable(request)) return problem;

  std::vector<FieldError> errors;
  ParameterValues parameters;
  RawParameters raw{match.names, &match.values, &query, &request};
  read_parameters(op, raw, parameters, errors);
  Body body;
  if (auto problem = handler.read_request_body(op, request, body, errors)) return problem;
  if (!errors.empty() && !handler.reports_errors(op)) return Problem::validation(std::move(errors));

  Lender later(*this, op.index, extra, service);
  Call call{request, op, query, parameters, body, errors, identity, &later};
  return handler.answer(call, response);
}

}  // namespace apiserver::pipeline
