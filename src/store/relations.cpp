// Nested collections' ties in SQL (see relations.hpp).
#include "store/relations.hpp"

#include "store/cell.hpp"
#include "store/resource_store.hpp"
#include "store/sql.hpp"

namespace apiserver::store {
namespace {

using model::Resource;

const model::Column& parent_column(const Resource& resource) {
  return resource.columns[resource.parent->column];
}

std::string table_of(const Resource& resource) {
  return quote_identifier(resource.table);
}
std::string key_of(const Resource& resource) {
  return quote_identifier(resource.key_column().name);
}
std::string parent_key_of(const Resource& resource) {
  return quote_identifier(parent_column(resource).name);
}

StoreResult not_found() {
  return {StoreStatus::kNotFound, ""};
}

}  // namespace

Relations::~Relations() = default;

Prepared& Relations::prepared(std::unique_ptr<Prepared>& slot,
                              const std::function<std::string()>& sql,
                              std::vector<model::ColumnType> inputs,
                              std::vector<model::ColumnType> outputs) {
  if (!slot) slot = std::make_unique<Prepared>(session_, sql(), inputs, outputs);
  return *slot;
}

StoreResult Relations::check_lineage(const Resource& resource, const nlohmann::json* key,
                                     const Lineage& lineage) {
  if (!resource.parent) return {};
  // From the row itself (when asked) or its parent, up to a top-level row: each level's row
  // exists and, below the top, is the child of the next key.
  const Resource* level = key != nullptr ? &resource : resource.parent->resource;
  const nlohmann::json* level_key = key != nullptr ? key : &lineage.front();
  size_t next = key != nullptr ? 0 : 1;  // where lineage holds the level's parent's key
  while (true) {
    const bool nested = level->parent.has_value();
    if (nested && next >= lineage.size()) return not_found();
    std::vector<model::ColumnType> inputs{level->key_column().type};
    if (nested) inputs.push_back(parent_column(*level).type);
    Prepared& linked = prepared(tables_[level].linked,
                                [level, nested] {
                                  return "SELECT 1 FROM " + table_of(*level) + " WHERE " +
                                         key_of(*level) + " = :k" +
                                         (nested ? " AND " + parent_key_of(*level) + " = :p" : "");
                                },
                                inputs, {model::ColumnType::kInteger});
    if (!set_key_cell(linked.inputs()[0], inputs[0], *level_key)) return not_found();
    if (nested && !set_key_cell(linked.inputs()[1], inputs[1], lineage[next])) return not_found();
    {
      Finisher finish(linked);
      if (!linked.execute()) return not_found();
    }
    if (!nested) return {};
    level_key = &lineage[next];
    level = level->parent->resource;
    ++next;
  }
}

StoreResult Relations::release_children(const Resource& resource, const nlohmann::json& key) {
  for (const Resource* child : resource.children) {
    if (child->parent->on_delete == model::OnParentDelete::kCascade) {
      StoreResult dropped = drop_children(*child, key);
      if (!dropped.ok()) return dropped;
      continue;
    }
    const model::ColumnType type = parent_column(*child).type;
    Prepared& any = prepared(tables_[child].any_child,
                             [child] {
                               return "SELECT 1 FROM " + table_of(*child) + " WHERE " +
                                      parent_key_of(*child) + " = :p LIMIT 1";
                             },
                             {type}, {model::ColumnType::kInteger});
    if (!set_key_cell(any.inputs()[0], type, key)) return {};
    Finisher finish(any);
    if (any.execute())
      return {StoreStatus::kConflict,
              "it still has " + child->name + " items under it; delete those first"};
  }
  return {};
}

StoreResult Relations::drop_children(const Resource& child, const nlohmann::json& parent_key) {
  const model::ColumnType type = parent_column(child).type;
  const model::ColumnType key_type = child.key_column().type;
  Table& table = tables_[&child];
  auto under = [&child] {
    return " FROM " + table_of(child) + " WHERE " + parent_key_of(child) + " = :p";
  };
  if (!child.children.empty()) {
    // Their own children first, each by its rule: read the keys, then release each.
    std::vector<nlohmann::json> keys;
    {
      Prepared& select =
          prepared(table.child_keys, [&] { return "SELECT " + key_of(child) + under(); }, {type},
                   {key_type});
      if (!set_key_cell(select.inputs()[0], type, parent_key)) return {};
      Finisher finish(select);
      for (bool row = select.execute(); row; row = select.fetch())
        keys.push_back(cell_value(select.outputs()[0], key_type));
    }
    for (const nlohmann::json& key : keys) {
      StoreResult released = release_children(child, key);
      if (!released.ok()) return released;
    }
  }
  if (key_type == model::ColumnType::kInteger) {
    // The largest key deleted becomes the high-water mark, as a single delete's does, so that
    // no later insert, even after a restart, hands it out again.
    Prepared& mark =
        prepared(table.mark_children,
                 [&] {
                   return "INSERT INTO apiserver_keys (name, high_water) SELECT :t, max(" +
                          key_of(child) + ")" + under() + " HAVING max(" + key_of(child) +
                          ") IS NOT NULL ON CONFLICT(name) DO UPDATE SET high_water = "
                          "max(high_water, excluded.high_water)";
                 },
                 {model::ColumnType::kText, type});
    set_cell(mark.inputs()[0], model::ColumnType::kText, child.table);
    if (!set_key_cell(mark.inputs()[1], type, parent_key)) return {};
    Finisher finish(mark);
    mark.execute();
  }
  Prepared& drop = prepared(table.drop_children, [&] { return "DELETE" + under(); }, {type});
  if (!set_key_cell(drop.inputs()[0], type, parent_key)) return {};
  Finisher finish(drop);
  drop.execute();
  return {};
}

}  // namespace apiserver::store
