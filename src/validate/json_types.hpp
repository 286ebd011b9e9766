// The names JSON Schema gives its types, and the message for a `type` that names none of them:
// it quotes the value and, when one valid name is a typo away, suggests it.
#pragma once

#include <string>
#include <vector>

#include "spec/document.hpp"

namespace apiserver::validate {

// JSON Schema's types as bits, for checks that allow several at once (`type: [string, null]`).
enum JsonTypeBit : unsigned {
  kNullBit = 1,
  kBooleanBit = 2,
  kIntegerBit = 4,
  kNumberBit = 8,
  kStringBit = 16,
  kArrayBit = 32,
  kObjectBit = 64,
  kAllTypes = 127,
};

// The bit of one type name ("number" is kNumberBit alone); 0 for a name that is no type.
unsigned json_type_bit(const std::string& name);

// What a `type` allows, as its error says it: "an integer or null" for [integer, null]; the
// names in the keyword's order. Empty when a name is no type.
std::string type_description(const std::vector<std::string>& names);

// True for "array", "boolean", "integer", "null", "number", "object" and "string".
bool is_json_type_name(const std::string& name);

// "type 'strng' is not a JSON Schema type; did you mean 'string'? (one of: array, boolean,
// integer, null, number, object, string)"; `value` may be any JSON (a number, a list item).
std::string unknown_type_message(const spec::Json& value);

}  // namespace apiserver::validate
