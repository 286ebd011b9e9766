// Response validation: whether an answer is one its operation declares. The status must be
// declared (exactly, by its class such as 2XX, or by `default`); a body must have a declared
// media type, and a JSON one must be JSON that its schema accepts; the headers the response
// marks required must be there; a response declared without content has no body. A body with
// a Content-Encoding (gzip) is not read, nor is a streamed one (its head is checked).
#pragma once

#include <string>
#include <vector>

#include "http/response.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// The ways `response` breaks `contract` (in: response; name: status, content-type or the
// header; pointer: into the body); empty when it keeps it. `head`: a HEAD answer, whose body
// is not sent and not checked.
std::vector<FieldError> response_violations(const model::ResponseContract& contract,
                                            const http::Response& response, bool head);

// "status: 418 is not declared; /label: must be one of ...", for a log line.
std::string describe_violations(const std::vector<FieldError>& violations);

}  // namespace apiserver::pipeline
