#include "store/database.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <atomic>
#include <optional>

#include "store/migration.hpp"
#include "store/query_deadline.hpp"
#include "store/read_snapshot.hpp"
#include "store/sql.hpp"

namespace apiserver::store {
namespace {

std::atomic<uint64_t> next_database_id{1};

// A reader waits this long for a lock (WAL recovery after a crash) before giving up with BUSY.
constexpr int kReaderBusyTimeoutMs = 5000;

using KeySequences = std::unordered_map<const model::Resource*, std::shared_ptr<KeySequence>>;

// `created` with every table after the tables its rows reference (a nested collection's
// parent included), so that seed rows find the rows they name; references in a cycle keep the
// document's order.
std::vector<const model::Resource*> seeding_order(std::vector<const model::Resource*> created) {
  std::vector<const model::Resource*> ordered;
  auto waits = [&](const model::Resource* resource) {
    for (const model::Resource* other : created) {
      if (other == resource) continue;
      for (const model::Reference& reference : resource->references)
        if (reference.target == other) return true;
      if (resource->parent && resource->parent->resource == other) return true;
    }
    return false;
  };
  while (!created.empty()) {
    auto ready = std::find_if(created.begin(), created.end(),
                              [&](const model::Resource* r) { return !waits(r); });
    if (ready == created.end()) ready = created.begin();  // a cycle
    ordered.push_back(*ready);
    created.erase(ready);
  }
  return ordered;
}

// Inserts the x-apiserver-seed rows of the tables in `created`, one transaction per table, or
// in the caller's (`in_transaction`). Throws DatabaseError naming the first row refused.
void seed_tables(soci::session& session, TransactionStatements& transactions,
                 const std::vector<const model::Resource*>& created, const KeySequences& keys,
                 bool in_transaction, std::vector<std::string>& notes) {
  for (const model::Resource* resource : seeding_order(created)) {
    if (resource->seed_rows.empty()) continue;
    auto sequence = keys.find(resource);
    ResourceStore seeder(session, *resource, transactions,
                         sequence == keys.end() ? nullptr : sequence->second.get());
    std::optional<soci::transaction> tx;
    if (!in_transaction) tx.emplace(session);
    for (size_t i = 0; i < resource->seed_rows.size(); ++i) {
      const nlohmann::json& row = resource->seed_rows[i];
      Record out;
      StoreResult result;
      try {
        result = seeder.create(row, out);
      } catch (const std::exception& e) {
        result = {StoreStatus::kInvalid, e.what()};
      }
      if (result.status == StoreStatus::kUnknownReference)
        result.detail += " names no row of the table it references";
      if (!result.ok())
        throw DatabaseError("seed row " + std::to_string(i) + " of table " + resource->table +
                            " refused: " + (result.detail.empty() ? "conflict" : result.detail) +
                            ": " + row.dump());
    }
    if (tx) tx->commit();
    notes.push_back("table " + resource->table + ": loaded " +
                    std::to_string(resource->seed_rows.size()) + " seed row(s)");
  }
}

// Best effort: the caller is failing already and reports its own error.
void drop_tables(soci::session& session, const std::vector<const model::Resource*>& tables) {
  for (const model::Resource* resource : tables) {
    try {
      session << "DROP TABLE IF EXISTS " + quote_identifier(resource->table);
    } catch (const std::exception&) {
    }
  }
}

// Taken by every instance migrating a database, for its migration's transaction: instances
// starting together migrate one after the other, and none reads a half-migrated table.
constexpr long long kMigrationLock = 0x6170697365727665;  // "apiserve"

// What a migration refused, as one message.
std::string refusal(const std::string& location, const std::vector<std::string>& errors) {
  std::string message = "the database " + shown_location(location) + " does not fit the document:";
  for (const std::string& e : errors) message += "\n  - " + e;
  return message;
}

}  // namespace

struct Database::Connection : std::enable_shared_from_this<Connection> {
  soci::session session;
  TransactionStatements transactions;
  std::unordered_map<const model::Resource*, std::unique_ptr<ResourceStore>> stores;
  // hold_read_snapshot()'s, versioned by the writer's commit count (SQLite only).
  std::unique_ptr<ReadSnapshot> snapshot;
};

Database::Database(std::string path, const model::Api& api, std::vector<std::string>& notes,
                   std::shared_ptr<KeyCounters> counters, Durability durability)
    : path_(std::move(path)),
      dialect_(dialect_of(path_)),
      api_(api),
      id_(next_database_id++),
      counters_(counters ? std::move(counters) : std::make_shared<KeyCounters>()) {
  WriterOptions options;
  options.durability = durability;
  writer_ = Writer::of_file(path_, options);
  // Statements prepared on the writer's connection go when it is connected again.
  writer_->on_reconnect(this, [this] { writer_stores_.clear(); });
  if (dialect_ == Dialect::kPostgres) {
    writer_->run([&](soci::session& session, TransactionStatements& transactions) {
      migrate_postgres(session, transactions, notes);
    });
    return;
  }
  std::string mode;
  writer_->run([&](soci::session& session, TransactionStatements& transactions) {
    session << "PRAGMA journal_mode", soci::into(mode);
    migrate(session, transactions, notes);
  });
  if (mode != "wal") notes.push_back("journal mode is " + mode + ", not WAL");
}

void Database::migrate_postgres(soci::session& session, TransactionStatements& transactions,
                                std::vector<std::string>& notes) {
  // One transaction: the tables, their indexes and their seed rows appear together or not at
  // all, whoever else starts at the same time.
  std::vector<std::string> errors;
  std::vector<const model::Resource*> created;
  try {
    soci::transaction tx(session);
    std::string locked;
    session << "SELECT CAST(pg_advisory_xact_lock(:k) AS TEXT)", soci::use(kMigrationLock),
        soci::into(locked);
    std::vector<std::string> done;
    for (const auto& resource : api_.resources) {
      MigrationReport report;
      migrate_table_postgres(session, *resource, report);
      errors.insert(errors.end(), report.errors.begin(), report.errors.end());
      if (report.created) created.push_back(resource.get());
      done.insert(done.end(), report.notes.begin(), report.notes.end());
    }
    if (!errors.empty()) throw DatabaseError(refusal(path_, errors));
    seed_tables(session, transactions, created, keys_, true, done);
    tx.commit();
    notes.insert(notes.end(), done.begin(), done.end());
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw DatabaseError("cannot migrate the database " + shown_location(path_) + ": " + e.what());
  }
}

void Database::migrate(soci::session& session, TransactionStatements& transactions,
                       std::vector<std::string>& notes) {
  std::vector<std::string> errors;
  std::vector<const model::Resource*> created;
  for (const auto& resource : api_.resources) {
    MigrationReport report;
    try {
      migrate_table(session, *resource, report);
    } catch (const std::exception& e) {
      report.errors.push_back("table " + resource->table + ": " + e.what());
    }
    errors.insert(errors.end(), report.errors.begin(), report.errors.end());
    if (report.created) created.push_back(resource.get());
    notes.insert(notes.end(), report.notes.begin(), report.notes.end());
  }
  if (!errors.empty()) throw DatabaseError(refusal(path_, errors));
  try {
    for (const auto& resource : api_.resources) {
      if (resource->key_kind != model::KeyKind::kInteger) continue;
      keys_[resource.get()] = counters_->counter(
          path_, resource->table,
          first_unused_key(session, resource->table, resource->key_column().name));
    }
  } catch (const std::exception& e) {
    throw DatabaseError("cannot read the keys in use in " + path_ + ": " + e.what());
  }
  // Seed rows go into tables created just now, so a restart never adds them twice.
  try {
    seed_tables(session, transactions, created, keys_, false, notes);
  } catch (const DatabaseError&) {
    // A table left behind empty would count as seeded at the next start, which would then
    // serve it without its rows: drop what this start created, so a corrected document seeds
    // it afresh.
    drop_tables(session, created);
    throw;
  }
}

Database::~Database() {
  // The writer's statements of this document go with it, in the writer's turn.
  try {
    writer_->run([this](soci::session&, TransactionStatements&) { writer_stores_.clear(); });
  } catch (const std::exception&) {
  }
  writer_->on_reconnect(this, nullptr);
}

std::shared_ptr<Database::Connection> Database::open_connection() {
  auto connection = std::make_shared<Connection>();
  connect(*connection);
  return connection;
}

void Database::connect(Connection& connection) {
  store::open_connection(connection.session, path_, Durability::kProcessCrash,
                         kReaderBusyTimeoutMs);
  connection.transactions = make_transaction_statements(connection.session);
  if (dialect_ == Dialect::kSqlite) {
    watch_deadlines(connection.session);
  } else {
    // A read connection runs reads and lists only: the lists' time limit bounds its statements
    // (reads by key end long before).
    connection.session << "SET statement_timeout = " +
                              std::to_string(api_.settings.query_time_limit.count());
  }
}

Database::Connection& Database::live_connection() {
  Connection& c = connection();
  if (dialect_ == Dialect::kSqlite || !connection_lost(c.session)) return c;
  // PostgreSQL dropped it (a restart, a network cut): its statements went with it.
  c.stores.clear();
  c.transactions = TransactionStatements{};
  try {
    c.session.close();
    connect(c);
  } catch (const std::exception& e) {
    throw DatabaseUnavailable("cannot connect to the database " + shown_location(path_) + ": " +
                              e.what());
  }
  return c;
}

ResourceStore& Database::writer_store(soci::session& session, TransactionStatements& transactions,
                                      const model::Resource& resource) {
  auto& slot = writer_stores_[&resource];
  if (!slot) {
    auto keys = keys_.find(&resource);
    slot = std::make_unique<ResourceStore>(session, resource, transactions,
                                           keys == keys_.end() ? nullptr : keys->second.get());
  }
  return *slot;
}

StoreResult Database::write(const model::Resource& resource, const WriteBody& body) {
  return writer_->write([&](soci::session& session, TransactionStatements& transactions) {
    return body(writer_store(session, transactions, resource));
  });
}

bool Database::submit(const model::Resource& resource, WriteBody body, Writer::Done done) {
  return writer_->submit(
      [this, &resource, body = std::move(body)](soci::session& session,
                                                TransactionStatements& transactions) {
        return body(writer_store(session, transactions, resource));
      },
      std::move(done));
}

std::function<void()> Database::hold_read_snapshot() {
  if (dialect_ != Dialect::kSqlite) return nullptr;
  try {
    Connection& c = connection();
    if (!c.snapshot) c.snapshot = std::make_unique<ReadSnapshot>(c.session);
    ReadSnapshot& snapshot = *c.snapshot;
    const uint64_t commits = writer_->commits();
    if (snapshot.held()) {
      if (snapshot.version() == commits) return nullptr;
      // A write was answered since it began: start it again, after that write. Its release is
      // on its way already.
      snapshot.renew(commits);
      return nullptr;
    }
    if (!snapshot.begin(commits)) return nullptr;
    return [held = c.shared_from_this()] { held->snapshot->end(); };
  } catch (const std::exception&) {
    return nullptr;  // the reads go without a shared snapshot, each in its own
  }
}

bool Database::ping() noexcept {
  try {
    int one = 0;
    live_connection().session << "SELECT 1", soci::into(one);
    return one == 1;
  } catch (const std::exception&) {
    return false;
  }
}

Database::Connection& Database::connection() {
  // Fast path: this thread already found its connection to this database.
  thread_local uint64_t cached_id = 0;
  thread_local Connection* cached = nullptr;
  if (cached_id == id_) return *cached;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = connections_[std::this_thread::get_id()];
  if (!slot) {
    try {
      slot = open_connection();
    } catch (const std::exception& e) {
      connections_.erase(std::this_thread::get_id());  // the next request tries again
      throw DatabaseUnavailable("cannot connect to the database " + shown_location(path_) + ": " +
                                e.what());
    }
  }
  cached_id = id_;
  cached = slot.get();
  return *slot;
}

ResourceStore& Database::store(const model::Resource& resource) {
  Connection& c = live_connection();
  auto& slot = c.stores[&resource];
  if (!slot) {
    auto keys = keys_.find(&resource);
    slot = std::make_unique<ResourceStore>(c.session, resource, c.transactions,
                                           keys == keys_.end() ? nullptr : keys->second.get());
  }
  return *slot;
}

}  // namespace apiserver::store
