// The one error type of the request pipeline and its RFC 9457 rendering.
//
// Every failure a client can cause ends as a Problem; one writer (http/error_writer) turns it
// into the answer: the error response the operation declares, else application/problem+json. Codes
// are stable and grep-able: they name the catalogue entry in problem.cpp and never change meaning
// once released.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver {

// Where a field error was found: the request part it belongs to.
// Where an error is: in the request (body, parameters), or in an answer that breaks the
// document (response validation: its status, content type, headers or body).
enum class ErrorSource { kBody, kPath, kQuery, kHeader, kCookie, kResponse };

const char* to_string(ErrorSource source);

// One problem with one field. `pointer` is a JSON pointer (RFC 6901) into the
// body, or into the decoded parameter value for parameters; `name` names the
// parameter and is empty for body errors.
struct FieldError {
  ErrorSource source = ErrorSource::kBody;
  std::string name;
  std::string pointer;
  std::string detail;
};

enum class ProblemCode {
  kNotFound,                 // 404: no route for the path
  kMethodNotAllowed,         // 405: route exists, method does not
  kNotAcceptable,            // 406: Accept header excludes every response type
  kUnsupportedMediaType,     // 415: body media type not declared
  kPayloadTooLarge,          // 413: body over the configured limit
  kMalformedBody,            // 400: body is not the JSON it claims to be
  kBadRequest,               // 400: request not well-formed HTTP or not interpretable
  kValidationFailed,         // 422: parameters or body break the schema
  kResourceNotFound,         // 404: stored row with that key does not exist
  kConflict,                 // 409: the write conflicts with stored data
  kNotImplemented,           // 501: operation has no handler
  kServiceUnavailable,       // 503: storage busy or unavailable
  kRequestTimeout,           // 408: client too slow
  kHeadersTooLarge,          // 431: request line + headers over the limit
  kExpectationFailed,        // 417: an Expect other than 100-continue
  kHttpVersionNotSupported,  // 505: not HTTP/1.x
  kUndeclaredPreference,     // 400: Prefer asks for a status or example the document lacks
  kInjectedFailure,          // 503: a mock's error-rate picked this request
  kUnauthorized,             // 401: credentials missing or refused
  kForbidden,                // 403: identified, but lacking a required scope
  kTooManyRequests,          // 429: a rate-limit policy refused the request
  kPreconditionFailed,       // 412: If-Match names no current version of the item
  kPreconditionRequired,     // 428: the resource takes writes with If-Match only
  kBadGateway,               // 502: the upstream could not be reached or answered badly
  kGatewayTimeout,           // 504: the upstream did not answer in time
  kInternal,                 // 500: a defect; details are logged, never sent
  // Not a code: how many codes there are. Keep it last; problem.cpp checks that its
  // catalogue has one entry per code, in this order.
  kCount,
};

// The code whose catalogue slug is `slug` ("validation-failed"), for documents that name kinds
// of error (x-apiserver-error).
std::optional<ProblemCode> problem_code_of_slug(std::string_view slug);

struct Problem {
  ProblemCode code = ProblemCode::kInternal;
  std::string detail;
  std::vector<FieldError> errors;
  std::vector<std::pair<std::string, std::string>> headers;

  int status() const;
  const char* title() const;
  // The `type` member: a stable URN naming the catalogue entry.
  std::string type() const;
  // The catalogue entry's slug ("validation-failed"), the last part of type().
  const char* slug() const;

  // Builders for the common cases, so call sites read as sentences.
  static Problem make(ProblemCode code, std::string detail);
  // 422 with `errors`, its detail counting them.
  static Problem validation(std::vector<FieldError> errors);
  Problem&& with_header(std::string name, std::string value) &&;
};

// The RFC 9457 body of `problem` for a request at `instance` (the request path). `status` is
// the status the answer is sent with (0: the problem's own): a declared response may pick
// another one (400 for a validation failure), and the member must match the answer.
std::string render_problem_json(const Problem& problem, const std::string& instance,
                                int status = 0);

}  // namespace apiserver
