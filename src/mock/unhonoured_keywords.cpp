#include "mock/unhonoured_keywords.hpp"

namespace apiserver::mock {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

// What neither the generator nor the example check implements.
constexpr const char* kUnhonoured[] = {
    "unevaluatedProperties", "unevaluatedItems", "$dynamicRef",      "$recursiveRef",
    "minContains",           "maxContains",      "dependentSchemas",
};

}  // namespace

void UnhonouredKeywords::report(const NodeRef& schema) {
  walk(schema);
}

void UnhonouredKeywords::walk(const NodeRef& schema) {
  if (!schema.valid() || !schema.node->is_object()) return;
  if (!walked_.insert({schema.file, schema.pointer}).second) return;
  for (const char* key : kUnhonoured) {
    NodeRef at = Document::child(schema, key);
    if (!at.valid()) continue;
    Diagnostic warning = document_.at(
        at, Diagnostic::Severity::kWarning,
        std::string("'") + key +
            "' is not honoured by the mock: the answers it builds from this response schema, and "
            "the examples it serves, are not held to it");
    warning.not_enforced = true;
    diagnostics_.add(std::move(warning));
  }
  if (auto ref = schema.node->find("$ref"); ref != schema.node->end() && ref->is_string()) {
    // Broken references were reported when the document was loaded.
    if (auto target = document_.resolve(*schema.file, ref->get<std::string>())) walk(*target);
  }
  for (const char* key : {"properties", "patternProperties", "$defs", "definitions"})
    walk_each_value(Document::child(schema, key));
  for (const char* key : {"allOf", "anyOf", "oneOf", "prefixItems"})
    walk_each_item(Document::child(schema, key));
  for (const char* key : {"additionalProperties", "additionalItems", "not", "contains",
                          "propertyNames", "if", "then", "else"})
    walk(Document::child(schema, key));
  NodeRef items = Document::child(schema, "items");
  if (items.valid() && items.node->is_array()) {
    walk_each_item(items);
  } else {
    walk(items);
  }
}

void UnhonouredKeywords::walk_each_value(const NodeRef& map) {
  if (!map.valid() || !map.node->is_object()) return;
  for (const auto& [name, ignored] : map.node->items()) walk(Document::child(map, name));
}

void UnhonouredKeywords::walk_each_item(const NodeRef& list) {
  if (!list.valid() || !list.node->is_array()) return;
  for (size_t i = 0; i < list.node->size(); ++i) walk(Document::item(list, i));
}

}  // namespace apiserver::mock
