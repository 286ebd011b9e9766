// The one writer of a database file, with group commit (see writer.hpp).
#include "store/writer.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <map>
#include <vector>

#include "store/sql.hpp"

namespace apiserver::store {
namespace {

// The writer waits this long for a lock another process holds before answering busy.
constexpr int kBusyTimeoutMs = 5000;

void execute(Prepared& statement) {
  Finisher finish(statement);
  statement.execute();
}

std::unique_ptr<Prepared> prepare(soci::session& session, const char* sql) {
  return std::make_unique<Prepared>(session, sql, std::vector<model::ColumnType>{},
                                    std::vector<model::ColumnType>{});
}

// Whether a transaction could not start because the database is busy (SQLite: another process
// holds its lock) or out of reach (PostgreSQL: the connection failed, the server is stopping):
// its writes are then answered busy, as a 503.
bool is_busy(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const soci::sqlite3_soci_error& e) {
    int code = e.result() & 0xff;
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
  } catch (const soci::postgresql_soci_error& e) {
    const std::string state = e.sqlstate();
    return state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0;
  } catch (...) {
    return false;
  }
}

}  // namespace

// A write or task handed to the writer, on the stack of the thread that waits for it. Neither
// a write nor a task: a flush's marker, done once everything before it is.
struct Writer::Pending {
  const Write* write = nullptr;
  const Task* task = nullptr;
  StoreResult result;
  std::exception_ptr error;
  bool done = false;
  bool submitted = false;  // a Submitted, owned by the writer: nobody waits for it
  std::condition_variable finished;
};

// A write nobody waits for: it owns its write and completion, and the writer frees it.
struct Writer::Submitted : Pending {
  Write owned;
  Done on_done;
};

std::shared_ptr<Writer> Writer::of_file(const std::string& path, const WriterOptions& options) {
  static std::mutex mutex;
  static std::map<std::string, std::weak_ptr<Writer>> writers;
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<Writer> writer = writers[path].lock();
  if (!writer) {
    writer = std::make_shared<Writer>(path, options);
    writers[path] = writer;
  }
  return writer;
}

Writer::Writer(const std::string& path, const WriterOptions& options)
    : path_(path), options_(options), postgres_(dialect_of(path) == Dialect::kPostgres) {
  const bool sqlite = !postgres_;
  try {
    // Many instances share one PostgreSQL database: only a SQLite file is claimed.
    if (sqlite) claim_ = std::make_unique<FileClaim>(path);
    open_connection(session_, path, options.durability, kBusyTimeoutMs);
    if (sqlite) {
      // WAL lets readers run beside the one writer; it is a property of the file.
      std::string mode;
      session_ << "PRAGMA journal_mode=WAL", soci::into(mode);
    }
    // No journal_size_limit: a WAL that starts over keeps its size and is written over in
    // place, since cutting it back (an ftruncate of several milliseconds on ext4) would fall on
    // the request whose write starts it over. The checkpointer keeps the log short instead.
    prepare_statements();
    // The checkpointer's last steps run while writes wait in this queue, like a task.
    if (sqlite)
      checkpointer_ = std::make_unique<Checkpointer>(
          path, options.durability,
          [this](const std::function<void()>& work) {
            run([&](soci::session&, TransactionStatements&) { work(); });
          },
          options.checkpoints);
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw DatabaseError("cannot open database " + shown_location(path) + ": " + e.what());
  }
}

void Writer::prepare_statements() {
  begin_ = prepare(session_, postgres_ ? "BEGIN" : "BEGIN IMMEDIATE");
  commit_ = prepare(session_, "COMMIT");
  rollback_ = prepare(session_, "ROLLBACK");
  savepoint_ = prepare(session_, "SAVEPOINT apiserver_write");
  release_ = prepare(session_, "RELEASE apiserver_write");
  rollback_to_ = prepare(session_, "ROLLBACK TO apiserver_write");
  transactions_ = make_transaction_statements(session_);
}

void Writer::on_reconnect(const void* owner, std::function<void()> forget) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (forget)
    forgetters_[owner] = std::move(forget);
  else
    forgetters_.erase(owner);
}

bool Writer::reconnect(std::string& why) {
  // Every statement prepared on the lost connection goes first, the stores' with them.
  std::map<const void*, std::function<void()>> forgetters;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    forgetters = forgetters_;
  }
  for (auto& [owner, forget] : forgetters) forget();
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  savepoint_.reset();
  release_.reset();
  rollback_to_.reset();
  transactions_ = TransactionStatements{};
  try {
    session_.close();
    open_connection(session_, path_, options_.durability, kBusyTimeoutMs);
    prepare_statements();
    return true;
  } catch (const std::exception& e) {
    why = std::string("cannot connect to the database again: ") + e.what();
    return false;
  }
}

// The checkpointer goes first: its thread may be waiting for a turn in this writer's queue.
Writer::~Writer() {
  checkpointer_.reset();
  // Submitted writes nobody flushed (the server stopped first) are answered, not dropped.
  std::vector<Pending*> unwritten;
  for (Pending* pending : queue_) {
    if (!pending->submitted) continue;
    pending->result = {StoreStatus::kBusy, "the server stopped before the write"};
    unwritten.push_back(pending);
  }
  complete(unwritten);
}

StoreResult Writer::write(const Write& write) {
  Pending pending;
  pending.write = &write;
  std::unique_lock<std::mutex> lock(mutex_);
  if (queue_.size() >= options_.queue_capacity)
    return {StoreStatus::kBusy, "the write queue of " + path_ + " is full"};
  queue_.push_back(&pending);
  take_turn(pending, lock);
  if (pending.error) std::rethrow_exception(pending.error);
  return pending.result;
}

void Writer::run(const Task& task) {
  Pending pending;
  pending.task = &task;
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&pending);
  take_turn(pending, lock);
  if (pending.error) std::rethrow_exception(pending.error);
}

bool Writer::submit(Write write, Done done) {
  auto submitted = std::make_unique<Submitted>();
  submitted->owned = std::move(write);
  submitted->on_done = std::move(done);
  submitted->write = &submitted->owned;
  submitted->submitted = true;
  std::lock_guard<std::mutex> lock(mutex_);
  if (queue_.size() >= options_.queue_capacity) return false;
  queue_.push_back(submitted.release());
  return true;
}

void Writer::flush() {
  Pending marker;
  std::unique_lock<std::mutex> lock(mutex_);
  if (queue_.empty() && !writing_ && completing_ == 0) return;
  queue_.push_back(&marker);
  take_turn(marker, lock);
}

void Writer::complete(const std::vector<Pending*>& group) {
  for (Pending* pending : group) {
    if (!pending->submitted) continue;
    std::unique_ptr<Submitted> submitted(static_cast<Submitted*>(pending));
    submitted->on_done(std::move(submitted->result), submitted->error);
  }
}

size_t Writer::waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool Writer::may_lead(const Pending& pending) const {
  if (writing_ || queue_.empty()) return false;
  const Pending* front = queue_.front();
  // Submitted writes have no thread of their own: any waiting thread writes them.
  if (front->submitted) return true;
  if (front != &pending) return false;
  // A flush's marker also waits for the completions of groups written before it.
  const bool marker = pending.write == nullptr && pending.task == nullptr;
  return !marker || completing_ == 0;
}

void Writer::wake_next_leader() {
  for (Pending* pending : queue_) {
    if (pending->submitted) continue;
    pending->finished.notify_one();
    return;
  }
}

void Writer::take_turn(Pending& pending, std::unique_lock<std::mutex>& lock) {
  while (true) {
    pending.finished.wait(lock, [&] { return pending.done || may_lead(pending); });
    if (pending.done) return;  // a leader before it wrote it (or, for a marker, passed it)
    lead(lock);
  }
}

void Writer::lead(std::unique_lock<std::mutex>& lock) {
  // The connection is free and the group at the front of the line is this thread's to write.
  writing_ = true;
  std::vector<Pending*> group;
  Pending* task = queue_.front()->task != nullptr ? queue_.front() : nullptr;
  if (task != nullptr) {
    group.push_back(task);
    queue_.pop_front();
  } else {
    // A task runs alone; writes gather up to the next task.
    while (!queue_.empty() && queue_.front()->task == nullptr &&
           group.size() < options_.max_group) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
  }
  lock.unlock();
  if (task != nullptr) {
    try {
      (*task->task)(session_, transactions_);
    } catch (...) {
      task->error = std::current_exception();
    }
  } else if (run_group(group) && checkpointer_) {
    checkpointer_->committed();
  }
  // Those waiting in write(), run() or flush(); complete() frees the others.
  std::vector<Pending*> waiters;
  for (Pending* member : group) {
    if (!member->submitted) waiters.push_back(member);
  }
  lock.lock();
  writing_ = false;
  ++completing_;
  wake_next_leader();
  lock.unlock();
  // The completions run before any waiter of the group is told: a flush that returns has seen
  // every write before it completed.
  complete(group);
  lock.lock();
  --completing_;
  if (completing_ == 0) wake_next_leader();
  // Notified under the lock: once `done` is seen, a waiter may destroy its Pending.
  for (Pending* member : waiters) {
    member->done = true;
    member->finished.notify_one();
  }
}

bool Writer::run_group(const std::vector<Pending*>& group) {
  // Alone in its transaction, a write needs no savepoint: a failure rolls the transaction back.
  size_t writes = 0;
  for (const Pending* pending : group) writes += pending->write != nullptr ? 1 : 0;
  if (writes == 0) return false;  // flush markers only
  const bool alone = writes == 1;
  bool any_written = false;
  // PostgreSQL dropped the connection (a restart, a network cut): connect again, or answer the
  // group busy and try again with the next one.
  std::string unreachable;
  if (postgres_ && (!begin_ || connection_lost(session_)) && !reconnect(unreachable)) {
    for (Pending* pending : group) pending->result = {StoreStatus::kBusy, unreachable};
    return false;
  }
  try {
    execute(*begin_);
  } catch (const std::exception& e) {
    const std::exception_ptr failure = std::current_exception();
    const bool busy = is_busy(failure);
    for (Pending* pending : group) {
      if (busy)
        pending->result = {StoreStatus::kBusy, e.what()};
      else
        pending->error = failure;
    }
    return false;
  }
  try {
    for (Pending* pending : group) {
      if (pending->write == nullptr) continue;  // a flush's marker
      if (!alone) execute(*savepoint_);
      try {
        pending->result = (*pending->write)(session_, transactions_);
      } catch (...) {
        // The connection lost under a write (PostgreSQL) is the database out of reach.
        std::exception_ptr failure = std::current_exception();
        if (is_busy(failure))
          pending->result = {StoreStatus::kBusy, "the connection was lost"};
        else
          pending->error = failure;
      }
      const bool kept = !pending->error && pending->result.ok();
      if (!alone) {
        if (!kept) execute(*rollback_to_);
        execute(*release_);
      }
      any_written = any_written || kept;
    }
    execute(any_written ? *commit_ : *rollback_);
    if (any_written) commits_.fetch_add(1, std::memory_order_release);
  } catch (...) {
    // The transaction itself failed (the disk is full, the commit was refused): nothing of
    // the group was written, and every write of it says so.
    std::exception_ptr failure = std::current_exception();
    const bool busy = is_busy(failure);
    try {
      execute(*rollback_);
    } catch (...) {
      // SQLite may have rolled back already; a lost connection has nothing to roll back.
    }
    for (Pending* pending : group) {
      if (pending->error) continue;
      // A connection lost mid-transaction is the database out of reach, as at its start.
      if (busy)
        pending->result = {StoreStatus::kBusy, "the transaction was lost with the connection"};
      else
        pending->error = failure;
    }
  }
  return true;
}

}  // namespace apiserver::store
