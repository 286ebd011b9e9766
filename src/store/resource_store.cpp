#include "store/resource_store.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <charconv>
#include <random>

#include "store/query_deadline.hpp"
#include "store/search_words.hpp"
#include "store/sql.hpp"
#include "store/store_errors.hpp"
#include "store/table_indexes.hpp"
#include "store/uuid.hpp"

namespace apiserver::store {
namespace {

constexpr size_t kMaxCachedListStatements = 64;

// A row version: random, so that a row deleted and created again under the same key never
// repeats the version (and ETag) of the one before. Positive, so it fits SQLite's INTEGER.
long long new_row_version() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return static_cast<long long>(generator() >> 1);
}

}  // namespace

ResourceStore::ResourceStore(soci::session& session, const model::Resource& resource,
                             TransactionStatements& transactions, KeySequence* keys)
    : session_(session), resource_(resource), transactions_(transactions), keys_(keys) {
  if (resource.parent || !resource.references.empty() || !resource.dependents.empty())
    relations_ = std::make_unique<Relations>(session);
  columns_sql_ = column_list(resource);
  for (size_t i = 0; i < resource.columns.size(); ++i) {
    all_types_.push_back(resource.columns[i].type);
    if (i != resource.key) value_columns_.push_back(i);
  }
}

ResourceStore::~ResourceStore() = default;

Prepared& ResourceStore::statement(std::unique_ptr<Prepared>& slot, const SqlText& sql,
                                   bool returns_row) {
  if (!slot) {
    std::vector<model::ColumnType> inputs;
    std::string text = sql(inputs);
    slot = std::make_unique<Prepared>(session_, text, inputs,
                                      returns_row ? all_types_ : std::vector<model::ColumnType>{});
  }
  return *slot;
}

bool ResourceStore::set_key(Cell& cell, const nlohmann::json& key) const {
  return set_key_cell(cell, resource_.key_column().type, key);
}

void ResourceStore::set_values(std::vector<Cell>& cells, size_t first, const nlohmann::json& item,
                               bool with_key, bool defaults) const {
  size_t slot = first;
  for (size_t i = 0; i < resource_.columns.size(); ++i) {
    if (i == resource_.key && !with_key) continue;
    const model::Column& column = resource_.columns[i];
    if (column.version) {
      set_cell(cells[slot], column.type, new_row_version());
      ++slot;
      continue;
    }
    auto it = item.find(column.property);
    if (it != item.end()) {
      set_cell(cells[slot], column.type, *it);
    } else if (defaults && column.default_value) {
      set_cell(cells[slot], column.type, *column.default_value);
    } else {
      set_cell(cells[slot], column.type, nullptr);
    }
    ++slot;
  }
}

Record ResourceStore::record_of(const Prepared& prepared) const {
  return prepared.outputs();
}

nlohmann::json ResourceStore::to_item(const Record& record) const {
  nlohmann::json item = nlohmann::json::object();
  for (size_t i = 0; i < resource_.columns.size(); ++i) {
    if (resource_.columns[i].version) continue;
    if (record[i].indicator != soci::i_null)
      item[resource_.columns[i].property] = cell_value(record[i], resource_.columns[i].type);
  }
  return item;
}

StoreResult ResourceStore::create(const nlohmann::json& item, Record& out) {
  // Before a key is taken: an item refused for its references uses none.
  if (relations_ && !resource_.references.empty()) {
    StoreResult referenced = guarded([&] { return relations_->check_references(resource_, item); });
    if (!referenced.ok()) return referenced;
  }
  const model::Column& key = resource_.key_column();
  if (item.contains(key.property) && !item[key.property].is_null()) return insert(item, out);
  nlohmann::json with_key = item;
  if (resource_.key_kind == model::KeyKind::kUuid) {
    with_key[key.property] = random_uuid();
  } else {
    with_key[key.property] = keys_->take();
  }
  return insert(with_key, out);
}

StoreResult ResourceStore::insert(const nlohmann::json& item, Record& out) {
  const model::Column& key = resource_.key_column();
  const bool has_key = item.contains(key.property) && !item[key.property].is_null();
  if (keys_ != nullptr && item[key.property].is_number_integer())
    keys_->saw(item[key.property].get<long long>());
  Prepared& inserting = statement(
      has_key ? insert_with_key_ : insert_,
      [&](std::vector<model::ColumnType>& types) {
        const std::string table = quote_identifier(resource_.table);
        std::string names;
        std::string placeholders;
        for (size_t i = 0; i < resource_.columns.size(); ++i) {
          if (i == resource_.key && !has_key) continue;
          types.push_back(resource_.columns[i].type);
          names += (names.empty() ? "" : ", ") + quote_identifier(resource_.columns[i].name);
          placeholders += (placeholders.empty() ? ":p" : ", :p") + std::to_string(types.size());
        }
        return names.empty() ? "INSERT INTO " + table + " DEFAULT VALUES RETURNING " + columns_sql_
                             : "INSERT INTO " + table + " (" + names + ") VALUES (" + placeholders +
                                   ") RETURNING " + columns_sql_;
      },
      true);
  set_values(inserting.inputs(), 0, item, has_key, true);
  return guarded([&] {
    Finisher finish(inserting);
    inserting.execute();
    out = record_of(inserting);
    return StoreResult{};
  });
}

StoreResult ResourceStore::read(const nlohmann::json& key, Record& out) {
  Prepared& select = statement(
      select_,
      [this](std::vector<model::ColumnType>& types) {
        types.push_back(resource_.key_column().type);
        return "SELECT " + columns_sql_ + " FROM " + quote_identifier(resource_.table) + " WHERE " +
               quote_identifier(resource_.key_column().name) + " = :k";
      },
      true);
  if (!set_key(select.inputs()[0], key)) return {StoreStatus::kNotFound, ""};
  return guarded([&] {
    Finisher finish(select);
    if (!select.execute()) return StoreResult{StoreStatus::kNotFound, ""};
    out = record_of(select);
    return StoreResult{};
  });
}

StoreResult ResourceStore::write_back(const nlohmann::json& key, const nlohmann::json& item,
                                      bool defaults, Record& out) {
  Prepared& update = statement(
      update_,
      [this](std::vector<model::ColumnType>& types) {
        const std::string key_name = quote_identifier(resource_.key_column().name);
        std::string assignments;
        for (size_t i : value_columns_) {
          types.push_back(resource_.columns[i].type);
          assignments += (assignments.empty() ? "" : ", ") +
                         quote_identifier(resource_.columns[i].name) + " = :p" +
                         std::to_string(types.size());
        }
        types.push_back(resource_.key_column().type);
        return "UPDATE " + quote_identifier(resource_.table) + " SET " +
               (assignments.empty() ? key_name + " = " + key_name : assignments) + " WHERE " +
               key_name + " = :k RETURNING " + columns_sql_;
      },
      true);
  if (relations_ && !resource_.references.empty()) {
    StoreResult referenced = relations_->check_references(resource_, item);
    if (!referenced.ok()) return referenced;
  }
  set_values(update.inputs(), 0, item, false, defaults);
  if (!set_key(update.inputs().back(), key)) return {StoreStatus::kNotFound, ""};
  Finisher finish(update);
  if (!update.execute()) return {StoreStatus::kNotFound, ""};
  out = record_of(update);
  return {};
}

StoreResult ResourceStore::replace(const nlohmann::json& key, const nlohmann::json& item,
                                   Record& out) {
  return guarded([&] { return write_back(key, item, true, out); });
}

StoreResult ResourceStore::update(const nlohmann::json& key, const Mutator& mutate, Record& out) {
  return guarded([&] {
    {
      Finisher finish(*transactions_.begin);
      transactions_.begin->execute();
    }
    auto rollback = [&] {
      {
        Finisher finish(*transactions_.rollback);
        transactions_.rollback->execute();
      }
      Finisher finish(*transactions_.release);
      transactions_.release->execute();
    };
    try {
      Record current;
      StoreResult found = read(key, current);
      if (!found.ok()) {
        rollback();
        return found;
      }
      nlohmann::json item = to_item(current);
      if (!mutate(item)) {
        rollback();
        return StoreResult{StoreStatus::kAborted, ""};
      }
      // The item holds every stored value: an absent property is a NULL to keep.
      StoreResult written = write_back(key, item, false, out);
      if (!written.ok()) {
        rollback();
        return written;
      }
      Finisher finish(*transactions_.commit);
      transactions_.commit->execute();
      return written;
    } catch (...) {
      rollback();
      throw;
    }
  });
}

StoreResult ResourceStore::remove(const nlohmann::json& key) {
  Prepared& del = statement(
      delete_,
      [this](std::vector<model::ColumnType>& types) {
        types.push_back(resource_.key_column().type);
        return "DELETE FROM " + quote_identifier(resource_.table) + " WHERE " +
               quote_identifier(resource_.key_column().name) + " = :k";
      },
      false);
  if (!set_key(del.inputs()[0], key)) return {StoreStatus::kNotFound, ""};
  if (relations_ && !resource_.dependents.empty()) {
    // In the caller's transaction, which a failed delete undoes.
    StoreResult released = guarded([&] { return relations_->release_dependents(resource_, key); });
    if (!released.ok()) return released;
  }
  if (keys_ == nullptr) {
    return guarded([&] {
      Finisher finish(del);
      del.execute();
      return del.affected_rows() > 0 ? StoreResult{} : StoreResult{StoreStatus::kNotFound, ""};
    });
  }
  // The deleted key becomes the high-water mark in the same transaction, so
  // that no later insert, even after a restart, gets it again.
  Prepared& mark = statement(
      high_water_,
      [](std::vector<model::ColumnType>& types) {
        types = {model::ColumnType::kText, model::ColumnType::kInteger};
        return std::string(
            "INSERT INTO apiserver_keys (name, high_water) VALUES (:t, :k) "
            "ON CONFLICT(name) DO UPDATE SET high_water = max(high_water, excluded.high_water)");
      },
      false);
  return guarded([&] {
    {
      Finisher finish(*transactions_.begin);
      transactions_.begin->execute();
    }
    try {
      bool deleted = false;
      {
        Finisher finish(del);
        del.execute();
        deleted = del.affected_rows() > 0;
      }
      if (deleted) {
        set_cell(mark.inputs()[0], model::ColumnType::kText, resource_.table);
        mark.inputs()[1] = del.inputs()[0];
        Finisher finish(mark);
        mark.execute();
      }
      Finisher finish(*transactions_.commit);
      transactions_.commit->execute();
      return deleted ? StoreResult{} : StoreResult{StoreStatus::kNotFound, ""};
    } catch (...) {
      {
        Finisher finish(*transactions_.rollback);
        transactions_.rollback->execute();
      }
      Finisher finish(*transactions_.release);
      transactions_.release->execute();
      throw;
    }
  });
}

namespace {

// "%" and "_" are LIKE's wildcards: a filter's text matches them literally.
std::string like_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

const char* comparison(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return " IS ";
    case FilterOp::kNe:
      return " IS NOT ";
    case FilterOp::kLt:
      return " < ";
    case FilterOp::kLe:
      return " <= ";
    case FilterOp::kGt:
      return " > ";
    case FilterOp::kGe:
      return " >= ";
    default:
      return nullptr;
  }
}

}  // namespace

void ResourceStore::add_condition(const Filter& f, ListSql& sql) const {
  const model::Column& column = resource_.columns[f.column];
  const std::string name = quote_identifier(column.name);
  auto bind = [&](nlohmann::json value, model::ColumnType type) {
    sql.types.push_back(type);
    sql.values.push_back(std::move(value));
    return ":p" + std::to_string(sql.values.size());
  };
  sql.where += sql.where.empty() ? " WHERE " : " AND ";
  sql.signature += std::to_string(f.column) + ":" + std::to_string(static_cast<int>(f.op));
  if (const char* op = comparison(f.op)) {
    sql.where += name + op + bind(f.value, column.type);
    return;
  }
  const model::ColumnType text = model::ColumnType::kText;
  switch (f.op) {
    case FilterOp::kIn: {
      sql.where += name + " IN (";
      for (size_t i = 0; i < f.value.size(); ++i)
        sql.where += (i == 0 ? "" : ", ") + bind(f.value[i], column.type);
      sql.where += ")";
      sql.signature += ":" + std::to_string(f.value.size());
      return;
    }
    case FilterOp::kIsNull:
      sql.where += name + (f.value.get<bool>() ? " IS NULL" : " IS NOT NULL");
      sql.signature += f.value.get<bool>() ? "y" : "n";
      return;
    case FilterOp::kContains:
      sql.where += "instr(" + name + ", " + bind(f.value, text) + ") > 0";
      return;
    case FilterOp::kStartsWith:
      sql.where += "instr(" + name + ", " + bind(f.value, text) + ") = 1";
      return;
    case FilterOp::kIContains:
      sql.where += name + " LIKE " +
                   bind("%" + like_escaped(f.value.get<std::string>()) + "%", text) +
                   " ESCAPE '\\'";
      return;
    case FilterOp::kIStartsWith:
      sql.where += name + " LIKE " + bind(like_escaped(f.value.get<std::string>()) + "%", text) +
                   " ESCAPE '\\'";
      return;
    default:
      return;
  }
}

namespace {

// One key of a list's order: the column and its direction (the key column last).
struct OrderKey {
  size_t column;
  bool descending;
};

std::vector<OrderKey> order_keys(const ListQuery& query, size_t key_column) {
  std::vector<OrderKey> keys;
  for (const SortKey& s : query.sort) keys.push_back({s.column, s.descending});
  keys.push_back({key_column, !query.sort.empty() && query.sort.back().descending});
  return keys;
}

}  // namespace

std::vector<nlohmann::json> ResourceStore::position_of(const ListQuery& query,
                                                       const Record& record) const {
  std::vector<nlohmann::json> position;
  for (const OrderKey& k : order_keys(query, resource_.key)) {
    const Cell& cell = record[k.column];
    position.push_back(cell.indicator == soci::i_null
                           ? nlohmann::json(nullptr)
                           : cell_value(cell, resource_.columns[k.column].type));
  }
  return position;
}

// The rows after `query.after` in the list's order: lexicographic over the order keys, with
// SQLite's NULL first in ascending order (last in descending). The leading range on the first
// key lets an index on it start the scan at the position instead of counting up to it.
// Placeholders bind by position, so the text is written in the order it binds.
void ResourceStore::add_position(const ListQuery& query, ListSql& sql) const {
  const std::vector<OrderKey> keys = order_keys(query, resource_.key);
  auto bind = [&](const nlohmann::json& value, model::ColumnType type) {
    sql.types.push_back(type);
    sql.values.push_back(value);
    return ":p" + std::to_string(sql.values.size());
  };
  sql.where += sql.where.empty() ? " WHERE " : " AND ";
  sql.signature += "k";
  const model::Column& first = resource_.columns[keys.front().column];
  if (keys.size() > 1 && !query.after.front().is_null() &&
      (!keys.front().descending || first.not_null)) {
    sql.where += quote_identifier(first.name) + (keys.front().descending ? " <= " : " >= ") +
                 bind(query.after.front(), first.type) + " AND ";
  }
  std::string closing;
  for (size_t i = 0; i < keys.size(); ++i) {
    const model::Column& column = resource_.columns[keys[i].column];
    const std::string name = quote_identifier(column.name);
    const nlohmann::json& value = query.after[i];
    const bool descending = keys[i].descending;
    const bool last = i + 1 == keys.size();
    sql.signature += value.is_null() ? "n" : "v";
    if (!last) sql.where += "(";
    // Strictly after the position on this key...
    if (value.is_null()) {
      sql.where += descending ? "0" : name + " IS NOT NULL";
    } else if (descending && !column.not_null) {
      sql.where += "(" + name + " < " + bind(value, column.type) + " OR " + name + " IS NULL)";
    } else {
      sql.where += name + (descending ? " < " : " > ") + bind(value, column.type);
    }
    if (last) break;
    // ...or level with it, and after it on the next keys.
    sql.where += " OR (" +
                 (value.is_null() ? name + " IS NULL" : name + " = " + bind(value, column.type)) +
                 " AND ";
    closing += "))";
  }
  sql.where += closing;
}

StoreResult ResourceStore::check_lineage(const nlohmann::json* key, const Lineage& lineage) {
  if (!relations_ || !resource_.parent) return {};
  return guarded([&] { return relations_->check_lineage(resource_, key, lineage); });
}

StoreResult ResourceStore::list(const ListQuery& query, std::vector<Record>& rows,
                                long long& total) {
  // One prepared statement per shape of query (which filters, which order),
  // values bound each time.
  ListSql sql;
  sql.signature = "f";
  const std::string table = quote_identifier(resource_.table);
  std::string from = table;
  const std::string words =
      resource_.search_columns.empty() ? std::string() : match_expression(query.search);
  const bool ranked = !words.empty() && query.sort.empty();
  if (!words.empty()) {
    // The search is bound first: its placeholder comes first in the text.
    const std::string fts = quote_identifier(search_table(resource_));
    sql.types.push_back(model::ColumnType::kText);
    sql.values.push_back(words);
    from += " JOIN (SELECT rowid AS apiserver_hit, rank AS apiserver_rank FROM " + fts + " WHERE " +
            fts + " MATCH :p1) AS apiserver_found ON apiserver_found.apiserver_hit = " + table +
            ".rowid";
    sql.signature = "q";
  }
  if (ranked && !query.after.empty())
    return {StoreStatus::kInvalid, "a ranked search pages by offset"};
  for (const Filter& f : query.filters) {
    add_condition(f, sql);
    sql.signature += ",";
  }
  const size_t filter_binds = sql.values.size();  // what the count binds: not the position
  const std::string filter_where = sql.where;
  const size_t filter_signature = sql.signature.size();
  if (!query.after.empty()) {
    if (query.after.size() != query.sort.size() + 1)
      return {StoreStatus::kInvalid, "the position does not fit the order"};
    add_position(query, sql);
  }
  std::string signature = sql.signature + "s";
  for (const SortKey& s : query.sort)
    signature += std::to_string(s.column) + (s.descending ? "d," : "a,");
  const std::string& where = sql.where;
  const std::vector<model::ColumnType>& filter_types = sql.types;
  const size_t binds = sql.values.size();
  // Query shapes come from clients: bound the cache.
  if (lists_.size() >= kMaxCachedListStatements && lists_.count(signature) == 0) lists_.clear();
  std::vector<model::ColumnType> page_types = filter_types;
  page_types.push_back(model::ColumnType::kInteger);
  page_types.push_back(model::ColumnType::kInteger);
  Prepared& page = statement(
      lists_[signature],
      [&](std::vector<model::ColumnType>& types) {
        types = page_types;
        std::string order = ranked ? " ORDER BY apiserver_found.apiserver_rank" : "";
        for (const SortKey& s : query.sort)
          order += (order.empty() ? " ORDER BY " : ", ") +
                   quote_identifier(resource_.columns[s.column].name) +
                   (s.descending ? " DESC" : " ASC");
        const bool key_descending = !query.sort.empty() && query.sort.back().descending;
        order += (order.empty() ? " ORDER BY " : ", ") +
                 quote_identifier(resource_.key_column().name) +
                 (key_descending ? " DESC" : " ASC");
        return "SELECT " + columns_sql_ + " FROM " + from + where + order +
               " LIMIT :limit OFFSET :offset";
      },
      true);
  for (size_t i = 0; i < binds; ++i) set_cell(page.inputs()[i], filter_types[i], sql.values[i]);
  set_cell(page.inputs()[binds], model::ColumnType::kInteger, query.limit);
  set_cell(page.inputs()[binds + 1], model::ColumnType::kInteger, query.offset);
  return guarded([&] {
    QueryDeadline deadline(query.time_limit);
    rows.clear();
    {
      Finisher finish(page);
      if (page.execute()) {
        do {
          rows.push_back(record_of(page));
        } while (page.fetch());
      }
    }
    if (query.want_total) {
      // The total counts every row the filters select, wherever the page starts.
      auto& count_slot = lists_["count:" + sql.signature.substr(0, filter_signature)];
      const std::vector<model::ColumnType> count_types(filter_types.begin(),
                                                       filter_types.begin() + filter_binds);
      if (!count_slot)
        count_slot = std::make_unique<Prepared>(
            session_, "SELECT count(*) FROM " + from + filter_where, count_types,
            std::vector<model::ColumnType>{model::ColumnType::kInteger});
      for (size_t i = 0; i < filter_binds; ++i)
        set_cell(count_slot->inputs()[i], filter_types[i], sql.values[i]);
      Finisher finish(*count_slot);
      count_slot->execute();
      total = count_slot->outputs()[0].integer;
    }
    return StoreResult{};
  });
}

}  // namespace apiserver::store
