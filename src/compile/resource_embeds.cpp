// Finds embed slots (see resource_embeds.hpp).
#include "compile/resource_embeds.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compile/nested_paths.hpp"

namespace apiserver::compile {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The property a reference's slot has: its name minus `Id` or `_id`; empty when it has neither.
std::string reference_slot(const std::string& property) {
  for (const char* tail : {"Id", "_id"}) {
    if (ends_with(property, tail)) return property.substr(0, property.size() - strlen(tail));
  }
  return "";
}

// Takes column `index` out of `resource`: every index past it, here and in the resources that
// point at this one's columns, moves down by one.
void remove_column(model::Api& api, model::Resource& resource, size_t index) {
  auto shift = [index](size_t& i) {
    if (i > index) --i;
  };
  auto shift_int = [index](int& i) {
    if (i > static_cast<int>(index)) --i;
  };
  resource.columns.erase(resource.columns.begin() + static_cast<std::ptrdiff_t>(index));
  shift(resource.key);
  shift_int(resource.version_column);
  shift_int(resource.owner_column);
  for (size_t& c : resource.search_columns) shift(c);
  if (resource.parent) shift(resource.parent->column);
  for (model::Reference& r : resource.references) shift(r.column);
  for (auto& other : api.resources) {
    for (model::Dependent& d : other->dependents) {
      if (d.resource == &resource) shift(d.column);
    }
    for (model::Embed& e : other->embeds) {
      if (e.children && e.target == &resource) shift(e.column);
    }
  }
  for (model::Embed& e : resource.embeds) {
    if (!e.children) shift(e.column);
  }
}

// The slot `column` of `resource` is, if any.
std::optional<model::Embed> slot_of(const model::Resource& resource, const model::Column& column) {
  if (!column.read_only || !column.in_schema || column.type != model::ColumnType::kJson)
    return std::nullopt;
  for (const model::Reference& r : resource.references) {
    if (reference_slot(resource.columns[r.column].property) == column.property)
      return model::Embed{column.property, "", r.target, r.column, false};
  }
  for (const model::Resource* child : resource.children) {
    if (last_segment(child->collection_path) == column.property)
      return model::Embed{column.property, "", child, child->parent->column, true};
  }
  return std::nullopt;
}

}  // namespace

void find_embeds(model::Api& api) {
  for (auto& resource : api.resources) {
    for (size_t i = resource->columns.size(); i-- > 0;) {
      std::optional<model::Embed> slot = slot_of(*resource, resource->columns[i]);
      if (!slot) continue;
      slot->member = nlohmann::json(slot->name).dump() + ":";
      resource->embeds.push_back(std::move(*slot));
      remove_column(api, *resource, i);
    }
    std::reverse(resource->embeds.begin(), resource->embeds.end());  // in schema order
  }
}

}  // namespace apiserver::compile
