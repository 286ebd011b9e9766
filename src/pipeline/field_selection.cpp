// Reading `fields` (see field_selection.hpp).
#include "pipeline/field_selection.hpp"

#include <string>

#include "pipeline/parameters.hpp"

namespace apiserver::pipeline {
namespace {

std::string selectable_names(const model::Resource& resource) {
  std::string out;
  for (const model::Column& c : resource.columns) {
    if (c.shown()) out += (out.empty() ? "" : ", ") + c.property;
  }
  return out;
}

}  // namespace

FieldMask read_field_selection(const Call& call, const model::Resource& resource,
                               std::vector<FieldError>& errors) {
  FieldMask mask;
  for (const model::Parameter& p : call.operation.parameters) {
    if (p.in == model::ParamLocation::kQuery && p.name == "fields") return mask;
  }
  for (const auto& [name, text] : call.query) {
    if (name != "fields") continue;
    if (mask.empty()) mask.assign(resource.columns.size(), false);
    for (const std::string& field : split_list(text, ',')) {
      int column = resource.column_of(field);
      if (column < 0 || !resource.columns[static_cast<size_t>(column)].shown()) {
        errors.push_back(
            {ErrorSource::kQuery, "fields", "",
             "has no property '" + field + "'; select among: " + selectable_names(resource)});
        continue;
      }
      mask[static_cast<size_t>(column)] = true;
    }
  }
  return mask;
}

}  // namespace apiserver::pipeline
