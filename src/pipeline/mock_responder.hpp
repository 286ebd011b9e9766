// Answers an operation that is not stored from its declared responses
// (mock/planner.hpp precomputed them): picks the status (Prefer: code=), the
// media type (Accept), the body (Prefer: example=, dynamic=true), sends the
// declared headers and says in Preference-Applied what it honoured.
#pragma once

#include <optional>

#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

std::optional<Problem> respond_with_mock(const Call& call, const model::Api& api,
                                         http::Response& response);

}  // namespace apiserver::pipeline
