// Reads the mock knobs a document declares: answer delays and injected failure rates.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::mock {

// Reads {delay: 200ms | {min: 100ms, max: 1s}, error-rate: 0.1} at `node`
// (x-apiserver.mock, or x-apiserver-mock on an operation) over `knobs`.
void read_mock_knobs(const spec::Document& document, const spec::NodeRef& node,
                     model::MockKnobs& knobs, spec::Diagnostics& diagnostics);

}  // namespace apiserver::mock
