// Fills an operation's declared error responses (model::ErrorPlan) with a problem: the per-
// request half of declared error answers. Everything that depends only on the document (the
// status, the template, where each member comes from) was compiled at start-up; here the
// problem's values go into a copy of the template, which is checked against the declared
// schema before it is sent. specs/errors.md states the rules.
#pragma once

#include <string>

#include "model/error_plan.hpp"
#include "problem/declared_errors.hpp"

namespace apiserver::pipeline {

class DeclaredErrorShaper final : public DeclaredErrors {
 public:
  explicit DeclaredErrorShaper(const model::ErrorPlan& plan) : plan_(plan) {}

  void shape(const Problem& problem, const std::string& instance, ShapedError& out) const override;

 private:
  const model::ErrorPlan& plan_;
};

// The body `shape` (a kTemplate shape) makes of `problem` sent with `status`, unchecked.
nlohmann::ordered_json fill_error_template(const model::ErrorShape& shape, const Problem& problem,
                                           const std::string& instance, int status);

}  // namespace apiserver::pipeline
