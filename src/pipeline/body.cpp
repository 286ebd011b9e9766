#include "pipeline/body.hpp"

#include "pipeline/form_body.hpp"
#include "pipeline/multipart_body.hpp"
#include "text/media_type.hpp"

namespace apiserver::pipeline {
std::optional<Problem> parse_json_body(const std::string& text, nlohmann::json& out) {
  std::optional<ClientJsonError> error = parse_client_json(text, out);
  if (!error) return std::nullopt;
  switch (error->kind) {
    case ClientJsonError::Kind::kTooDeep:
    case ClientJsonError::Kind::kDuplicateKey:
      return Problem::make(ProblemCode::kMalformedBody, error->message);
    case ClientJsonError::Kind::kSyntax:
      return Problem::make(ProblemCode::kMalformedBody,
                           "the body is not valid JSON: " + error->message);
    case ClientJsonError::Kind::kNumberOutOfRange:
      // Well-formed JSON with a value the server cannot hold: a field error, like a schema's.
      return Problem::validation({{ErrorSource::kBody, "", error->pointer, error->message}});
  }
  return std::nullopt;
}

std::optional<Problem> read_body(const model::Operation& operation, const http::Request& request,
                                 bool validate, Body& body, std::vector<FieldError>& errors) {
  if (!operation.body) return std::nullopt;  // bodies an operation does not declare are ignored
  const model::RequestBody& declared = *operation.body;
  const std::string* content_type = request.header("content-type");
  if (request.body.empty()) {
    if (declared.required)
      errors.push_back({ErrorSource::kBody, "", "", "a request body is required"});
    return std::nullopt;
  }
  std::string accepted;
  for (const auto& m : declared.media_types)
    accepted += (accepted.empty() ? "" : ", ") + m.media_type;
  if (content_type == nullptr)
    return Problem::make(ProblemCode::kUnsupportedMediaType,
                         "the request has a body but no Content-Type; send one of: " + accepted);
  std::string type = text::normalize_media_type(*content_type);
  for (const auto& m : declared.media_types) {
    if (text::media_range_covers(m.media_type, type)) {
      body.media = &m;
      break;
    }
  }
  if (body.media == nullptr)
    return Problem::make(
        ProblemCode::kUnsupportedMediaType,
        "Content-Type '" + type + "' is not accepted here; send one of: " + accepted);
  body.present = true;
  if (body.media->is_form) {
    if (auto problem = parse_form_body(request.body, *body.media, body.json, errors))
      return problem;
  } else if (body.media->is_multipart) {
    if (auto problem =
            parse_multipart_body(*content_type, request.body, *body.media, body.json, errors))
      return problem;
  } else if (!body.media->is_json && !text::is_json_media_type(type)) {
    return std::nullopt;
  } else if (auto problem = parse_json_body(request.body, body.json)) {
    return problem;
  }
  if (validate && body.media->schema)
    body.media->schema->validate(body.json, ErrorSource::kBody, "", errors);
  return std::nullopt;
}

}  // namespace apiserver::pipeline
