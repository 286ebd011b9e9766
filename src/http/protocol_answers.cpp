// Answers the server writes without the application (see protocol_answers.hpp).
#include "http/protocol_answers.hpp"

#include <cctype>
#include <string_view>

#include "http/response.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {
namespace {

Problem problem_for_status(int status, std::string detail) {
  ProblemCode code = ProblemCode::kBadRequest;
  switch (status) {
    case 408:
      code = ProblemCode::kRequestTimeout;
      break;
    case 413:
      code = ProblemCode::kPayloadTooLarge;
      break;
    case 417:
      code = ProblemCode::kExpectationFailed;
      break;
    case 431:
      code = ProblemCode::kHeadersTooLarge;
      break;
    case 501:
      code = ProblemCode::kNotImplemented;
      break;
    case 505:
      code = ProblemCode::kHttpVersionNotSupported;
      break;
    default:
      break;
  }
  return Problem::make(code, std::move(detail));
}

}  // namespace

std::string protocol_error_bytes(int status, std::string detail, const std::string& path) {
  Problem problem = problem_for_status(status, std::move(detail));
  Response response;
  response.status = problem.status();
  response.content_type = "application/problem+json";
  response.body = render_problem_json(problem, path);
  std::string out;
  serialize_response(response, false, "close", out);
  return out;
}

bool keeps_alive(const Request& request) {
  const std::string* connection = request.header("connection");
  auto has = [&](std::string_view token) {
    if (connection == nullptr) return false;
    std::string lowered = *connection;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lowered.find(token) != std::string::npos;
  };
  if (request.version_minor == 0) return has("keep-alive");
  return !has("close");
}

}  // namespace apiserver::http
