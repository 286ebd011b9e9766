// The ties between stored rows in SQL (see relations.hpp).
#include "store/relations.hpp"

#include "store/cell.hpp"
#include "store/resource_store.hpp"
#include "store/sql.hpp"

namespace apiserver::store {
namespace {

using model::Resource;

// How deep a cascade may go: deeper is a cycle of references far more likely than real data.
constexpr int kMaxCascadeDepth = 64;

std::string table_of(const Resource& resource) {
  return quote_identifier(resource.table);
}
std::string name_of(const Resource& resource, size_t column) {
  return quote_identifier(resource.columns[column].name);
}
std::string key_of(const Resource& resource) {
  return name_of(resource, resource.key);
}

StoreResult not_found() {
  return {StoreStatus::kNotFound, ""};
}

}  // namespace

Relations::~Relations() = default;

bool Relations::path_key(Cell& cell, model::ColumnType type, const nlohmann::json& key) const {
  return (dialect_ == Dialect::kSqlite || !holds_nul(key)) && set_key_cell(cell, type, key);
}

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
    const size_t column = nested ? level->parent->column : level->key;
    std::vector<model::ColumnType> inputs{level->key_column().type};
    if (nested) inputs.push_back(level->columns[column].type);
    Prepared& linked =
        prepared(statements(*level, column).linked,
                 [level, nested, column] {
                   return "SELECT 1 FROM " + table_of(*level) + " WHERE " + key_of(*level) +
                          " = :k" + (nested ? " AND " + name_of(*level, column) + " = :p" : "");
                 },
                 inputs, {model::ColumnType::kInteger});
    if (!path_key(linked.inputs()[0], inputs[0], *level_key)) return not_found();
    if (nested && !path_key(linked.inputs()[1], inputs[1], lineage[next])) return not_found();
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

StoreResult Relations::check_references(const Resource& resource, const nlohmann::json& item) {
  for (const model::Reference& reference : resource.references) {
    const model::Column& column = resource.columns[reference.column];
    auto value = item.find(column.property);
    if (value == item.end() || value->is_null()) continue;
    const Resource& target = *reference.target;
    Prepared& linked = prepared(statements(target, target.key).linked,
                                [&target] {
                                  return "SELECT 1 FROM " + table_of(target) + " WHERE " +
                                         key_of(target) + " = :k";
                                },
                                {target.key_column().type}, {model::ColumnType::kInteger});
    bool found = set_key_cell(linked.inputs()[0], target.key_column().type, *value);
    if (found) {
      Finisher finish(linked);
      found = linked.execute();
    }
    if (!found) return {StoreStatus::kUnknownReference, column.property};
  }
  return {};
}

StoreResult Relations::release_dependents(const Resource& resource, const nlohmann::json& key,
                                          int depth) {
  if (depth > kMaxCascadeDepth)
    return {StoreStatus::kConflict, "deleting it would cascade more than " +
                                        std::to_string(kMaxCascadeDepth) +
                                        " levels deep (do its rows reference each other?)"};
  for (const model::Dependent& dependent : resource.dependents) {
    if (dependent.on_delete == model::OnDelete::kCascade) {
      StoreResult dropped = drop_dependents(dependent, key, depth);
      if (!dropped.ok()) return dropped;
      continue;
    }
    const Resource& holder = *dependent.resource;
    const model::ColumnType type = holder.columns[dependent.column].type;
    Prepared& any = prepared(statements(holder, dependent.column).any,
                             [&holder, &dependent] {
                               return "SELECT 1 FROM " + table_of(holder) + " WHERE " +
                                      name_of(holder, dependent.column) + " = :p LIMIT 1";
                             },
                             {type}, {model::ColumnType::kInteger});
    if (!set_key_cell(any.inputs()[0], type, key)) continue;
    Finisher finish(any);
    if (!any.execute()) continue;
    const bool child = holder.parent && holder.parent->resource == &resource &&
                       holder.parent->column == dependent.column;
    return {StoreStatus::kConflict,
            child ? "it still has " + holder.name + " items under it; delete those first"
                  : "it is still referenced by " + holder.name + " items (their " +
                        holder.columns[dependent.column].property + "); delete those first"};
  }
  return {};
}

StoreResult Relations::drop_dependents(const model::Dependent& dependent, const nlohmann::json& key,
                                       int depth) {
  const Resource& holder = *dependent.resource;
  const model::ColumnType type = holder.columns[dependent.column].type;
  const model::ColumnType key_type = holder.key_column().type;
  Statements& s = statements(holder, dependent.column);
  auto holding = [&holder, &dependent] {
    return " FROM " + table_of(holder) + " WHERE " + name_of(holder, dependent.column) + " = :p";
  };
  if (!holder.dependents.empty()) {
    // Their own dependents first, each by its rule: read the keys, then release each.
    std::vector<nlohmann::json> keys;
    {
      Prepared& select = prepared(s.keys, [&] { return "SELECT " + key_of(holder) + holding(); },
                                  {type}, {key_type});
      if (!set_key_cell(select.inputs()[0], type, key)) return {};
      Finisher finish(select);
      for (bool row = select.execute(); row; row = select.fetch())
        keys.push_back(cell_value(select.outputs()[0], key_type));
    }
    for (const nlohmann::json& held : keys) {
      StoreResult released = release_dependents(holder, held, depth + 1);
      if (!released.ok()) return released;
    }
  }
  // SQLite keeps the largest deleted key (key_sequence.hpp); PostgreSQL's identity sequences
  // never go back.
  if (key_type == model::ColumnType::kInteger && dialect_ == Dialect::kSqlite) {
    // The largest key deleted becomes the high-water mark, as a single delete's does, so that
    // no later insert, even after a restart, hands it out again.
    Prepared& mark =
        prepared(s.mark,
                 [&] {
                   return "INSERT INTO apiserver_keys (name, high_water) SELECT :t, max(" +
                          key_of(holder) + ")" + holding() + " HAVING max(" + key_of(holder) +
                          ") IS NOT NULL ON CONFLICT(name) DO UPDATE SET high_water = "
                          "max(high_water, excluded.high_water)";
                 },
                 {model::ColumnType::kText, type});
    set_cell(mark.inputs()[0], model::ColumnType::kText, holder.table);
    if (!set_key_cell(mark.inputs()[1], type, key)) return {};
    Finisher finish(mark);
    mark.execute();
  }
  Prepared& drop = prepared(s.drop, [&] { return "DELETE" + holding(); }, {type});
  if (!set_key_cell(drop.inputs()[0], type, key)) return {};
  Finisher finish(drop);
  drop.execute();
  return {};
}

}  // namespace apiserver::store
