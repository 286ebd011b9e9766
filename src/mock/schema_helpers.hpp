// Reading schema keywords and JSON values the way the server's validator does: the helpers the
// mock value generator, its solver, builders and matcher share. Internal to mock/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/document.hpp"
#include "validate/json_types.hpp"

namespace apiserver::mock::detail {

// Ordered like the document, so that generated objects keep the schema's property order.
using Value = spec::Json;
// Where a schema lives: its file and JSON pointer.
using Location = std::pair<const spec::SourceFile*, std::string>;

constexpr size_t kMaxCount = 100000;  // longest string / array we are willing to build

// JSON equality whatever the key order: ordered_json's own == compares objects in order.
bool same_value(const Value& a, const Value& b);
bool contains_value(const std::vector<Value>& values, const Value& value);

Location location_of(const spec::NodeRef& node);

// Keyword readers: nullopt, false or "" when the keyword is absent or of another type.
std::optional<double> number_at(const spec::Json& schema, const char* key);
// True only for a boolean `true` (malformed documents may hold anything).
bool flag(const spec::Json& schema, const char* key);
std::string text_at(const spec::Json& schema, const char* key);
// A non-negative count (minLength, maxItems, ...), capped at ten times kMaxCount.
std::optional<size_t> count_at(const spec::Json& schema, const char* key);

// JSON types as bits, as the validator's type keyword sees them.
using validate::kAllTypes;
using validate::kArrayBit;
using validate::kBooleanBit;
using validate::kIntegerBit;
using validate::kNullBit;
using validate::kNumberBit;
using validate::kObjectBit;
using validate::kStringBit;

// The bits of a `type` name ("number" includes "integer"); 0 for an unknown name.
unsigned type_bit(const std::string& name);
// Bits `value` satisfies (an integral number satisfies "integer" and "number").
unsigned value_bits(const Value& value);
// The type bits a schema's `type` allows (with `nullable`); kAllTypes when it has none.
unsigned declared_types(const spec::Json& schema);

// valijson's multipleOf: integer divisors compare integers, others use remainder().
bool is_multiple(const Value& value, const spec::Json& divisor);

// The name of the component `target` is (#/components/schemas/NAME), or "" when it is none.
std::string component_of(const spec::NodeRef& target);

}  // namespace apiserver::mock::detail
