// The SQLite database behind the stored resources: opened and migrated at start-up. Reads run
// on one connection per server thread, each with its own prepared statements (a SOCI session
// is not thread-safe), in parallel on WAL snapshots; writes and migrations go to the file's one
// writer (writer.hpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "store/connect.hpp"
#include "store/key_sequence.hpp"
#include "store/resource_store.hpp"
#include "store/sql.hpp"
#include "store/writer.hpp"

namespace apiserver::store {

class Database {
 public:
  // Opens (or creates) `path`, switches it to WAL, and migrates the table of
  // every resource of `api`. Throws DatabaseError listing every problem.
  // `notes` receives what the migration did. `counters` holds the key counters shared with
  // other Database objects on the same file (a reload); null: this one's own. `durability`
  // applies to the file's writer, made by the first Database on it.
  Database(std::string path, const model::Api& api, std::vector<std::string>& notes,
           std::shared_ptr<KeyCounters> counters = nullptr,
           Durability durability = Durability::kProcessCrash);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The calling thread's store for `resource`, for reads. (It can write, but a request thread
  // never does: its writes go through write().) Throws DatabaseUnavailable when PostgreSQL
  // cannot be reached.
  ResourceStore& store(const model::Resource& resource);

  // Runs `body` on the writer's store for `resource`, in the writer's next transaction, and
  // returns its result once committed (see Writer::write). `body` may read and write; a
  // result that is not ok undoes what it wrote.
  using WriteBody = std::function<StoreResult(ResourceStore&)>;
  StoreResult write(const model::Resource& resource, const WriteBody& body);
  // Holds the calling thread's reads of this database on one snapshot (one SQLite read
  // transaction) until the returned release runs: the requests an event loop handles in one
  // turn then take SQLite's read lock once between them, not twice per statement (a pair of
  // fcntl(2) calls each). A snapshot older than the writer's last commit is renewed here, so a
  // request never misses a write answered before it arrived. Null when the thread holds its
  // snapshot already, and on PostgreSQL; the release runs on this thread, and may outlive the
  // Database. It must run (the snapshot would keep the WAL from being checkpointed).
  std::function<void()> hold_read_snapshot();

  // Queues `body` like write() without waiting: `done` runs once it has been written, on the
  // thread that wrote it (see Writer::submit), which flush_writes() may be. False when the
  // write queue is full (nothing queued).
  bool submit(const model::Resource& resource, WriteBody body, Writer::Done done);
  // Writes what was submitted (see Writer::flush).
  void flush_writes() { writer_->flush(); }
  // The writer, for work that must outlive this Database's caller (a flush at the end of an
  // event loop's batch).
  const std::shared_ptr<Writer>& writer() const { return writer_; }

  const std::string& path() const { return path_; }

  // True when the calling thread's connection answers a query (readiness checks).
  bool ping() noexcept;

 private:
  struct Connection;
  Connection& connection();
  // The calling thread's connection, connected again first when PostgreSQL dropped it; throws
  // DatabaseUnavailable when that fails.
  Connection& live_connection();
  std::shared_ptr<Connection> open_connection();
  // Connects `connection` (again), with its savepoint statements and settings.
  void connect(Connection& connection);
  // The writer's store for `resource`; in the writer's turn only.
  ResourceStore& writer_store(soci::session& session, TransactionStatements& transactions,
                              const model::Resource& resource);
  void migrate(soci::session& session, TransactionStatements& transactions,
               std::vector<std::string>& notes);
  void migrate_postgres(soci::session& session, TransactionStatements& transactions,
                        std::vector<std::string>& notes);

  std::string path_;
  const Dialect dialect_;
  const model::Api& api_;
  const uint64_t id_;  // tells thread-local caches which Database they belong to
  std::mutex mutex_;
  // Shared: a snapshot's release holds its connection (see hold_read_snapshot).
  std::unordered_map<std::thread::id, std::shared_ptr<Connection>> connections_;
  // Integer-keyed resources: their key counters, shared by every connection.
  std::shared_ptr<KeyCounters> counters_;
  std::unordered_map<const model::Resource*, std::shared_ptr<KeySequence>> keys_;
  std::shared_ptr<Writer> writer_;
  // The stores on the writer's connection: used only by the thread whose turn it is.
  std::unordered_map<const model::Resource*, std::unique_ptr<ResourceStore>> writer_stores_;
};

}  // namespace apiserver::store
