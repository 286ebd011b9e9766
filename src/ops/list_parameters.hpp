// The list parameters a stored list accepts beyond what its operation declares (`limit`,
// `offset`, `sort`, `fields`, a filter per property with its operators), and the `fields` of a
// stored read, added to the published document so that /docs and client generators see what
// the server really takes.
#pragma once

#include "model/model.hpp"
#include "spec/document.hpp"

namespace apiserver::ops {

// Adds to `root` (the bundled document) the parameters of every stored list and read of `api`
// that the operation does not declare itself.
void describe_list_parameters(const model::Api& api, spec::Json& root);

}  // namespace apiserver::ops
