// The one writer of a database file: a thread that owns the only connection that writes, so no
// request thread ever waits in SQLite's busy handler for another's write lock (which is not
// fair: one thread can starve for seconds). Request threads hand it their write and wait.
//
// Group commit: the writes waiting when a transaction starts all join it, each inside a
// savepoint, so one that fails (a constraint, an item the merge made invalid) rolls back alone.
// A write's caller is answered only once the transaction holding it has committed.
#pragma once

#include <soci/soci.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/checkpointer.hpp"
#include "store/connect.hpp"
#include "store/resource_store.hpp"

namespace apiserver::store {

struct WriterOptions {
  Durability durability = Durability::kProcessCrash;
  // Writes waiting beyond this many are refused at once (kBusy: a 503 with Retry-After).
  size_t queue_capacity = 1024;
  // The most writes one transaction gathers.
  size_t max_group = 256;
};

class Writer {
 public:
  // A write: runs on the writer thread inside a transaction; a result that is not ok (or an
  // exception) undoes what it did, and only that.
  using Write = std::function<StoreResult(soci::session&, TransactionStatements&)>;
  // Work on the write connection outside any transaction (migrations, cleanup).
  using Task = std::function<void(soci::session&, TransactionStatements&)>;

  // The writer of `path`, shared by every Database open on that file (a reload opens a second
  // one beside the first); made by the first. Throws DatabaseError when the file cannot be
  // opened.
  static std::shared_ptr<Writer> of_file(const std::string& path, const WriterOptions& options);

  Writer(const std::string& path, const WriterOptions& options);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `write` in the next transaction and returns its result once that committed. kBusy
  // when the queue is full or the file is locked by another process; rethrows what `write`
  // threw, and what the commit threw.
  StoreResult write(const Write& write);
  // Runs `task` between transactions; rethrows what it threw.
  void run(const Task& task);

  const std::string& path() const { return path_; }
  // Writes and tasks handed over and not yet taken up.
  size_t waiting();

 private:
  struct Pending;
  void serve();
  void run_group(std::deque<Pending*>& group);

  std::string path_;
  WriterOptions options_;
  soci::session session_;  // the writer thread's alone, once started
  TransactionStatements transactions_;
  std::unique_ptr<Prepared> begin_, commit_, rollback_;
  std::unique_ptr<Prepared> savepoint_, release_, rollback_to_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace apiserver::store
