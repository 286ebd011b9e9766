// The one writer of error answers (see error_writer.hpp).
#include "http/error_writer.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace apiserver::http {

void write_error(const Problem& problem, const std::string& instance,
                 const DeclaredErrors* declared, Response& response) {
  ShapedError shaped;
  shaped.status = problem.status();
  if (declared != nullptr) {
    try {
      declared->shape(problem, instance, shaped);
    } catch (const std::exception& e) {
      // A defect in shaping must not cost the answer: the natural problem goes out.
      spdlog::error("shaping the {} answer for {} failed: {}", problem.status(), instance,
                    e.what());
      shaped = ShapedError{problem.status(), "", ""};
    }
  }
  response = Response{};
  response.status = shaped.status;
  response.headers = problem.headers;
  if (shaped.content_type.empty()) {
    response.content_type = "application/problem+json";
    response.body = render_problem_json(problem, instance, shaped.status);
  } else {
    response.content_type = std::move(shaped.content_type);
    response.body = std::move(shaped.body);
  }
}

}  // namespace apiserver::http
