// Helpers for the store unit tests: compiled-model resources built by hand (so each test states
// exactly the columns it stores) and a peek at the SQLite file behind the store's back.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "store/resource_store.hpp"

namespace apiserver::store {

// Names a StoreStatus in gtest failure messages.
inline void PrintTo(StoreStatus status, std::ostream* os) {
  static const char* const kNames[] = {"kOk",   "kNotFound", "kConflict", "kInvalid",
                                       "kBusy", "kAborted",  "kTimedOut", "kUnknownReference"};
  *os << kNames[static_cast<int>(status)];
}

}  // namespace apiserver::store

namespace apiserver::store::testing {

inline model::Column column(const std::string& name, model::ColumnType type, bool not_null = false,
                            std::optional<nlohmann::json> default_value = std::nullopt) {
  model::Column c;
  c.property = name;
  c.name = name;
  c.type = type;
  c.not_null = not_null;
  c.nullable = !not_null;
  c.default_value = std::move(default_value);
  return c;
}

// A resource on `table` whose key is columns[key].
inline std::unique_ptr<model::Resource> resource(const std::string& table,
                                                 std::vector<model::Column> columns, size_t key = 0,
                                                 model::KeyKind kind = model::KeyKind::kInteger) {
  auto r = std::make_unique<model::Resource>();
  r->name = table;
  r->table = table;
  r->collection_path = "/" + table;
  r->columns = std::move(columns);
  r->key = key;
  r->key_kind = kind;
  r->columns[key].not_null = true;
  return r;
}

inline std::unique_ptr<model::Api> api_with(std::unique_ptr<model::Resource> r) {
  auto api = std::make_unique<model::Api>();
  api->resources.push_back(std::move(r));
  return api;
}

// Runs `sql` on its own connection and returns every row, each value as text ("NULL" for NULL).
inline std::vector<std::vector<std::string>> query(const std::string& path,
                                                   const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(sql + ": " + message);
  }
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const unsigned char* text = sqlite3_column_text(stmt, i);
      row.push_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

inline void execute(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + message);
}

}  // namespace apiserver::store::testing
