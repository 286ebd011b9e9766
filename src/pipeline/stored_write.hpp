// A stored write and its answer. On an event loop the write is queued and the handler returns:
// the loop commits the writes of every request of its batch of events in one transaction once
// it has handled them, and each answer is built and sent when that transaction has committed.
// Elsewhere the write is made at once and answered now.
#pragma once

#include <functional>
#include <optional>

#include "http/request.hpp"
#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

// Builds the answer to a write from its result: the response, or the problem it is. Runs after
// the handler returned, on the thread that completed the write, so it owns everything it uses
// but the compiled document (the request it gets is a copy).
using WriteAnswer = std::function<std::optional<Problem>(
    const store::StoreResult& result, const http::Request& request, http::Response& response)>;

// Writes `write` for `resource` and answers with `answer`: now, or later through the call's
// answer slot (the problem returned is then none: the answer is on its way).
std::optional<Problem> write_then_answer(const Call& call, http::Response& response,
                                         store::Database& database, const model::Resource& resource,
                                         store::Database::WriteBody write, WriteAnswer answer);

}  // namespace apiserver::pipeline
