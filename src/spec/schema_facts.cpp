#include "spec/schema_facts.hpp"

#include <set>

#include "spec/values.hpp"

namespace apiserver::spec {
namespace {

constexpr int kMaxAllOfDepth = 32;

NodeRef follow_quietly(const Document& document, const NodeRef& node) {
  spec::Diagnostics ignored;  // dangling $refs are reported by the schema translator
  return document.follow(node, ignored);
}

bool collect(const Document& document, const NodeRef& schema, std::vector<ObjectProperty>& out,
             std::set<std::string>& required, int depth) {
  NodeRef node = follow_quietly(document, schema);
  if (!node.valid() || !node.node->is_object() || depth > kMaxAllOfDepth) return false;
  bool found = false;
  if (NodeRef all_of = Document::child(node, "allOf"); all_of.valid() && all_of.node->is_array()) {
    for (size_t i = 0; i < all_of.node->size(); ++i)
      found = collect(document, Document::item(all_of, i), out, required, depth + 1) || found;
  }
  if (NodeRef req = Document::child(node, "required"); req.valid() && req.node->is_array()) {
    for (const Json& name : *req.node)
      if (name.is_string()) required.insert(name.get<std::string>());
  }
  NodeRef properties = Document::child(node, "properties");
  if (properties.valid() && properties.node->is_object()) {
    found = true;
    for (const auto& [name, value] : properties.node->items()) {
      ObjectProperty property;
      property.name = name;
      property.schema = Document::child(properties, name);
      property.facts = schema_facts(document, property.schema);
      bool replaced = false;
      for (ObjectProperty& existing : out) {
        if (existing.name == name) {  // a later allOf branch refines the property
          existing = property;
          replaced = true;
        }
      }
      if (!replaced) out.push_back(std::move(property));
    }
  }
  const Json* type = node.node->contains("type") ? &(*node.node)["type"] : nullptr;
  if (type != nullptr && type->is_string() && *type == "object") found = found || !out.empty();
  return found;
}

}  // namespace

SchemaFacts schema_facts(const Document& document, const NodeRef& schema) {
  SchemaFacts facts;
  // OpenAPI 3.1 applies keywords beside $ref: `{$ref: Id, readOnly: true}`.
  if (document.is_v31() && schema.valid() && schema.node->is_object() &&
      schema.node->contains("$ref")) {
    facts.read_only = bool_field(*schema.node, "readOnly");
    facts.write_only = bool_field(*schema.node, "writeOnly");
    if (schema.node->contains("default")) facts.default_value = (*schema.node)["default"];
  }
  NodeRef node = follow_quietly(document, schema);
  // `allOf: [{$ref: X}]` is how 3.0 documents add a description to a $ref.
  for (int i = 0; i < kMaxAllOfDepth && node.valid() && node.node->is_object(); ++i) {
    NodeRef all_of = Document::child(node, "allOf");
    if (!all_of.valid() || !all_of.node->is_array() || all_of.node->size() != 1 ||
        node.node->contains("type") || node.node->contains("properties"))
      break;
    facts.read_only = facts.read_only || bool_field(*node.node, "readOnly");
    facts.write_only = facts.write_only || bool_field(*node.node, "writeOnly");
    facts.nullable = facts.nullable || bool_field(*node.node, "nullable");
    if (node.node->contains("default")) facts.default_value = (*node.node)["default"];
    node = follow_quietly(document, Document::item(all_of, 0));
  }
  facts.resolved = node;
  if (!node.valid() || !node.node->is_object()) return facts;
  const Json& s = *node.node;
  facts.read_only = facts.read_only || bool_field(s, "readOnly");
  facts.write_only = facts.write_only || bool_field(s, "writeOnly");
  facts.nullable = facts.nullable || bool_field(s, "nullable");
  if (!facts.default_value && s.contains("default")) facts.default_value = s["default"];
  if (auto type = s.find("type"); type != s.end()) {
    std::vector<Json> listed;
    if (type->is_array()) {
      listed.assign(type->begin(), type->end());
    } else {
      listed.push_back(*type);
    }
    for (const Json& t : listed) {
      if (!t.is_string()) continue;
      if (t == "null") {
        facts.nullable = true;
      } else {
        facts.types.push_back(t.get<std::string>());
      }
    }
  } else if (s.contains("properties")) {
    facts.types.push_back("object");
  } else if (s.contains("items")) {
    facts.types.push_back("array");
  }
  return facts;
}

bool object_properties(const Document& document, const NodeRef& schema,
                       std::vector<ObjectProperty>& out) {
  std::set<std::string> required;
  out.clear();
  if (!collect(document, schema, out, required, 0) || out.empty()) return false;
  for (ObjectProperty& p : out) p.required = required.count(p.name) > 0;
  return true;
}

std::string component_name(const Document& document, const NodeRef& schema) {
  if (!schema.valid() || !schema.node->is_object()) return {};
  auto ref = schema.node->find("$ref");
  if (ref == schema.node->end() || !ref->is_string()) return {};
  auto target = document.resolve(*schema.file, ref->get<std::string>());
  if (!target) return {};
  const std::string prefix = "/components/schemas/";
  if (target->pointer.rfind(prefix, 0) != 0) return {};
  std::string name = target->pointer.substr(prefix.size());
  return name.find('/') == std::string::npos ? name : std::string();
}

}  // namespace apiserver::spec
