#include "pipeline/resource_view.hpp"

#include "http/uri.hpp"
#include "text/percent_encoding.hpp"

namespace apiserver::pipeline {
namespace {

// A value's usual length in an answer, for reserving room (a short string, a number).
constexpr size_t kUsualValueBytes = 16;

}  // namespace

ResourceView::ResourceView(const model::Resource& resource) : resource_(resource) {
  for (size_t i = 0; i < resource.columns.size(); ++i) {
    const model::Column& c = resource.columns[i];
    if (!c.shown()) continue;
    fields_.push_back({i, nlohmann::json(c.property).dump() + ":", c.nullable});
  }
  for (const model::Resource::MockedProperty& m : resource.mocked_properties) {
    if (!mocked_members_.empty()) mocked_members_ += ',';
    mocked_members_ += nlohmann::json(m.name).dump() + ":" + m.value.dump();
  }
  usual_bytes_ = 2 + mocked_members_.size();  // the braces
  for (const Field& f : fields_) usual_bytes_ += 1 + f.quoted_key.size() + kUsualValueBytes;
}

void ResourceView::write(const store::Record& record, std::string& out,
                         const std::vector<bool>& selected, std::string_view members) const {
  out.reserve(out.size() + usual_bytes_ + members.size());
  out += '{';
  bool first = true;
  for (const Field& f : fields_) {
    if (!selected.empty() && !selected[f.column]) continue;
    const store::Cell& cell = record[f.column];
    // NULL is shown only where the schema allows null; elsewhere it means "absent".
    if (cell.indicator == soci::i_null && !f.nullable) continue;
    if (!first) out += ',';
    first = false;
    out += f.quoted_key;
    store::append_cell_json(cell, resource_.columns[f.column].type, out);
  }
  if (selected.empty() && !mocked_members_.empty()) {
    if (!first) out += ',';
    first = false;
    out += mocked_members_;
  }
  if (!members.empty()) {
    if (!first) out += ',';
    out += members;
  }
  out += '}';
}

std::string ResourceView::key_segment(const store::Record& record) const {
  const store::Cell& key = record[resource_.key];
  return resource_.key_column().type == model::ColumnType::kInteger
             ? std::to_string(key.integer)
             : text::percent_encode(key.text);
}

}  // namespace apiserver::pipeline
