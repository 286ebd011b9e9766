// Envelopes of stored operations (see envelopes.hpp).
#include "compile/envelopes.hpp"

#include <vector>

#include "compile/operation_compiler.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {
namespace {

using spec::Document;
using spec::NodeRef;
using spec::ObjectProperty;

std::string last_segment(const std::string& path) {
  return path.substr(path.rfind('/') + 1);
}

bool is_item_schema(const Document& document, const NodeRef& schema) {
  std::vector<ObjectProperty> properties;
  return schema.valid() && object_properties(document, schema, properties);
}

}  // namespace

std::string singular_of(const std::string& plural) {
  const size_t n = plural.size();
  if (n > 3 && plural.compare(n - 3, 3, "ies") == 0) return plural.substr(0, n - 3) + "y";
  if (n > 1 && plural[n - 1] == 's' && plural[n - 2] != 's') return plural.substr(0, n - 1);
  return plural;
}

NodeRef unwrap_item(const Document& document, const NodeRef& schema,
                    const std::string& collection_path, std::string* property) {
  std::vector<ObjectProperty> properties;
  if (!schema.valid() || !object_properties(document, schema, properties) || properties.size() != 1)
    return {};
  const ObjectProperty& only = properties.front();
  if (only.name != singular_of(last_segment(collection_path)) ||
      !is_item_schema(document, only.schema))
    return {};
  if (property != nullptr) *property = only.name;
  return only.schema;
}

NodeRef unwrap_list(const Document& document, const NodeRef& schema,
                    const std::string& collection_path, std::string* property, std::string* count) {
  std::vector<ObjectProperty> properties;
  if (!schema.valid() || !object_properties(document, schema, properties)) return {};
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
                            const NodeRef& response, const std::string& collection_path) {
  model::Envelope envelope;
  using model::CrudAction;
  if (action == CrudAction::kList) {
    unwrap_list(document, response, collection_path, &envelope.response, &envelope.count);
    return envelope;
  }
  if (action == CrudAction::kCreate || action == CrudAction::kReplace ||
      action == CrudAction::kUpdate)
    unwrap_item(document, body, collection_path, &envelope.request);
  if (action == CrudAction::kCreate || action == CrudAction::kReplace ||
      action == CrudAction::kUpdate || action == CrudAction::kRead)
    unwrap_item(document, response, collection_path, &envelope.response);
  return envelope;
}

}  // namespace apiserver::compile
