// Stored CRUD on one resource's table, over one connection: the narrow
// interface the request pipeline talks to. Statements are prepared on first
// use and reused; every value is bound.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "store/key_sequence.hpp"
#include "store/prepared.hpp"
#include "store/relations.hpp"
#include "store/sql.hpp"
#include "store/transaction_statements.hpp"

namespace apiserver::store {

// kTimedOut: a list ran past its time limit (ListQuery::time_limit). kUnknownReference: a
// reference names no row (detail: its property).
enum class StoreStatus {
  kOk,
  kNotFound,
  kConflict,
  kInvalid,
  kBusy,
  kAborted,
  kTimedOut,
  kUnknownReference
};

struct StoreResult {
  StoreResult(StoreStatus status_ = StoreStatus::kOk, std::string detail_ = "",
              std::string reason_ = "")
      : status(status_), detail(std::move(detail_)), reason(std::move(reason_)) {}

  StoreStatus status = StoreStatus::kOk;
  std::string detail;  // for kConflict: what went wrong; for kInvalid: the property
  std::string reason;  // for kInvalid: what is wrong with it (empty: it is required)

  bool ok() const { return status == StoreStatus::kOk; }
};

// One stored row: a cell per column of the resource, in column order.
using Record = std::vector<Cell>;

// How a filter compares a column with its value (specs/stored-operations.md).
enum class FilterOp {
  kEq,  // IS value (so null matches null)
  kNe,  // IS NOT value
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,         // value: a non-empty array
  kIsNull,     // value: true (IS NULL) or false (IS NOT NULL)
  kContains,   // text columns: value is a substring, case-sensitive
  kIContains,  // the same, ASCII letters case-insensitive (SQLite's LIKE)
  kStartsWith,
  kIStartsWith,
};

struct Filter {
  size_t column;
  nlohmann::json value;
  FilterOp op = FilterOp::kEq;
};

struct SortKey {
  size_t column;
  bool descending = false;
};

struct ListQuery {
  std::vector<Filter> filters;  // all must hold
  // The key is always the last tie-breaker, in the direction of the last sort key.
  std::vector<SortKey> sort;
  long long limit = 20;
  long long offset = 0;
  // Keyset paging: the position of the last row of the page before (its sort values, then its
  // key, as position_of gives them); the page holds the rows after it. Empty: from the start.
  std::vector<nlohmann::json> after;
  // Full-text search over the resource's search columns: every word must occur; without a sort,
  // the best matches come first (and `after` does not apply). Without words (search_words.hpp):
  // no search.
  std::string search;
  bool want_total = false;
  // How long the list may read on a connection that watches deadlines (0: no limit).
  std::chrono::milliseconds time_limit{0};
};

// Changes a stored item (as a JSON object) in place; returns false to abort
// the update, which then leaves the row untouched.
using Mutator = std::function<bool(nlohmann::json& item)>;

class ResourceStore {
 public:
  // `keys` assigns integer keys (null for other keys, and on PostgreSQL, where an identity
  // column does).
  ResourceStore(soci::session& session, const model::Resource& resource,
                TransactionStatements& transactions, KeySequence* keys);
  ~ResourceStore();

  // Inserts `item` (validated). The key is assigned unless the item has one.
  StoreResult create(const nlohmann::json& item, Record& out);
  StoreResult read(const nlohmann::json& key, Record& out);
  // Overwrites every column but the key.
  StoreResult replace(const nlohmann::json& key, const nlohmann::json& item, Record& out);
  // Reads, lets `mutate` change the item, writes it back, atomically (a savepoint; on the
  // writer's connection, inside its transaction).
  StoreResult update(const nlohmann::json& key, const Mutator& mutate, Record& out);
  // Deletes the row, and first the rows holding its key where they cascade (kConflict where
  // they restrict).
  StoreResult remove(const nlohmann::json& key);
  // Nested collections: whether the path's keys hold (Relations::check_lineage); kOk for a
  // top-level resource.
  StoreResult check_lineage(const nlohmann::json* key, const Lineage& lineage);
  // `total` is filled when query.want_total.
  StoreResult list(const ListQuery& query, std::vector<Record>& rows, long long& total);

  // Embedding: the rows whose `column` holds one of `keys` (a JSON array of keys, bound as one
  // value, so one statement serves any number of them); with `per_key` > 0, at most that many
  // for each key, the first by this resource's key, in that order.
  StoreResult rows_holding(size_t column, const std::string& keys, long long per_key,
                           std::vector<Record>& rows);

  // The stored row as a JSON object of every column, keyed by property.
  nlohmann::json to_item(const Record& record) const;
  // Where `record` stands in the order of `query`: its sort values, then its key
  // (ListQuery::after).
  std::vector<nlohmann::json> position_of(const ListQuery& query, const Record& record) const;

 private:
  // The WHERE clause of a list, its bound values and their types, and what tells its prepared
  // statement apart from other shapes of query (columns, operators, list lengths).
  struct ListSql {
    std::string where;
    std::vector<model::ColumnType> types;
    std::vector<nlohmann::json> values;
    std::string signature;
  };
  void add_condition(const Filter& filter, ListSql& sql) const;
  // PostgreSQL: the condition of a text filter whose value holds a NUL; false when it holds none.
  bool nul_condition(const Filter& filter, const std::string& name, ListSql& sql) const;
  void add_position(const ListQuery& query, ListSql& sql) const;
  // Inserts `item` with the key `taken` (null: the item's own; on PostgreSQL an integer key is
  // the identity column's, when the item has none). The key is given beside the item, not set in
  // a copy of it: a copy of a parsed body is a dozen allocations.
  StoreResult insert(const nlohmann::json& item, const nlohmann::json* taken, Record& out);
  // PostgreSQL: moves the identity column's sequence past a key a client chose.
  void advance_identity(const Cell& key);
  // The subquery turning the JSON array bound as :keys into rows of a column of `type`.
  std::string one_of(model::ColumnType type) const;
  // Builds a statement's SQL text and the types of its placeholders, in order.
  using SqlText = std::function<std::string(std::vector<model::ColumnType>& inputs)>;
  // The statement in `slot`, prepared from `sql` the first time only: the text depends on the
  // document alone, so a request never builds it again.
  Prepared& statement(std::unique_ptr<Prepared>& slot, const SqlText& sql, bool returns_row);
  bool set_key(Cell& cell, const nlohmann::json& key) const;
  // kInvalid (detail: the property) for a value the database cannot hold as it is.
  StoreResult storable(const nlohmann::json& item) const;
  // `key`: the key column's value when not the item's own (insert).
  void set_values(std::vector<Cell>& cells, size_t first, const nlohmann::json& item, bool with_key,
                  bool defaults, const nlohmann::json* key = nullptr) const;
  Record record_of(const Prepared& prepared) const;
  // `defaults`: absent properties take their schema default (else NULL).
  StoreResult write_back(const nlohmann::json& key, const nlohmann::json& item, bool defaults,
                         Record& out);

  soci::session& session_;
  const model::Resource& resource_;
  TransactionStatements& transactions_;
  KeySequence* keys_;
  const Dialect dialect_;
  std::string columns_sql_;  // "a", "b", ... of every column
  std::vector<model::ColumnType> all_types_;
  std::vector<size_t> value_columns_;  // every column but the key
  std::unique_ptr<Prepared> insert_;
  std::unique_ptr<Prepared> insert_with_key_;
  std::unique_ptr<Prepared> select_;
  std::unique_ptr<Prepared> update_;
  std::unique_ptr<Prepared> delete_;
  std::unique_ptr<Prepared> high_water_;
  std::unique_ptr<Prepared> identity_;
  std::unordered_map<std::string, std::unique_ptr<Prepared>> lists_;
  // rows_holding's, by column, unbounded and bounded.
  std::unordered_map<size_t, std::unique_ptr<Prepared>> holding_[2];
  // For a resource with a parent, references or dependents; else null.
  std::unique_ptr<Relations> relations_;
};

}  // namespace apiserver::store
