// x-apiserver.rate-limit, x-apiserver-rate-limit (Path Item, Operation) and
// x-apiserver.trusted-proxies -> Api::rate_limits, each operation's policies.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// The nearest declaration wins (operation, then path item, then document); `false` exempts.
// One declaration is one budget, shared by every operation it covers.
void compile_rate_limits(const spec::Document& document, model::Api& api,
                         spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
