// How an operation is answered once the pipeline has read its request: from the database
// (StoredOperations) or from its mock plan (MockResponder). The pipeline runs the same stages
// for both; each handler says what it needs of them through these hooks.
#pragma once

#include <optional>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/body.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

class OperationHandler {
 public:
  virtual ~OperationHandler() = default;

  // Runs before parameters and body are read: a problem that ends the request at once.
  virtual std::optional<Problem> check_acceptable(const http::Request& /*request*/) const {
    return std::nullopt;
  }
  // Reads the body of a request for `op`: a problem when it cannot be read at all (415, 400);
  // schema violations go to `errors`, which already holds the parameters'. By default the
  // body the operation declares, validated.
  virtual std::optional<Problem> read_request_body(const model::Operation& op,
                                                   const http::Request& request, Body& body,
                                                   std::vector<FieldError>& errors) const {
    return read_body(op, request, true, body, errors);
  }
  // True when answer() runs despite parameter and body errors, to add its own and report them
  // all at once (Call::errors); otherwise such errors are answered with 400 first.
  virtual bool reports_errors(const model::Operation& /*op*/) const { return false; }
  // Fills `response`, or returns the problem to answer with.
  virtual std::optional<Problem> answer(const Call& call, http::Response& response) const = 0;
  // Whether `problem`, which ended a request for one of this handler's operations (at any
  // stage), means the database failed: the metrics count those.
  virtual bool database_failed(const Problem& /*problem*/) const { return false; }
};

}  // namespace apiserver::pipeline
