// What the compiler needs to know about a schema besides how to validate it:
// its JSON types, nullability, read/write-only flags, default, and for object
// schemas the properties (with allOf flattened).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spec/document.hpp"

namespace apiserver::spec {

struct SchemaFacts {
  std::vector<std::string> types;  // declared types other than "null"; empty: any
  bool nullable = false;
  bool read_only = false;
  bool write_only = false;
  std::optional<spec::Json> default_value;
  spec::NodeRef resolved;  // the schema after following $ref
};

// Follows $ref (and single-member allOf wrappers) and reads the facts.
SchemaFacts schema_facts(const spec::Document& document, const spec::NodeRef& schema);

struct ObjectProperty {
  std::string name;
  spec::NodeRef schema;  // as written (may be a $ref)
  SchemaFacts facts;
  bool required = false;
};

// Properties of an object schema, allOf branches merged in order. Returns
// false when `schema` does not describe an object with named properties.
bool object_properties(const spec::Document& document, const spec::NodeRef& schema,
                       std::vector<ObjectProperty>& out);

// If `schema` is a $ref to #/components/schemas/NAME, NAME; else empty.
std::string component_name(const spec::Document& document, const spec::NodeRef& schema);

}  // namespace apiserver::spec
