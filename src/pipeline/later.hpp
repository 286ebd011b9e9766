// Answers a handler gives after the pipeline's handle() returned (http/answer_later.hpp): a
// stored write is answered once the transaction holding it has committed. The handler builds
// the answer, or a problem, on whatever thread completed the write; the pipeline and then the
// service finish it as they would have in handle() (a problem in the declared shape, rate-limit
// fields, CORS; request id, metrics, access log), and it is sent.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/answer_later.hpp"
#include "pipeline/outcome.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// A finishing step: the answer built so far, and what became of the request.
using FinishStep = std::function<void(const http::Request&, http::Response&, Outcome&)>;

class Later {
 public:
  // `pipeline` turns a problem into the answer and adds what every answer carries; `service`
  // runs after it.
  using PipelineStep =
      std::function<void(std::optional<Problem>&, const http::Request&, http::Response&, Outcome&)>;
  Later(std::shared_ptr<http::LaterAnswer> slot, PipelineStep pipeline, FinishStep service)
      : slot_(std::move(slot)), pipeline_(std::move(pipeline)), service_(std::move(service)) {}

  // The request being answered (a copy: the handler's stack is gone by the time it finishes).
  const http::Request& request() const { return slot_->request(); }
  // Keeps `owner` alive until the answer is sent.
  void keep(std::shared_ptr<const void> owner) { slot_->keep(std::move(owner)); }
  // Runs `cancel` once if the client leaves before the answer is sent.
  void when_abandoned(std::function<void()> cancel) { slot_->when_abandoned(std::move(cancel)); }
  // Finishes and sends the answer: `response`, or `problem` when there is one. Once.
  void finish(std::optional<Problem> problem, http::Response response);

  // A streamed answer: finishes `head` (its body to follow; http::Response::stream) as
  // finish() would, and sends it. False when the finish replaced it by a whole answer (a
  // problem): the body must not follow, and the answer is given.
  bool start_stream(http::Response head);
  // See http::LaterAnswer: the streamed body's next piece (false: wait for `resume`), its end.
  bool send_piece(std::string_view piece) { return slot_->send_piece(piece); }
  void on_resume(std::function<void()> resume) { slot_->on_resume(std::move(resume)); }
  void end_stream(bool complete) { slot_->end_stream(complete); }

 private:
  // Runs the finishing steps on `response`; a step that fails leaves a 500.
  void finish_steps(std::optional<Problem>& problem, http::Response& response);

  std::shared_ptr<http::LaterAnswer> slot_;
  PipelineStep pipeline_;
  FinishStep service_;
};

// What the service lends the pipeline for answers given later: its finishing step, asked for
// only when a request is answered later (it copies what it needs of the request at hand).
class ServiceFinish {
 public:
  virtual ~ServiceFinish() = default;
  virtual FinishStep step() const = 0;
  // The id the answer will carry in X-Request-Id (passed on to upstreams).
  virtual const std::string& request_id() const = 0;
};

// How a handler takes the answer of its request to give later; lent through Call.
class LaterSource {
 public:
  virtual ~LaterSource() = default;
  // Null when the answer must be given now (the request is not handled on an event loop).
  virtual std::shared_ptr<Later> take(http::Response& response) const = 0;
  // The request's id (X-Request-Id), when a service gives it one; else null.
  virtual const std::string* request_id() const = 0;
};

}  // namespace apiserver::pipeline
