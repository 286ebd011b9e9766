// Envelopes of stored operations (see envelopes.hpp).
#include "compile/envelopes.hpp"

#include <vector>

#include "compile/nested_paths.hpp"
#include "compile/operation_compiler.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;
using spec::ObjectProperty;

constexpr const char* kDeclared = "x-apiserver-envelope";

bool is_item_schema(const Document& document, const NodeRef& schema) {
  std::vector<ObjectProperty> properties;
  return schema.valid() && object_properties(document, schema, properties);
}

// The property `wrapper` holds the item (or, for a `list`, the items) in by x-apiserver-envelope
// (`declared`): `data`, or {property: data, count: total}. The item schema inside, or an invalid
// NodeRef when the declaration says `false` or does not fit (reported to `problems`).
NodeRef unwrap_declared(const Document& document, const NodeRef& wrapper, const NodeRef& declared,
                        bool list, std::string* property, std::string* count,
                        spec::Diagnostics* problems) {
  auto refuse = [&](const std::string& why) {
    if (problems != nullptr)
      problems->add_once(
          document.at(declared, Diagnostic::Severity::kError, std::string(kDeclared) + " " + why));
    return NodeRef{};
  };
  const spec::Json& value = *declared.node;
  if (value.is_boolean() && !value.get<bool>()) return {};  // the schema is the item itself
  std::string holder;
  std::string counted;
  if (value.is_string()) holder = value.get<std::string>();
  for (auto it = value.begin(); value.is_object() && it != value.end(); ++it) {
    if ((it.key() != "property" && it.key() != "count") || !it->is_string())
      return refuse("takes `property` and `count`, each a property's name, not '" + it.key() + "'");
    (it.key() == "property" ? holder : counted) = it->get<std::string>();
  }
  if (holder.empty())
    return refuse(
        "names the property holding the item: `data`, {property: data, count: total}"
        " for a list, or false");
  if (!list && !counted.empty())
    return refuse("has a count, which only a list's envelope has; here it wraps one item");
  std::vector<ObjectProperty> properties;
  if (!object_properties(document, wrapper, properties))
    return refuse("is on a schema that is not an object with properties");
  NodeRef item;
  bool count_found = counted.empty();
  for (const ObjectProperty& p : properties) {
    if (p.name == holder) {
      item = !list ? p.schema
             : value_shape(p.facts) == model::ValueShape::kArray
                 ? Document::child(p.facts.resolved, "items")
                 : NodeRef{};
      if (!is_item_schema(document, item))
        return refuse("names '" + holder + "', which does not hold " +
                      (list ? "an array of objects (the items)" : "an object (the item)"));
    } else if (p.name == counted) {
      if (value_shape(p.facts) != model::ValueShape::kInteger)
        return refuse("counts in '" + counted + "', which is not an integer property");
      count_found = true;
    } else if (p.required) {
      // The server fills the item (and the count) only: a required member would be missing.
      return refuse("leaves '" + p.name + "' unfilled, which the schema requires");
    }
  }
  if (!item.valid()) return refuse("names '" + holder + "', which is no property of this schema");
  if (!count_found) return refuse("counts in '" + counted + "', which is no property here");
  if (property != nullptr) *property = holder;
  if (count != nullptr) *count = counted;
  return item;
}

// The schema `schema` stands for, and its x-apiserver-envelope (invalid when it has none).
std::pair<NodeRef, NodeRef> declaration_of(const Document& document, const NodeRef& schema) {
  const NodeRef wrapper = schema_facts(document, schema).resolved;
  return {wrapper, Document::child(wrapper, kDeclared)};
}

}  // namespace

std::string singular_of(const std::string& plural) {
  const size_t n = plural.size();
  if (n > 3 && plural.compare(n - 3, 3, "ies") == 0) return plural.substr(0, n - 3) + "y";
  if (n > 1 && plural[n - 1] == 's' && plural[n - 2] != 's') return plural.substr(0, n - 1);
  return plural;
}

NodeRef unwrap_item(const Document& document, const NodeRef& schema,
                    const std::string& collection_path, std::string* property,
                    spec::Diagnostics* problems) {
  if (!schema.valid()) return {};
  if (auto [wrapper, declared] = declaration_of(document, schema); declared.valid())
    return unwrap_declared(document, wrapper, declared, false, property, nullptr, problems);
  std::vector<ObjectProperty> properties;
  if (!object_properties(document, schema, properties) || properties.size() != 1) return {};
  const ObjectProperty& only = properties.front();
  if (only.name != singular_of(last_segment(collection_path)) ||
      !is_item_schema(document, only.schema))
    return {};
  if (property != nullptr) *property = only.name;
  return only.schema;
}

NodeRef unwrap_list(const Document& document, const NodeRef& schema,
                    const std::string& collection_path, std::string* property, std::string* count,
                    spec::Diagnostics* problems) {
  if (!schema.valid()) return {};
  if (auto [wrapper, declared] = declaration_of(document, schema); declared.valid())
    return unwrap_declared(document, wrapper, declared, true, property, count, problems);
  std::vector<ObjectProperty> properties;
  if (!object_properties(document, schema, properties)) return {};
  const std::string plural = last_segment(collection_path);
  NodeRef items;
  std::string counted;
  for (const ObjectProperty& p : properties) {
    if (p.name == plural && value_shape(p.facts) == model::ValueShape::kArray) {
      items = Document::child(p.facts.resolved, "items");
    } else if (p.name == plural + "Count" && value_shape(p.facts) == model::ValueShape::kInteger) {
      counted = p.name;
    } else {
      return {};  // anything else beside the items: not an envelope this server fills
    }
  }
  if (!is_item_schema(document, items)) return {};
  if (property != nullptr) *property = plural;
  if (count != nullptr) *count = counted;
  return items;
}

model::Envelope envelope_of(const Document& document, model::CrudAction action, const NodeRef& body,
                            const NodeRef& response, const std::string& collection_path,
                            spec::Diagnostics& problems) {
  model::Envelope envelope;
  using model::CrudAction;
  const bool writes_item = action == CrudAction::kCreate || action == CrudAction::kReplace ||
                           action == CrudAction::kUpdate;
  // update-many and delete-many answer the items they wrote, as a list does.
  if (action == CrudAction::kList || action == CrudAction::kUpdateMany ||
      action == CrudAction::kDeleteMany)
    unwrap_list(document, response, collection_path, &envelope.response, &envelope.count,
                &problems);
  if (writes_item || action == CrudAction::kUpdateMany)
    unwrap_item(document, body, collection_path, &envelope.request, &problems);
  if (writes_item || action == CrudAction::kRead)
    unwrap_item(document, response, collection_path, &envelope.response, &problems);
  if (!envelope.response.empty())
    envelope.response_opening = "{" + nlohmann::json(envelope.response).dump() + ":";
  if (!envelope.count.empty())
    envelope.count_member = "," + nlohmann::json(envelope.count).dump() + ":";
  return envelope;
}

}  // namespace apiserver::compile
