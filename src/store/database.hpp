// The SQLite database behind the stored resources: opened and migrated at
// start-up, then one connection per server thread, each with its own
// prepared statements (a SOCI session is not thread-safe).
#pragma once

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "store/key_sequence.hpp"
#include "store/resource_store.hpp"

namespace apiserver::store {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  // Opens (or creates) `path`, switches it to WAL, and migrates the table of
  // every resource of `api`. Throws DatabaseError listing every problem.
  // `notes` receives what the migration did. `counters` holds the key counters shared with
  // other Database objects on the same file (a reload); null: this one's own.
  Database(std::string path, const model::Api& api, std::vector<std::string>& notes,
           std::shared_ptr<KeyCounters> counters = nullptr);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The calling thread's store for `resource`.
  ResourceStore& store(const model::Resource& resource);

  const std::string& path() const { return path_; }

  // True when the calling thread's connection answers a query (readiness checks).
  bool ping() noexcept;

 private:
  struct Connection;
  Connection& connection();
  std::unique_ptr<Connection> open_connection();

  std::string path_;
  const model::Api& api_;
  const uint64_t id_;  // tells thread-local caches which Database they belong to
  std::mutex mutex_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> connections_;
  // Integer-keyed resources: their key counters, shared by every connection.
  std::shared_ptr<KeyCounters> counters_;
  std::unordered_map<const model::Resource*, std::shared_ptr<KeySequence>> keys_;
};

}  // namespace apiserver::store
