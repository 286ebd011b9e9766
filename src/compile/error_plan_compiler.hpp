// Compiles each operation's error plan (model::ErrorPlan) from its declared responses and the
// x-apiserver-error extension, once at start-up: for every kind of problem the server can
// raise, which declared response answers it (status, media type, body template and the
// members filled from the problem). specs/errors.md states the rules.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Sets Operation::errors of every operation of `api`. Bad x-apiserver-error values are
// errors in `diagnostics`, located; a declared error body that cannot be built is not (that
// response is answered as problem+json, logged on first use).
void compile_error_plans(const spec::Document& document, model::Api& api,
                         spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
