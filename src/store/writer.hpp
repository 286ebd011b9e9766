// The one writer of a database file: it owns the only connection that writes, so no request
// thread ever waits in SQLite's busy handler for another's write lock (which is not fair: one
// thread can starve for seconds). Writes queue up first come, first served.
//
// The connection is used by one thread at a time: the thread whose write is first in line
// when the connection is free writes for every write queued behind it (up to max_group) and
// then wakes their threads; the next first in line takes over. An uncontended write thus costs
// no hand-over to another thread, which a dedicated writer thread would (two context switches
// a write, and a scheduling delay each on a busy machine).
//
// Group commit: the writes waiting when a transaction starts all join it, each inside a
// savepoint, so one that fails (a constraint, an item the merge made invalid) rolls back alone.
// A write's caller is answered only once the transaction holding it has committed.
//
// A write may also be submitted without waiting (submit): it joins the queue, and its
// completion runs once it committed, on the thread that wrote it. An event loop submits the
// writes of every request in one batch of events and flushes once at the end of the batch, so
// they share one transaction without any thread waiting for another in between.
#pragma once

#include <soci/soci.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/checkpointer.hpp"
#include "store/connect.hpp"
#include "store/file_claim.hpp"
#include "store/resource_store.hpp"

namespace apiserver::store {

struct WriterOptions {
  Durability durability = Durability::kProcessCrash;
  // Writes waiting beyond this many are refused at once (kBusy: a 503 with Retry-After). A
  // connection has at most one write waiting (it reads nothing more until that is answered),
  // so connections bound the queue; this is the safeguard beyond them.
  size_t queue_capacity = 65536;
  // The most writes one transaction gathers.
  size_t max_group = 256;
  CheckpointPolicy checkpoints;
};

class Writer {
 public:
  // A write: runs (on the thread whose turn it is) inside a transaction; a result that is not ok
  // (or an exception) undoes what it did, and only that.
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

  // Runs `write` in the next transaction (on this thread or another waiting one) and returns
  // its result once that committed. kBusy
  // when the queue is full or the file is locked by another process; rethrows what `write`
  // threw, and what the commit threw.
  StoreResult write(const Write& write);
  // Runs `task` between transactions; rethrows what it threw.
  void run(const Task& task);

  // What a submitted write's caller learns once its transaction ended: the write's result, or
  // what it (or the commit) threw. Runs on the thread that wrote the group, outside the
  // writer's lock; must not throw.
  using Done = std::function<void(StoreResult, std::exception_ptr)>;
  // Queues `write` without waiting; `done` runs once it has been written (by a flush here or
  // on another thread, or by a thread that waits in write()). False, with nothing queued,
  // when the queue is full.
  bool submit(Write write, Done done);
  // Returns once every write submitted before it has been written and its `done` has run,
  // writing them on this thread when no other is.
  void flush();

  const std::string& path() const { return path_; }
  // PostgreSQL: `forget` runs, in the writer's turn, before the connection is made again after
  // the server dropped it, to let go of what `owner` prepared on it (null: `owner` has gone).
  void on_reconnect(const void* owner, std::function<void()> forget);
  // Writes and tasks handed over and not yet taken up.
  size_t waiting();
  // Transactions committed so far. Bumped before their writes' callers learn of them, so a
  // reader that sees the count it saw last has no newer write to miss (Database's snapshots).
  uint64_t commits() const { return commits_.load(std::memory_order_acquire); }
  // Times the WAL was started over, and the database file was synced beside the writes before
  // (for tests).
  uint64_t wal_restarts() const { return checkpointer_ ? checkpointer_->restarts() : 0; }
  uint64_t database_file_syncs() const {
    return checkpointer_ ? checkpointer_->database_syncs() : 0;
  }

 private:
  struct Pending;
  struct Submitted;
  // Waits until `pending` is done, writing the group at the front of the line whenever this
  // thread may (may_lead). Called with the lock held.
  void take_turn(Pending& pending, std::unique_lock<std::mutex>& lock);
  // True when the connection is free and the front of the line is `pending`, or submitted
  // writes that no thread of their own waits for.
  bool may_lead(const Pending& pending) const;
  void prepare_statements();
  // PostgreSQL: connects again after the server dropped the connection; false, with `why`, when
  // it cannot yet.
  bool reconnect(std::string& why);
  // Writes the group at the front of the line, then completes it; with the lock held.
  void lead(std::unique_lock<std::mutex>& lock);
  // Tells the first waiting thread in line that it may be its turn.
  void wake_next_leader();
  // Writes `group` in one transaction; false when it held no write.
  bool run_group(const std::vector<Pending*>& group);
  // Runs the completions of the submitted writes of `group` and frees them; without the lock.
  static void complete(const std::vector<Pending*>& group);

  std::string path_;
  WriterOptions options_;
  const bool postgres_;
  std::map<const void*, std::function<void()>> forgetters_;  // by owner; under mutex_
  // Before the connections and after them: no other process writes the file meanwhile (SQLite
  // only).
  std::unique_ptr<FileClaim> claim_;
  soci::session session_;  // used by the thread whose turn it is (writing_) only
  TransactionStatements transactions_;
  std::unique_ptr<Prepared> begin_, commit_, rollback_;
  std::unique_ptr<Prepared> savepoint_, release_, rollback_to_;
  std::unique_ptr<Checkpointer> checkpointer_;  // SQLite only
  std::mutex mutex_;
  std::deque<Pending*> queue_;  // waiting, first in line first
  bool writing_ = false;        // a thread holds the connection
  std::atomic<uint64_t> commits_{0};
  size_t completing_ = 0;  // groups written whose completions are running
};

}  // namespace apiserver::store
