#include "pipeline/resource_view.hpp"

#include "http/uri.hpp"

namespace apiserver::pipeline {

ResourceView::ResourceView(const model::Resource& resource) : resource_(resource) {
  for (size_t i = 0; i < resource.columns.size(); ++i) {
    const model::Column& c = resource.columns[i];
    if (!c.in_schema || c.write_only) continue;
    fields_.push_back({i, nlohmann::json(c.property).dump() + ":", c.nullable});
  }
}

void ResourceView::write(const store::Record& record, std::string& out) const {
  out += '{';
  bool first = true;
  for (const Field& f : fields_) {
    const nlohmann::json& value = record[f.column];
    // NULL is shown only where the schema allows null; elsewhere it means "absent".
    if (value.is_null() && !f.nullable) continue;
    if (!first) out += ',';
    first = false;
    out += f.quoted_key;
    out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  out += '}';
}

std::string ResourceView::key_segment(const store::Record& record) const {
  const nlohmann::json& key = record[resource_.key];
  return http::percent_encode(key.is_string() ? key.get<std::string>() : key.dump());
}

}  // namespace apiserver::pipeline
