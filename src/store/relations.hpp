// The ties between stored rows (model::ParentLink, model::Reference, model::Dependent): whether
// the chain of keys a nested path names holds (/users/1/posts/7: post 7 is user 1's, and user 1
// exists), whether the references of an item name rows that exist, and what deleting a row does
// to the rows holding its key (restrict: refused while any does; cascade: they go too, each
// level by its own rule). Statements are prepared on first use; every key is bound.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/model.hpp"
#include "store/prepared.hpp"
#include "store/sql.hpp"

namespace apiserver::store {

struct StoreResult;

// The keys of a resource's parent, its parent's parent and so on, as a path names them.
using Lineage = std::vector<nlohmann::json>;

class Relations {
 public:
  explicit Relations(soci::session& session) : session_(session), dialect_(dialect_of(session)) {}
  ~Relations();
  Relations(const Relations&) = delete;
  Relations& operator=(const Relations&) = delete;

  // kOk when `resource`'s parent has the key lineage[0], a child of lineage[1], and so on to a
  // top-level row (and, with `key`, when the row `key` is lineage[0]'s child); else kNotFound.
  StoreResult check_lineage(const model::Resource& resource, const nlohmann::json* key,
                            const Lineage& lineage);
  // kUnknownReference (detail: the property) when a reference of `item` names no row.
  StoreResult check_references(const model::Resource& resource, const nlohmann::json& item);
  // Before the row `key` of `resource` is deleted: kConflict while a restricting dependent
  // remains; cascading ones are deleted (theirs first). The caller's transaction undoes what
  // this did when the delete fails.
  StoreResult release_dependents(const model::Resource& resource, const nlohmann::json& key,
                                 int depth = 0);

 private:
  // Statements on one resource's table, about one of its key columns (its parent's key, a
  // reference, or its own key when the column is its key).
  struct Statements {
    std::unique_ptr<Prepared> linked;  // the row with a key (and that parent key) exists
    std::unique_ptr<Prepared> any;     // a row holds a key in the column
    std::unique_ptr<Prepared> keys;    // the keys of the rows holding a key in the column
    std::unique_ptr<Prepared> drop;    // deletes those rows
    std::unique_ptr<Prepared> mark;    // their largest key becomes the high-water mark
  };
  Statements& statements(const model::Resource& resource, size_t column) {
    return statements_[{&resource, column}];
  }
  // The statement in `slot`, prepared from sql() the first time.
  Prepared& prepared(std::unique_ptr<Prepared>& slot, const std::function<std::string()>& sql,
                     std::vector<model::ColumnType> inputs,
                     std::vector<model::ColumnType> outputs = {});
  // set_key_cell for a key a path names: on PostgreSQL, a key holding a NUL names no row (libpq
  // would cut it short at the NUL, and so find another).
  bool path_key(Cell& cell, model::ColumnType type, const nlohmann::json& key) const;
  StoreResult drop_dependents(const model::Dependent& dependent, const nlohmann::json& key,
                              int depth);

  soci::session& session_;
  const Dialect dialect_;
  std::map<std::pair<const model::Resource*, size_t>, Statements> statements_;
};

}  // namespace apiserver::store
