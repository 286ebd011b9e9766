// The request pipeline, in the order the stages run:
//   route       the path, then the method (CORS preflights and OPTIONS are answered here)
//   query       the query string, decoded
//   admit       rate limits by address, credentials, rate limits by caller
//   accept      what the operation's handler refuses up front (stored: Accept without JSON)
//   parameters  the declared parameters, coerced and validated
//   body        read and validated the handler's way (stored writes: an item)
//   errors      400 with every parameter and body error (a stored list adds its own first)
//   answer      the handler: forwarded to an upstream, stored in the database, else mocked
//               (501 without a mock)
//   finish      a problem answered as the operation declares (else problem+json), rate-limit
//               fields, CORS headers
// Every stage may stop the request with a Problem; one function (http::write_error) writes it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/uri.hpp"
#include "model/model.hpp"
#include "pipeline/forwarded_operations.hpp"
#include "pipeline/later.hpp"
#include "pipeline/mock_responder.hpp"
#include "pipeline/operation_handler.hpp"
#include "pipeline/outcome.hpp"
#include "pipeline/stored_operations.hpp"
#include "problem/problem.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

class Pipeline final {
 public:
  // `database` may be null when nothing is stored. Forwarded requests go out from the event
  // loop that read them (loop_upstreams.hpp). `clock` drives the rate limits.
  Pipeline(const model::Api& api, store::Database* database,
           ratelimit::Clock clock = ratelimit::steady_clock());

  // Answers `request` in `response`. Runs on the server's threads, concurrently; never throws.
  // When the answer is given later (response.later: a stored write), it is finished by the
  // pipeline and then by `service`'s step, on the thread that completes it; the Outcome
  // returned then names the operation only.
  Outcome handle(const http::Request& request, http::Response& response,
                 const ServiceFinish* service = nullptr);
  // Answers a problem met before the pipeline ran (a request the server could not read) or
  // around it, as the operation the request names declares, when it names one.
  void answer_error(const Problem& problem, const http::Request& request,
                    http::Response& response) const;

  // The shared rate-limit store's connection (for /metrics); null when there is none.
  const ratelimit::RedisClient* rate_limit_store() const { return limiter_.shared_store(); }

 private:
  // Fields every answer carries whatever it ends as (the rate-limit state).
  using ExtraHeaders = std::vector<std::pair<std::string, std::string>>;

  class Lender;

  std::optional<Problem> run(const http::Request& request, http::Response& response,
                             ExtraHeaders& extra, Outcome& outcome, const ServiceFinish* service);
  std::optional<Problem> run_operation(const http::Request& request, const model::Operation& op,
                                       const route::Router::Match& match, http::Response& response,
                                       ExtraHeaders& extra, const ServiceFinish* service);
  // The finish stage: `problem` answered as the operation declares, then what every answer
  // carries.
  void finish(const std::optional<Problem>& problem, const http::Request& request,
              const ExtraHeaders& extra, Outcome& outcome, http::Response& response) const;
  // Response validation of the answer the handler gave: the problem it is replaced with
  // (enforce), or none (kept, flagged when it breaks the document).
  std::optional<Problem> check_answer(const model::Operation& op, const http::Request& request,
                                      Outcome& outcome, http::Response& response) const;
  // Rate limits and authentication: the problem that ends the request, if any; `identity` is
  // the caller authenticated.
  std::optional<Problem> admit(const http::Request& request, const model::Operation& op,
                               const http::QueryParams& query, model::Identity& identity,
                               ExtraHeaders& extra);
  // The operation `request` is for (HEAD falls back on GET); null when none matches.
  const model::Operation* operation_for(const http::Request& request) const;
  // Forwarded operations are answered by their upstream, stored ones from the database, every
  // other one by the mock responder.
  const OperationHandler& handler_for(const model::Operation& op) const;

  const model::Api& api_;
  std::unique_ptr<StoredOperations> stored_;  // null without a database
  ForwardedOperations forwarded_;
  MockResponder mock_;
  ratelimit::RateLimiter limiter_;
};

// Answers `problem` through the one error writer: as `op` declares its errors (null: no
// operation is known), else RFC 9457 application/problem+json.
void respond_with_problem(const Problem& problem, const http::Request& request,
                          const model::Operation* op, http::Response& response);

}  // namespace apiserver::pipeline
