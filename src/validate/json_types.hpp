// The names JSON Schema gives its types, and the message for a `type` that names none of them:
// it quotes the value and, when one valid name is a typo away, suggests it.
#pragma once

#include <string>

#include "spec/document.hpp"

namespace apiserver::validate {

// True for "array", "boolean", "integer", "null", "number", "object" and "string".
bool is_json_type_name(const std::string& name);

// "type 'strng' is not a JSON Schema type; did you mean 'string'? (one of: array, boolean,
// integer, null, number, object, string)"; `value` may be any JSON (a number, a list item).
std::string unknown_type_message(const spec::Json& value);

}  // namespace apiserver::validate
