// Decides which operations are stored and on which table.
//
// By convention a collection path `/things` with an item path `/things/{id}`
// maps GET/POST on the collection to list/create and GET/PUT/PATCH/DELETE on
// the item to read/replace/update/delete, on a table holding the item schema.
// `x-apiserver-crud` on an operation states or vetoes the action;
// `x-apiserver-table` on a schema names its table (or, with `false`, keeps it
// out of storage); `x-apiserver-key` names the key property.
#pragma once

#include "compile/schema_cache.hpp"
#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Turns the operations of resources without seed rows back into mocks and drops those
// resources (--mock).
void unmap_unseeded_resources(model::Api& api);

// `mock`: the server runs with --mock, where storage problems are warnings.
void map_resources(const spec::Document& document, SchemaCache& schemas, model::Api& api,
                   spec::Diagnostics& diagnostics, bool mock = false);

}  // namespace apiserver::compile
