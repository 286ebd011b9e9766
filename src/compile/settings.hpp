// Reads the server-wide `x-apiserver` object at the document root.
#pragma once

#include "compile/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Fills `settings` from the document; unknown keys and bad values are errors.
void read_settings(const spec::Document& document, model::Settings& settings,
                   spec::Diagnostics& diagnostics);

// "1MiB", "512KB", "2048" -> bytes; false when not a size.
bool parse_byte_size(const spec::Json& value, size_t& out);

// "200ms", "2s", "1m", "1h", "1d", 150 (milliseconds) -> duration; false when not one.
bool parse_duration(const spec::Json& value, std::chrono::milliseconds& out);

// Reads {delay: 200ms | {min: 100ms, max: 1s}, error-rate: 0.1} at `node`
// (x-apiserver.mock, or x-apiserver-mock on an operation) over `knobs`.
void read_mock_knobs(const spec::Document& document, const spec::NodeRef& node,
                     model::MockKnobs& knobs, spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
