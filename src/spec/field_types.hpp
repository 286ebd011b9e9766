// The JSON types of the fixed fields the server reads (OpenAPI 3.0/3.1 and JSON Schema):
// `required: "yes"` on a Parameter, `nullable: tru` in a schema or `operationId: 5` is refused
// at start-up with its file and line, so that no later stage meets a value of the wrong type.
#pragma once

#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::spec {

// The OpenAPI objects whose fields are checked.
enum class FieldOwner {
  kRoot,
  kPathItem,
  kOperation,
  kParameter,  // Parameter or Header
  kRequestBody,
  kMediaType,
  kEncoding,
  kSchema,
  kSecurityScheme,
};

// Reports every checked field of `object` (of kind `owner`) whose value has the wrong type.
void check_field_types(const Document& document, const NodeRef& object, FieldOwner owner,
                       Diagnostics& diagnostics);

}  // namespace apiserver::spec
