// The list parameters a stored list accepts beyond what its operation declares (`limit`,
// `offset`, `sort`, a filter per property with its operators), added to the published
// document so that /docs and client generators see what the server really takes.
#pragma once

#include "model/model.hpp"
#include "spec/document.hpp"

namespace apiserver::ops {

// Adds to `root` (the bundled document) the list parameters of every stored list operation of
// `api` that the operation does not declare itself.
void describe_list_parameters(const model::Api& api, spec::Json& root);

}  // namespace apiserver::ops
