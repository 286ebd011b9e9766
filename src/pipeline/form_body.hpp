// Reads an application/x-www-form-urlencoded body into the JSON object its schema describes:
// each declared field's text coerced to the field's type (an array field from each occurrence
// of its name, or from one occurrence split at its separator), undeclared fields kept as text.
// The object is then validated like a JSON body.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// The JSON pointer to a top-level member named `name` (RFC 6901 escapes ~ and /): where
// the errors of a form field or a multipart part point.
std::string member_pointer(const std::string& name);

// A 400 problem for text that is not a form (a malformed %-escape); a field given more than once
// where one value is declared goes to `errors`.
std::optional<Problem> parse_form_body(const std::string& text, const model::BodyMediaType& media,
                                       nlohmann::json& out, std::vector<FieldError>& errors);

}  // namespace apiserver::pipeline
