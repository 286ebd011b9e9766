// The handler the HTTP server calls, whose target can be replaced while requests run: a
// reload swaps in a new compiled document, and requests already running finish on the one
// they started with (each holds a reference until it is done).
#pragma once

#include <atomic>
#include <memory>

#include "http/answer_later.hpp"
#include "http/server.hpp"

namespace apiserver::ops {

class SwappableHandler final : public http::RequestHandler {
 public:
  explicit SwappableHandler(std::shared_ptr<http::RequestHandler> initial)
      : current_(std::move(initial)) {}

  void handle(const http::Request& request, http::Response& response) override {
    std::shared_ptr<http::RequestHandler> target = std::atomic_load(&current_);
    target->handle(request, response);
    // An answer given later is finished by this target's code: it stays until then.
    if (response.later) response.later->keep(std::move(target));
  }

  void answer_error(const Problem& problem, const http::Request& request,
                    http::Response& response) override {
    std::shared_ptr<http::RequestHandler> target = std::atomic_load(&current_);
    target->answer_error(problem, request, response);
  }

  void swap(std::shared_ptr<http::RequestHandler> next) {
    std::atomic_store(&current_, std::move(next));
  }

 private:
  std::shared_ptr<http::RequestHandler> current_;
};

}  // namespace apiserver::ops
