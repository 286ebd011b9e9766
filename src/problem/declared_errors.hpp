// The seam between the one error writer (http/error_writer) and what an operation declares
// for its errors (model::ErrorPlan, filled by pipeline/declared_error_shaper). The writer sits
// below the model, so it sees the declared shapes only through this interface.
#pragma once

#include <string>

#include "problem/problem.hpp"

namespace apiserver {

// What a declared error response makes of a problem. An empty `content_type` means: the
// RFC 9457 problem+json body, sent with `status`.
struct ShapedError {
  int status = 500;
  std::string content_type;
  std::string body;
};

class DeclaredErrors {
 public:
  virtual ~DeclaredErrors() = default;
  // Shapes `problem` for a request at `instance`: `out` starts as the natural answer (the
  // problem's own status, problem+json) and is changed only where the document declares
  // otherwise. Must not throw.
  virtual void shape(const Problem& problem, const std::string& instance,
                     ShapedError& out) const = 0;
};

}  // namespace apiserver
