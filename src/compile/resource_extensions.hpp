// The x-apiserver-* keys of a stored resource's item schema: seed rows, row ownership,
// preconditions and what lists may query.
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

// x-apiserver-filter, x-apiserver-sort: the properties a list may filter and sort by (each
// gets an index); x-apiserver-search: the text properties `q=` searches.
void read_query_surface(const spec::Document& document, model::Resource& resource,
                        const spec::NodeRef& schema, spec::Diagnostics& diagnostics);

// Whether the item schema `schema` asks for storage itself: one of its storage keys, or
// x-apiserver-stamp or x-apiserver-mock on one of its properties. Then what keeps it from being
// stored is an error, not a fallback to mocks.
bool declares_storage(const spec::Document& document, const spec::NodeRef& schema);

// An x-apiserver-* key of a stored item schema that is none of the above is an error: a typo
// must not pass for a setting.
void check_schema_extensions(const spec::Document& document, const spec::NodeRef& schema,
                             spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
