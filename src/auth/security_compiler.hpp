// Document -> the security schemes the server checks and each operation's requirements;
// resolves every secret reference once, at start-up.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::auth {

// Fills `api.auth` and every operation's `security`. `mock`: schemes without configuration
// only check that a credential is present. Errors (a missing secret, an undeclared scheme, an
// owned resource open to anonymous callers) go to `diagnostics`.
void compile_security(const spec::Document& document, model::Api& api, bool mock,
                      spec::Diagnostics& diagnostics);

}  // namespace apiserver::auth
