// Answers an operation that is not stored from its declared responses
// (mock/planner.hpp precomputed them): picks the status (Prefer: code=), the
// media type (Accept), the body (Prefer: example=, dynamic=true), sends the
// declared headers and says in Preference-Applied what it honoured. An
// operation with no mock plan either is answered 501.
#pragma once

#include <optional>

#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/operation_handler.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

std::optional<Problem> respond_with_mock(const Call& call, const model::Api& api,
                                         http::Response& response);

// The handler of every operation that is not stored.
class MockResponder final : public OperationHandler {
 public:
  explicit MockResponder(const model::Api& api) : api_(api) {}

  std::optional<Problem> answer(const Call& call, http::Response& response) const override;

 private:
  const model::Api& api_;
};

}  // namespace apiserver::pipeline
