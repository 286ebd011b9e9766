// x-apiserver.response-validation, x-apiserver-response-validation (Path Item, Operation) ->
// Operation::response_contract: the declared responses answers are checked against.
#pragma once

#include "compile/schema_cache.hpp"
#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// The nearest declaration (`enforce`, `report` or `off`) wins. Without one, forwarded
// operations report, and the others are checked only when `check_every_answer`
// (--validate-responses), reporting. Runs once upstreams are known.
void compile_response_contracts(const spec::Document& document, SchemaCache& schemas,
                                model::Api& api, bool check_every_answer,
                                spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
