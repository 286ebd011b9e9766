#include "store/resource_store.hpp"

#include <random>

#include "store/sql.hpp"
#include "store/store_errors.hpp"
#include "store/uuid.hpp"

namespace apiserver::store {
namespace {

// A row version: random, so that a row deleted and created again under the same key never
// repeats the version (and ETag) of the one before. Positive, so it fits SQLite's INTEGER.
long long new_row_version() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return static_cast<long long>(generator() >> 1);
}

}  // namespace

ResourceStore::ResourceStore(soci::session& session, const model::Resource& resource,
                             TransactionStatements& transactions, KeySequence* keys)
    : session_(session),
      resource_(resource),
      transactions_(transactions),
      keys_(keys),
      dialect_(dialect_of(session)) {
  if (resource.parent || !resource.references.empty() || !resource.dependents.empty())
    relations_ = std::make_unique<Relations>(session);
  columns_sql_ = column_list(resource, dialect_);
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
  // On PostgreSQL a key holding a NUL names no row (libpq would cut it short, and find another).
  if (dialect_ == Dialect::kPostgres && holds_nul(key)) return false;
  return set_key_cell(cell, resource_.key_column().type, key);
}

StoreResult ResourceStore::storable(const nlohmann::json& item) const {
  if (dialect_ != Dialect::kPostgres) return {};
  for (const model::Column& column : resource_.columns) {
    if (column.type != model::ColumnType::kText) continue;  // JSON text escapes it as \u0000
    auto it = item.find(column.property);
    if (it != item.end() && holds_nul(*it))
      return {StoreStatus::kInvalid, column.property,
              "holds the character U+0000, which this database (PostgreSQL) cannot store"};
  }
  return {};
}

void ResourceStore::set_values(std::vector<Cell>& cells, size_t first, const nlohmann::json& item,
                               bool with_key, bool defaults, const nlohmann::json* key) const {
  size_t slot = first;
  for (size_t i = 0; i < resource_.columns.size(); ++i) {
    if (i == resource_.key && !with_key) continue;
    const model::Column& column = resource_.columns[i];
    if (i == resource_.key && key != nullptr) {
      set_cell(cells[slot++], column.type, *key);
      continue;
    }
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
  auto own = item.find(key.property);
  if (own != item.end() && !own->is_null()) return insert(item, nullptr, out);
  nlohmann::json taken;
  if (resource_.key_kind == model::KeyKind::kUuid) {
    taken = random_uuid();
  } else if (keys_ != nullptr) {
    taken = keys_->take();
  } else {
    return insert(item, nullptr, out);  // PostgreSQL's identity column
  }
  return insert(item, &taken, out);
}

StoreResult ResourceStore::insert(const nlohmann::json& item, const nlohmann::json* taken,
                                  Record& out) {
  if (StoreResult refused = storable(item); !refused.ok()) return refused;
  const model::Column& key = resource_.key_column();
  auto own = item.find(key.property);
  const bool has_key = taken != nullptr || (own != item.end() && !own->is_null());
  if (taken == nullptr && keys_ != nullptr && has_key && own->is_number_integer())
    keys_->saw(own->get<long long>());
  // SQLite's RETURNING gathers its rows in a temporary b-tree, which costs more than the insert
  // itself. With the key bound, the row SQLite stores is the bound values (the migration keeps
  // each column's declared type, so no affinity turns one into another), and so is the record.
  const bool returning = !(has_key && dialect_ == Dialect::kSqlite);
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
        const std::string returned = returning ? " RETURNING " + columns_sql_ : "";
        return names.empty() ? "INSERT INTO " + table + " DEFAULT VALUES" + returned
                             : "INSERT INTO " + table + " (" + names + ") VALUES (" + placeholders +
                                   ")" + returned;
      },
      returning);
  set_values(inserting.inputs(), 0, item, has_key, true, taken);
  return guarded([&] {
    {
      Finisher finish(inserting);
      inserting.execute();
      out = returning ? record_of(inserting) : inserting.inputs();
    }
    if (has_key && dialect_ == Dialect::kPostgres && key.type == model::ColumnType::kInteger)
      advance_identity(out[resource_.key]);
    return StoreResult{};
  });
}

void ResourceStore::advance_identity(const Cell& key) {
  // Only forward: a sequence already past the key stays. (Two instances doing this for two
  // client keys at once may leave it behind one of them; the insert that then meets that key
  // answers a conflict, never a duplicate.)
  Prepared& advance = statement(
      identity_,
      [](std::vector<model::ColumnType>& types) {
        types = {model::ColumnType::kInteger, model::ColumnType::kText, model::ColumnType::kText,
                 model::ColumnType::kInteger};
        return std::string(
            "SELECT setval(sequence, :k1) FROM (SELECT CAST(pg_get_serial_sequence(:t, :c) AS "
            "regclass) AS sequence) AS s WHERE :k2 > coalesce(pg_sequence_last_value(sequence), "
            "0)");
      },
      false);
  advance.inputs()[0] = key;
  set_cell(advance.inputs()[1], model::ColumnType::kText, quote_identifier(resource_.table));
  set_cell(advance.inputs()[2], model::ColumnType::kText, resource_.key_column().name);
  advance.inputs()[3] = key;
  Finisher finish(advance);
  advance.execute();
}

StoreResult ResourceStore::read(const nlohmann::json& key, Record& out) {
  // Preparing is a round trip on PostgreSQL, which may fail as an execution does.
  return guarded([&] {
    Prepared& select = statement(
        select_,
        [this](std::vector<model::ColumnType>& types) {
          types.push_back(resource_.key_column().type);
          return "SELECT " + columns_sql_ + " FROM " + quote_identifier(resource_.table) +
                 " WHERE " + quote_identifier(resource_.key_column().name) + " = :k";
        },
        true);
    if (!set_key(select.inputs()[0], key)) return StoreResult{StoreStatus::kNotFound, ""};
    Finisher finish(select);
    if (!select.execute()) return StoreResult{StoreStatus::kNotFound, ""};
    out = record_of(select);
    return StoreResult{};
  });
}

StoreResult ResourceStore::write_back(const nlohmann::json& key, const nlohmann::json& item,
                                      bool defaults, Record& out) {
  // As for an insert (above): on SQLite the updated row is the bound values and key.
  const bool returning = dialect_ != Dialect::kSqlite;
  Prepared& update = statement(
      update_,
      [&](std::vector<model::ColumnType>& types) {
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
               key_name + " = :k" + (returning ? " RETURNING " + columns_sql_ : "");
      },
      returning);
  if (relations_ && !resource_.references.empty()) {
    StoreResult referenced = relations_->check_references(resource_, item);
    if (!referenced.ok()) return referenced;
  }
  if (StoreResult refused = storable(item); !refused.ok()) return refused;
  set_values(update.inputs(), 0, item, false, defaults);
  if (!set_key(update.inputs().back(), key)) return {StoreStatus::kNotFound, ""};
  Finisher finish(update);
  if (returning) {
    if (!update.execute()) return {StoreStatus::kNotFound, ""};
    out = record_of(update);
    return {};
  }
  update.execute();
  if (update.affected_rows() == 0) return {StoreStatus::kNotFound, ""};
  const std::vector<Cell>& bound = update.inputs();
  out.assign(resource_.columns.size(), Cell{});
  for (size_t i = 0; i < value_columns_.size(); ++i) out[value_columns_[i]] = bound[i];
  out[resource_.key] = bound.back();
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

}  // namespace apiserver::store
