// The problem catalogue (status, type slug and title of every ProblemCode) and the RFC 9457
// application/problem+json writer.
#include "problem/problem.hpp"

#include <cstddef>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace apiserver {
namespace {

struct CatalogueEntry {
  ProblemCode code;  // the entry's own index, so that an entry out of place fails to compile
  int status;
  const char* slug;
  const char* title;
};

// Indexed by ProblemCode, checked below. Slugs are part of the public contract.
constexpr CatalogueEntry kCatalogue[] = {
    {ProblemCode::kNotFound, 404, "not-found", "No such resource"},
    {ProblemCode::kMethodNotAllowed, 405, "method-not-allowed", "Method not allowed"},
    {ProblemCode::kNotAcceptable, 406, "not-acceptable", "Not acceptable"},
    {ProblemCode::kUnsupportedMediaType, 415, "unsupported-media-type", "Unsupported media type"},
    {ProblemCode::kPayloadTooLarge, 413, "payload-too-large", "Request body too large"},
    {ProblemCode::kMalformedBody, 400, "malformed-body", "Malformed request body"},
    {ProblemCode::kBadRequest, 400, "bad-request", "Bad request"},
    {ProblemCode::kValidationFailed, 422, "validation-failed", "Request validation failed"},
    {ProblemCode::kResourceNotFound, 404, "resource-not-found", "Resource not found"},
    {ProblemCode::kConflict, 409, "conflict", "Conflict"},
    {ProblemCode::kNotImplemented, 501, "not-implemented", "Not implemented"},
    {ProblemCode::kServiceUnavailable, 503, "service-unavailable", "Service unavailable"},
    {ProblemCode::kRequestTimeout, 408, "request-timeout", "Request timeout"},
    {ProblemCode::kHeadersTooLarge, 431, "headers-too-large", "Request header fields too large"},
    {ProblemCode::kExpectationFailed, 417, "expectation-failed", "Expectation failed"},
    {ProblemCode::kHttpVersionNotSupported, 505, "http-version-not-supported",
     "HTTP version not supported"},
    {ProblemCode::kUndeclaredPreference, 400, "undeclared-preference", "Preference not declared"},
    {ProblemCode::kInjectedFailure, 503, "injected-failure", "Injected failure"},
    {ProblemCode::kUnauthorized, 401, "unauthorized", "Authentication required"},
    {ProblemCode::kForbidden, 403, "forbidden", "Forbidden"},
    {ProblemCode::kTooManyRequests, 429, "rate-limited", "Too many requests"},
    {ProblemCode::kPreconditionFailed, 412, "precondition-failed", "Precondition failed"},
    {ProblemCode::kPreconditionRequired, 428, "precondition-required", "Precondition required"},
    {ProblemCode::kBadGateway, 502, "bad-gateway", "Bad gateway"},
    {ProblemCode::kGatewayTimeout, 504, "gateway-timeout", "Gateway timeout"},
    {ProblemCode::kInternal, 500, "internal", "Internal server error"},
};

constexpr std::size_t kCodeCount = static_cast<std::size_t>(ProblemCode::kCount);
static_assert(std::size(kCatalogue) == kCodeCount,
              "kCatalogue needs exactly one entry per ProblemCode");

constexpr bool catalogue_in_enum_order() {
  for (std::size_t i = 0; i < kCodeCount; ++i)
    if (static_cast<std::size_t>(kCatalogue[i].code) != i) return false;
  return true;
}
static_assert(catalogue_in_enum_order(),
              "kCatalogue entries must follow the order of ProblemCode: entry i is code i");

// kCount is no code; a Problem holding it reads as an internal error rather than past the end.
const CatalogueEntry& entry(ProblemCode code) {
  const auto index = static_cast<std::size_t>(code);
  if (index >= kCodeCount) return kCatalogue[static_cast<std::size_t>(ProblemCode::kInternal)];
  return kCatalogue[index];
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
    case ErrorSource::kResponse:
      return "response";
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
const char* Problem::slug() const {
  return entry(code).slug;
}

std::optional<ProblemCode> problem_code_of_slug(std::string_view slug) {
  for (const CatalogueEntry& e : kCatalogue)
    if (slug == e.slug) return e.code;
  return std::nullopt;
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

std::string render_problem_json(const Problem& problem, const std::string& instance, int status) {
  nlohmann::ordered_json body = {
      {"type", problem.type()},
      {"title", problem.title()},
      {"status", status != 0 ? status : problem.status()},
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
