// Reads a multipart/form-data body (RFC 7578) into the JSON object its schema describes, as
// form bodies are (form_body.hpp): each part named by its Content-Disposition, text parts
// coerced to their field's type. A file part is checked against its field (its size, its
// content type) and stands in the object as "" so that the schema sees it present; its bytes
// stay in the body, which is forwarded as it came.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// `content_type`: the request's Content-Type, with its boundary. A 400 problem for a body that
// is not multipart (no boundary, no closing delimiter, a part without a name, a text part
// that is not UTF-8); field errors (a file too large or of an undeclared type, a field given
// more than once where one value is declared) go to `errors`.
std::optional<Problem> parse_multipart_body(const std::string& content_type,
                                            const std::string& text,
                                            const model::BodyMediaType& media, nlohmann::json& out,
                                            std::vector<FieldError>& errors);

}  // namespace apiserver::pipeline
