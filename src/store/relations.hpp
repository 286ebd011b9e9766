// The ties of a nested collection (model::ParentLink): whether the chain of keys a path names
// holds (/users/1/posts/7: post 7 is user 1's, and user 1 exists), and what deleting a parent
// does to its children (restrict: refused while it has any; cascade: they go too, each level by
// its own rule). Statements are prepared on first use; every key is bound.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "store/prepared.hpp"

namespace apiserver::store {

struct StoreResult;

// The keys of a resource's parent, its parent's parent and so on, as a path names them.
using Lineage = std::vector<nlohmann::json>;

class Relations {
 public:
  explicit Relations(soci::session& session) : session_(session) {}
  ~Relations();
  Relations(const Relations&) = delete;
  Relations& operator=(const Relations&) = delete;

  // kOk when `resource`'s parent has the key lineage[0], a child of lineage[1], and so on to a
  // top-level row (and, with `key`, when the row `key` is lineage[0]'s child); else kNotFound.
  StoreResult check_lineage(const model::Resource& resource, const nlohmann::json* key,
                            const Lineage& lineage);
  // Before the row `key` of `resource` is deleted: kConflict when a child under `restrict`
  // remains; children under `cascade` are deleted (theirs first). The caller's transaction
  // undoes what this did when the delete fails.
  StoreResult release_children(const model::Resource& resource, const nlohmann::json& key);

 private:
  // Statements on one resource's table.
  struct Table {
    std::unique_ptr<Prepared> linked;      // the row with a key (and the parent key) exists
    std::unique_ptr<Prepared> any_child;   // a row under a parent key exists
    std::unique_ptr<Prepared> child_keys;  // the keys of the rows under a parent key
    std::unique_ptr<Prepared> drop_children;
    std::unique_ptr<Prepared> mark_children;  // their largest key as the high-water mark
  };
  // The statement in `slot`, prepared from sql() the first time.
  Prepared& prepared(std::unique_ptr<Prepared>& slot, const std::function<std::string()>& sql,
                     std::vector<model::ColumnType> inputs,
                     std::vector<model::ColumnType> outputs = {});
  StoreResult drop_children(const model::Resource& child, const nlohmann::json& parent_key);

  soci::session& session_;
  std::unordered_map<const model::Resource*, Table> tables_;
};

}  // namespace apiserver::store
