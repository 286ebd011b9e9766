// Stored actions on nested collections (see nested_rules.hpp).
#include "pipeline/nested_rules.hpp"

#include <charconv>
#include <string>
#include <string_view>

namespace apiserver::pipeline {
namespace {

// The parent's key as its column holds it: a path parameter without an integer schema comes as
// text. Text that is no integer stays text: no parent has it, and the lineage check says 404.
nlohmann::json parent_key(const model::Resource& resource, const store::Lineage& lineage) {
  const nlohmann::json& key = lineage.front();
  if (resource.columns[resource.parent->column].type != model::ColumnType::kInteger ||
      !key.is_string())
    return key;
  const std::string& text = key.get_ref<const std::string&>();
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return key;
  return value;
}

}  // namespace

store::Lineage lineage_of(const Call& call) {
  store::Lineage lineage;
  for (const std::string& name : call.operation.lineage_parameters) {
    const nlohmann::json* key = call.parameters.find(model::ParamLocation::kPath, name);
    lineage.push_back(key != nullptr ? *key : nlohmann::json());
  }
  return lineage;
}

void stamp_parent_key(nlohmann::json& item, const model::Resource& resource,
                      const store::Lineage& lineage, std::vector<FieldError>& errors) {
  if (!resource.parent || lineage.empty() || !item.is_object()) return;
  const model::Column& column = resource.columns[resource.parent->column];
  nlohmann::json key = parent_key(resource, lineage);
  auto sent = item.find(column.property);
  if (column.in_schema && sent != item.end() && *sent != key) {
    errors.push_back({ErrorSource::kBody, "", "/" + column.property,
                      "must equal the " + resource.parent->resource->name + " key in the path"});
    return;
  }
  item[column.property] = std::move(key);
}

Problem parent_not_found(const model::Operation& op, const http::Request& request) {
  std::string_view path = request.path;
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  path = path.substr(0, path.rfind('/'));
  return Problem::make(ProblemCode::kResourceNotFound,
                       "no " + op.resource->parent->resource->name + " at " + std::string(path));
}

store::Filter parent_filter(const model::Resource& resource, const store::Lineage& lineage) {
  return {resource.parent->column, parent_key(resource, lineage)};
}

}  // namespace apiserver::pipeline
