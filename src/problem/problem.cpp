#include "problem/problem.hpp"

#include <nlohmann/json.hpp>

namespace apiserver {
namespace {

struct CatalogueEntry {
  int status;
  const char* slug;
  const char* title;
};

// Indexed by ProblemCode. Slugs are part of the public contract.
constexpr CatalogueEntry kCatalogue[] = {
    {404, "not-found", "No such resource"},
    {405, "method-not-allowed", "Method not allowed"},
    {406, "not-acceptable", "Not acceptable"},
    {415, "unsupported-media-type", "Unsupported media type"},
    {413, "payload-too-large", "Request body too large"},
    {400, "malformed-body", "Malformed request body"},
    {400, "bad-request", "Bad request"},
    {422, "validation-failed", "Request validation failed"},
    {404, "resource-not-found", "Resource not found"},
    {409, "conflict", "Conflict"},
    {501, "not-implemented", "Not implemented"},
    {503, "service-unavailable", "Service unavailable"},
    {408, "request-timeout", "Request timeout"},
    {431, "headers-too-large", "Request header fields too large"},
    {417, "expectation-failed", "Expectation failed"},
    {505, "http-version-not-supported", "HTTP version not supported"},
    {400, "undeclared-preference", "Preference not declared"},
    {503, "injected-failure", "Injected failure"},
    {401, "unauthorized", "Authentication required"},
    {403, "forbidden", "Forbidden"},
    {429, "rate-limited", "Too many requests"},
    {500, "internal", "Internal server error"},
};

const CatalogueEntry& entry(ProblemCode code) {
  return kCatalogue[static_cast<int>(code)];
}

}  // namespace

const char* to_string(ErrorSource source) {
  switch (source) {
    case ErrorSource::kBody:
      return "body";
    case ErrorSource::kPath:
      return "path";
    case ErrorSource::kQuery:
      return "query";
    case ErrorSource::kHeader:
      return "header";
    case ErrorSource::kCookie:
      return "cookie";
  }
  return "body";
}

int Problem::status() const {
  return entry(code).status;
}
const char* Problem::title() const {
  return entry(code).title;
}
std::string Problem::type() const {
  return std::string("urn:apiserver:problem:") + entry(code).slug;
}

Problem Problem::make(ProblemCode code, std::string detail) {
  Problem p;
  p.code = code;
  p.detail = std::move(detail);
  return p;
}

Problem Problem::validation(std::vector<FieldError> errors) {
  Problem p = make(ProblemCode::kValidationFailed,
                   errors.size() == 1 ? "1 error in the request"
                                      : std::to_string(errors.size()) + " errors in the request");
  p.errors = std::move(errors);
  return p;
}

Problem&& Problem::with_header(std::string name, std::string value) && {
  headers.emplace_back(std::move(name), std::move(value));
  return std::move(*this);
}

std::string render_problem_json(const Problem& problem, const std::string& instance) {
  nlohmann::ordered_json body = {
      {"type", problem.type()},
      {"title", problem.title()},
      {"status", problem.status()},
  };
  if (!problem.detail.empty()) body["detail"] = problem.detail;
  if (!instance.empty()) body["instance"] = instance;
  if (!problem.errors.empty()) {
    nlohmann::ordered_json errors = nlohmann::ordered_json::array();
    for (const FieldError& e : problem.errors) {
      nlohmann::ordered_json item = {{"in", to_string(e.source)}};
      if (!e.name.empty()) item["name"] = e.name;
      item["pointer"] = e.pointer;
      item["detail"] = e.detail;
      errors.push_back(std::move(item));
    }
    body["errors"] = std::move(errors);
  }
  // Replace invalid UTF-8 from client input rather than throwing.
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace apiserver
