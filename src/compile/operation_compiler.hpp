// Compiles one Operation Object: its parameters (path-level ones merged in),
// request body and response media types. CRUD mapping happens afterwards, in
// resource_mapper, because it looks at several operations together.
#pragma once

#include <string>

#include "compile/schema_cache.hpp"
#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {

// `path_item` is the (dereferenced) Path Item holding `operation_node`.
// `template_params` are the parameter names of the path template.
model::Operation compile_operation(const spec::Document& document, SchemaCache& schemas,
                                   const std::string& method, const std::string& path_template,
                                   const std::vector<std::string>& template_params,
                                   const spec::NodeRef& path_item,
                                   const spec::NodeRef& operation_node,
                                   spec::Diagnostics& diagnostics);

// The one JSON type a value of `facts` has, for coercing text into it.
model::ValueShape value_shape(const spec::SchemaFacts& facts);

}  // namespace apiserver::compile
