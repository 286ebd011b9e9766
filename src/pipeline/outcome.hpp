// What became of a request, for the metrics and the access log of the service around the
// pipeline.
#pragma once

namespace apiserver::pipeline {

struct Outcome {
  int operation = -1;           // index in model::Api::operations; -1: no operation matched
  bool database_error = false;  // a stored operation that the database failed (busy or broken)
  int response_violations = 0;  // how the answer broke the declared responses (checked ones)
};

}  // namespace apiserver::pipeline
