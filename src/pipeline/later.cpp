// Answers given after handle() returned (see later.hpp).
#include "pipeline/later.hpp"

#include <spdlog/spdlog.h>

#include "http/error_writer.hpp"

namespace apiserver::pipeline {

void Later::finish(std::optional<Problem> problem, http::Response response) {
  finish_steps(problem, response);
  slot_->send(std::move(response));
}

bool Later::start_stream(http::Response head) {
  head.stream = true;
  std::optional<Problem> problem;
  finish_steps(problem, head);
  bool streams = head.stream;
  slot_->send(std::move(head));
  return streams;
}

void Later::finish_steps(std::optional<Problem>& problem, http::Response& response) {
  Outcome outcome;
  try {
    pipeline_(problem, request(), response, outcome);
    if (service_) service_(request(), response, outcome);
  } catch (const std::exception& e) {
    // The slot must be answered whatever happens, or its connection waits forever.
    spdlog::error("{} {}: finishing the answer failed: {}", request().method, request().path,
                  e.what());
    response = http::Response();
    http::write_error(Problem::make(ProblemCode::kInternal, ""), request().path, nullptr, response);
  }
}

}  // namespace apiserver::pipeline
