// Compiles one Operation Object: its parameters (path-level ones merged in),
// request body and response media types. CRUD mapping happens afterwards, in
// resource_mapper, because it looks at several operations together.
#pragma once

#include <string>

#include "compile/model.hpp"
#include "compile/schema_cache.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// `path_item` is the (dereferenced) Path Item holding `operation_node`.
// `template_params` are the parameter names of the path template.
model::Operation compile_operation(const spec::Document& document, SchemaCache& schemas,
                                   const std::string& method, const std::string& path_template,
                                   const std::vector<std::string>& template_params,
                                   const spec::NodeRef& path_item,
                                   const spec::NodeRef& operation_node,
                                   spec::Diagnostics& diagnostics);

// Lower-cased media type without parameters: "Application/JSON; charset=utf-8" ->
// "application/json".
std::string normalize_media_type(const std::string& media_type);

// application/json, application/*+json and the like.
bool is_json_media_type(const std::string& normalized);

}  // namespace apiserver::compile
