// Reading `embed` and filling slots (see embedding.hpp).
#include "pipeline/embedding.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "pipeline/parameters.hpp"
#include "pipeline/stored_rules.hpp"

namespace apiserver::pipeline {
namespace {

std::string slot_names(const model::Resource& resource) {
  std::string out;
  for (const model::Embed& e : resource.embeds) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

// Adds the slots a dotted path names (comments.author) to `selection`; false when a name is no
// slot or the path is too deep (reported to `errors`).
void add_path(const model::Resource& resource, const std::string& path, EmbedSelection& selection,
              std::vector<FieldError>& errors) {
  const model::Resource* at = &resource;
  EmbedSelection* level = &selection;
  const std::vector<std::string> names = split_list(path, '.');
  if (names.size() > model::kMaxEmbedDepth) {
    errors.push_back(
        {ErrorSource::kQuery, "embed", "",
         "nests '" + path + "' deeper than " + std::to_string(model::kMaxEmbedDepth) + " levels"});
    return;
  }
  for (const std::string& name : names) {
    auto embed = std::find_if(at->embeds.begin(), at->embeds.end(),
                              [&](const model::Embed& e) { return e.name == name; });
    if (embed == at->embeds.end()) {
      const std::string among = slot_names(*at);
      errors.push_back(
          {ErrorSource::kQuery, "embed", "",
           "has no embeddable property '" + name + "'" +
               (at != &resource ? " in " + at->name : "") +
               (among.empty() ? "; " + at->name + " embeds nothing" : "; embed one of: " + among)});
      return;
    }
    auto request = std::find_if(level->begin(), level->end(),
                                [&](const EmbedRequest& r) { return r.embed == &*embed; });
    if (request == level->end()) {
      level->push_back({&*embed, {}});
      request = level->end() - 1;
    }
    level = &request->inner;
    at = embed->target;
  }
}

// A key as the text that finds it in a map (integers in decimal).
std::string key_text(const store::Cell& cell, model::ColumnType type) {
  return type == model::ColumnType::kInteger ? std::to_string(cell.integer) : cell.text;
}

// The distinct non-null values of `column` in `rows`, as a JSON array.
std::string key_array(const std::vector<store::Record>& rows, size_t column,
                      model::ColumnType type) {
  std::unordered_set<std::string> seen;
  std::string out = "[";
  for (const store::Record& row : rows) {
    const store::Cell& cell = row[column];
    if (cell.indicator == soci::i_null) continue;
    std::string key = key_text(cell, type);
    if (!seen.insert(key).second) continue;
    if (out.size() > 1) out += ',';
    out += type == model::ColumnType::kInteger ? key : nlohmann::json(key).dump();
  }
  return out + "]";
}

void append_member(std::string& members, const std::string& quoted_name, const std::string& value) {
  if (!members.empty()) members += ',';
  members += quoted_name;
  members += value;
}

}  // namespace

EmbedSelection read_embed_selection(const Call& call, const model::Resource& resource,
                                    std::vector<FieldError>& errors) {
  EmbedSelection selection;
  if (!embed_names_slots(call.operation, resource)) return selection;
  for (const auto& [name, text] : call.query) {
    if (name != "embed") continue;
    for (const std::string& path : split_list(text, ',')) {
      if (!path.empty()) add_path(resource, path, selection, errors);
    }
  }
  return selection;
}

bool embed_names_slots(const model::Operation& op, const model::Resource& resource) {
  for (const model::Parameter& p : op.parameters) {
    if (p.in == model::ParamLocation::kQuery && p.name == "embed") return false;
  }
  return !resource.embeds.empty() || resource.column_of("embed") < 0;
}

store::StoreResult write_embeds(const EmbedContext& context, const model::Resource& resource,
                                const std::vector<store::Record>& rows,
                                const EmbedSelection& selection, std::vector<std::string>& out) {
  out.assign(rows.size(), std::string());
  for (const EmbedRequest& request : selection) {
    const model::Embed& embed = *request.embed;
    const model::Resource& target = *embed.target;
    // The rows' column the slot is found by (their reference, or their key for children), and
    // the target's column that holds it.
    const size_t held = embed.children ? resource.key : embed.column;
    const size_t holder = embed.children ? embed.column : target.key;
    const model::ColumnType key_type = resource.columns[held].type;
    std::vector<store::Record> found;
    if (const std::string keys = key_array(rows, held, key_type); keys.size() > 2) {
      store::StoreResult result = context.database.store(target).rows_holding(
          holder, keys, embed.children ? context.children_per_parent : 0, found);
      if (!result.ok()) return result;
    }
    // Another caller's rows are not there for this one.
    if (std::optional<std::string> owner = owner_scope(context.call, target)) {
      found.erase(
          std::remove_if(found.begin(), found.end(),
                         [&](const store::Record& r) { return !owned_by(r, target, *owner); }),
          found.end());
    }
    std::vector<std::string> inner;
    if (!request.inner.empty()) {
      store::StoreResult result = write_embeds(context, target, found, request.inner, inner);
      if (!result.ok()) return result;
    }
    // Each found row written, under the key it answers to; children in key order, as found.
    std::unordered_map<std::string, std::string> written;
    const ResourceView& view = context.views.at(&target);
    for (size_t i = 0; i < found.size(); ++i) {
      std::string& text = written[key_text(found[i][holder], key_type)];
      if (embed.children) text += text.empty() ? '[' : ',';
      view.write(found[i], text, {}, inner.empty() ? std::string_view() : inner[i]);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const store::Cell& cell = rows[i][held];
      auto it =
          cell.indicator == soci::i_null ? written.end() : written.find(key_text(cell, key_type));
      if (embed.children)
        append_member(out[i], embed.member, it == written.end() ? "[]" : it->second + "]");
      else if (it != written.end())
        append_member(out[i], embed.member, it->second);
    }
  }
  return {};
}

}  // namespace apiserver::pipeline
