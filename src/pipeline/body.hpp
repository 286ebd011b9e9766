// Reads a request body: checks its media type against the operation's,
// parses JSON (bounded nesting, exact error position) or a form (form_body.hpp) and validates
// it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "model/model.hpp"
#include "pipeline/client_json.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

struct Body {
  bool present = false;
  nlohmann::json json;  // the parsed body, when its media type is JSON or a declared form
  const model::BodyMediaType* media = nullptr;
};

// Returns a problem for a body that cannot be read at all (415, 400); schema
// violations are appended to `errors` instead, to be reported together with
// the parameters'. `validate` is false when the caller validates later (a
// merge patch is checked after it is applied).
std::optional<Problem> read_body(const model::Operation& operation, const http::Request& request,
                                 bool validate, Body& body, std::vector<FieldError>& errors);

// Parses JSON text (client_json.hpp). Text that is not JSON, or nests deeper than
// kMaxJsonDepth, is a 400 problem saying where it went wrong; a number beyond the range of a
// double is a 422 validation problem with the number's pointer.
std::optional<Problem> parse_json_body(const std::string& text, nlohmann::json& out);

}  // namespace apiserver::pipeline
