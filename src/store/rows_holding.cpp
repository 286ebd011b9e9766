// ResourceStore::rows_holding: the rows an embed fills its slots with, one statement per level.
#include "store/resource_store.hpp"
#include "store/sql.hpp"
#include "store/store_errors.hpp"

namespace apiserver::store {

std::string ResourceStore::one_of(model::ColumnType type) const {
  if (dialect_ == Dialect::kSqlite) return "SELECT value FROM json_each(:keys)";
  return std::string("SELECT CAST(value AS ") + sql_type(type, dialect_) +
         ") FROM json_array_elements_text(CAST(:keys AS JSON))";
}

StoreResult ResourceStore::rows_holding(size_t column, const std::string& keys, long long per_key,
                                        std::vector<Record>& rows) {
  const bool bounded = per_key > 0;
  // Preparing is a round trip on PostgreSQL, which may fail as an execution does.
  return guarded([&] {
    Prepared& select = statement(
        holding_[bounded ? 1 : 0][column],
        [&](std::vector<model::ColumnType>& types) {
          types.push_back(model::ColumnType::kText);
          const std::string table = quote_identifier(resource_.table);
          const std::string holder = quote_identifier(resource_.columns[column].name);
          const std::string key = quote_identifier(resource_.key_column().name);
          // The bound array becomes rows: the IN probes the column's index per key.
          const std::string where =
              " WHERE " + holder + " IN (" + one_of(resource_.columns[column].type) + ")";
          if (!bounded) return "SELECT " + columns_sql_ + " FROM " + table + where;
          types.push_back(model::ColumnType::kInteger);
          return "SELECT " + columns_sql_ + " FROM (SELECT *, row_number() OVER (PARTITION BY " +
                 holder + " ORDER BY " + key + ") AS apiserver_rank FROM " + table + where +
                 ") AS apiserver_ranked WHERE apiserver_rank <= :per_key ORDER BY " + holder +
                 ", " + key;
        },
        true);
    set_cell(select.inputs()[0], model::ColumnType::kText, keys);
    if (bounded) set_cell(select.inputs()[1], model::ColumnType::kInteger, per_key);
    rows.clear();
    Finisher finish(select);
    if (select.execute()) {
      do {
        rows.push_back(record_of(select));
      } while (select.fetch());
    }
    return StoreResult{};
  });
}

}  // namespace apiserver::store
