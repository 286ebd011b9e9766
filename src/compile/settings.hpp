// Reads the server-wide `x-apiserver` object at the document root.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Fills `settings` from the document; unknown keys and bad values are errors.
void read_settings(const spec::Document& document, model::Settings& settings,
                   spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
