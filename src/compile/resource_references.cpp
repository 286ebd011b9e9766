// Ties x-apiserver-references to their targets (see resource_references.hpp).
#include "compile/resource_references.hpp"

#include <string>

#include "spec/schema_facts.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

constexpr const char* kKey = "x-apiserver-references";

model::Resource* find_target(model::Api& api, const std::string& name) {
  for (auto& resource : api.resources) {
    if (resource->table == name || resource->name == name || resource->collection_path == name ||
        resource->collection_path == "/" + name)
      return resource.get();
  }
  return nullptr;
}

std::string stored_names(const model::Api& api) {
  std::string names;
  for (const auto& resource : api.resources) names += (names.empty() ? "" : ", ") + resource->table;
  return names.empty() ? "none" : names;
}

}  // namespace

void find_references(const Document& document, const NodeRef& schema, model::Resource& resource,
                     std::vector<DeclaredReference>& out) {
  std::vector<spec::ObjectProperty> properties;
  if (!spec::object_properties(document, schema, properties)) return;
  for (const spec::ObjectProperty& p : properties) {
    NodeRef declaration = Document::child(p.facts.resolved, kKey);
    if (!declaration.valid()) declaration = Document::child(p.schema, kKey);
    int column = resource.column_of(p.name);
    if (declaration.valid() && column >= 0)
      out.push_back({&resource, static_cast<size_t>(column), declaration});
  }
}

void tie_references(const Document& document, model::Api& api,
                    const std::vector<DeclaredReference>& references,
                    const std::function<void(Diagnostic)>& report) {
  for (const DeclaredReference& declared : references) {
    auto fail = [&](const std::string& message) {
      report(document.at(declared.declaration, Diagnostic::Severity::kError, message));
    };
    const spec::Json& node = *declared.declaration.node;
    std::string name;
    model::OnDelete on_delete = model::OnDelete::kRestrict;
    if (node.is_string()) {
      name = node.get<std::string>();
    } else if (node.is_object() && node.contains("resource") && node["resource"].is_string()) {
      name = node["resource"].get<std::string>();
      for (const auto& [key, value] : node.items()) {
        if (key == "resource") continue;
        const bool rule = value.is_string() && (value.get<std::string>() == "cascade" ||
                                                value.get<std::string>() == "restrict");
        if (key != "on-delete" || !rule) {
          fail(std::string(kKey) + " takes resource and on-delete (cascade or restrict); not " +
               key + ": " + value.dump());
          name.clear();
          break;
        }
        if (value.get<std::string>() == "cascade") on_delete = model::OnDelete::kCascade;
      }
      if (name.empty()) continue;
    } else {
      fail(std::string(kKey) +
           " must name a stored resource (users), or be {resource: users, on-delete: cascade}");
      continue;
    }
    model::Resource& holder = *declared.resource;
    const model::Column& column = holder.columns[declared.column];
    model::Resource* target = find_target(api, name);
    if (target == nullptr) {
      fail(std::string(kKey) + ": no stored resource is called '" + name +
           "' (stored tables: " + stored_names(api) + ")");
      continue;
    }
    if (declared.column == holder.key || column.type != target->key_column().type) {
      const bool integer = target->key_column().type == model::ColumnType::kInteger;
      fail("property '" + column.property + "' references " + target->table + ", whose key is " +
           (integer ? "an integer" : "a string") + ": it must be " +
           (integer ? "an integer" : "a string") + " too, and not its own item's key");
      continue;
    }
    holder.references.push_back({declared.column, target});
    target->dependents.push_back({&holder, declared.column, on_delete});
  }
}

}  // namespace apiserver::compile
