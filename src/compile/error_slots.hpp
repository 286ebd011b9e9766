// Where a declared error schema carries the problem: the members filled from it by their usual
// names (message, title, code, status, ...; lists of field errors under errors/details/
// violations; nested `error: {...}` objects; Conduit's `errors: {body: [...]}`).
// specs/errors.md lists the names.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/error_plan.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Appends the slots found in `schema` (an object schema of a declared error response) to
// `out`, their pointers relative to the value `schema` describes.
void find_error_slots(const spec::Document& document, const spec::NodeRef& schema,
                      std::vector<model::ErrorSlot>& out);

// A slot filling the member at `pointer` of `schema` with `field`; nullopt with the reason in
// `why` when there is no such member or it cannot hold that value.
std::optional<model::ErrorSlot> error_slot_at(const spec::Document& document,
                                              const spec::NodeRef& schema,
                                              const std::string& pointer, model::ErrorField field,
                                              std::string& why);

}  // namespace apiserver::compile
