// The problem catalogue (status, type slug and title of every ProblemCode) and the RFC 9457
// application/problem+json writer.
#include "problem/problem.hpp"

#include <charconv>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

#include "text/json_escape.hpp"

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

// Written straight into one string, in member order: a 422 is answered as often as a valid
// write, and building a JSON value only to dump it cost as much as validating the body.
std::string render_problem_json(const Problem& problem, const std::string& instance, int status) {
  const CatalogueEntry& e = entry(problem.code);
  std::string out;
  out.reserve(160 + problem.detail.size() + instance.size() + problem.errors.size() * 96);
  out += R"({"type":"urn:apiserver:problem:)";
  out += e.slug;
  out += R"(","title":")";
  out += e.title;  // catalogue text: nothing to escape
  out += R"(","status":)";
  char digits[16];
  const auto written =
      std::to_chars(digits, digits + sizeof digits, status != 0 ? status : e.status);
  out.append(digits, written.ptr);
  // Client input (paths, names, values) may hold anything: append_json_string escapes it and
  // replaces invalid UTF-8, so the body is always valid JSON.
  if (!problem.detail.empty()) {
    out += R"(,"detail":)";
    text::append_json_string(problem.detail, out);
  }
  if (!instance.empty()) {
    out += R"(,"instance":)";
    text::append_json_string(instance, out);
  }
  if (!problem.errors.empty()) {
    out += R"(,"errors":[)";
    bool first = true;
    for (const FieldError& error : problem.errors) {
      if (!first) out += ',';
      first = false;
      out += R"({"in":")";
      out += to_string(error.source);
      out += '"';
      if (!error.name.empty()) {
        out += R"(,"name":)";
        text::append_json_string(error.name, out);
      }
      out += R"(,"pointer":)";
      text::append_json_string(error.pointer, out);
      out += R"(,"detail":)";
      text::append_json_string(error.detail, out);
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace apiserver
