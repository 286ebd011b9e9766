// The columns of a stored resource: one per property of its item schema, typed by the
// property's schema, and its key (x-apiserver-key, the item path's parameter, or an implicit
// integer `id` the schema does not show).
#pragma once

#include <string>

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {

// Fills resource.columns, resource.key and resource.key_kind from the object schema `schema`
// (whose facts are `facts`); false after reporting why it cannot be stored.
bool build_columns(const spec::Document& document, model::Resource& resource,
                   const spec::NodeRef& schema, const spec::SchemaFacts& facts,
                   const std::string& key_param, spec::Diagnostics& diagnostics);

// A nested collection's column for its parent's key (model::ParentLink): the property named like
// the path parameter `parameter` that holds that key, where the schema has one, else a column the
// answers do not show. Indexed, for the lists of one parent's children. Returns its index, or
// -1 after reporting why it cannot be.
int add_parent_column(const spec::Document& document, model::Resource& resource,
                      const spec::NodeRef& schema, const std::string& parameter,
                      const model::Resource& parent, spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
