// The x-apiserver-* keys of a stored resource's item schema: seed rows and row ownership.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// x-apiserver-seed: a list of items, or the path (relative to the document file) of a YAML or
// JSON file holding one. Every row is validated against resource.item_schema now; the valid
// ones go to resource.seed_rows.
void read_seed(const spec::Document& document, model::Resource& resource,
               const spec::NodeRef& schema, spec::Diagnostics& diagnostics);

// x-apiserver-owner: a property name, or {property, admins, admin-scope}.
void read_owner(const spec::Document& document, model::Resource& resource,
                const spec::NodeRef& schema, spec::Diagnostics& diagnostics);

// x-apiserver-if-match on the item schema: whether writes need If-Match.
void read_if_match(const spec::Document& document, model::Resource& resource,
                   const spec::NodeRef& schema, spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
