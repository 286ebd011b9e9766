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

}  // namespace apiserver::compile
