// Answers checked against the declared responses (see response_check.hpp).
#include "pipeline/response_check.hpp"

#include <nlohmann/json.hpp>

#include "model/declared_status.hpp"
#include "text/header_values.hpp"
#include "text/media_type.hpp"

namespace apiserver::pipeline {
namespace {

FieldError violation(std::string name, std::string detail, std::string pointer = "") {
  return FieldError{ErrorSource::kResponse, std::move(name), std::move(pointer), std::move(detail)};
}

// The declared content `media_type` falls under: exact, then type/*, then */*.
const model::DeclaredContent* content_for(const model::DeclaredResponse& response,
                                          const std::string& media_type) {
  const model::DeclaredContent* by_type = nullptr;
  const model::DeclaredContent* any = nullptr;
  const std::string type_range = media_type.substr(0, media_type.find('/')) + "/*";
  for (const model::DeclaredContent& content : response.contents) {
    if (content.media_type == media_type) return &content;
    if (content.media_type == type_range) by_type = &content;
    if (content.media_type == "*/*") any = &content;
  }
  return by_type != nullptr ? by_type : any;
}

std::string declared_types(const model::DeclaredResponse& response) {
  std::string out;
  for (const model::DeclaredContent& content : response.contents)
    out += (out.empty() ? "" : ", ") + content.media_type;
  return out;
}

// A body sent compressed (Content-Encoding) is passed on as it is, and not read here.
bool is_encoded(const http::Response& response) {
  const std::string* encoding = response.header("content-encoding");
  return encoding != nullptr && !text::ascii_iequals(*encoding, "identity");
}

bool has_header(const http::Response& response, const std::string& name) {
  return name == "content-type" ? !response.content_type.empty() : response.header(name) != nullptr;
}

}  // namespace

std::vector<FieldError> response_violations(const model::ResponseContract& contract,
                                            const http::Response& response, bool head) {
  std::vector<FieldError> out;
  const model::DeclaredResponse* declared =
      model::declared_for_status(contract.responses, response.status);
  if (declared == nullptr) {
    out.push_back(violation("status", std::to_string(response.status) + " is not declared"));
    return out;
  }
  for (const std::string& header : declared->required_headers)
    if (!has_header(response, header)) out.push_back(violation(header, "is required"));
  if (head) return out;
  if (declared->contents.empty()) {
    if (!response.body.empty() || response.stream)
      out.push_back(violation("content-type", "the document declares no body for " +
                                                  declared->declared + ", the answer has one"));
    return out;
  }
  if (response.body.empty() && !response.stream) {
    out.push_back(violation("content-type", "the answer has no body; the document declares " +
                                                declared_types(*declared)));
    return out;
  }
  const std::string media_type = text::normalize_media_type(response.content_type);
  const model::DeclaredContent* content = content_for(*declared, media_type);
  if (content == nullptr) {
    out.push_back(violation("content-type", "'" + media_type + "' is not declared for " +
                                                declared->declared +
                                                " (declared: " + declared_types(*declared) + ")"));
    return out;
  }
  // A streamed body is passed on as it comes: only its head is checked.
  if (!content->is_json || !content->schema || is_encoded(response) || response.stream) return out;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    out.push_back(violation("content-type", "the body is not the JSON its media type says"));
    return out;
  }
  content->schema->validate(body, ErrorSource::kResponse, "", out);
  return out;
}

std::string describe_violations(const std::vector<FieldError>& violations) {
  std::string out;
  for (const FieldError& v : violations) {
    if (!out.empty()) out += "; ";
    out += (v.name.empty() ? (v.pointer.empty() ? "/" : v.pointer) : v.name) + ": " + v.detail;
  }
  return out;
}

}  // namespace apiserver::pipeline
