// Answers the server writes without the application (see protocol_answers.hpp).
#include "http/protocol_answers.hpp"

#include <cctype>
#include <string_view>

#include "http/error_writer.hpp"

namespace apiserver::http {
std::string closing_answer_bytes(const Response& response) {
  std::string out;
  serialize_response(response, false, "close", out);
  return out;
}

std::string protocol_error_bytes(const Problem& problem, const std::string& path) {
  Response response;
  write_error(problem, path, nullptr, response);
  return closing_answer_bytes(response);
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
