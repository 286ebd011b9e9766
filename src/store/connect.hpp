// Opening a connection the way every connection of the server is opened: to PostgreSQL, or to a
// SQLite file with the path checked, foreign keys on, the busy timeout and durability given.
#pragma once

#include <soci/soci.h>

#include <stdexcept>
#include <string>

// SOCI declares SQLite's API inside this namespace (soci/sqlite3/soci-sqlite3.h).
namespace sqlite_api {
struct sqlite3;
}

namespace apiserver::store {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A database server that cannot be reached now (PostgreSQL stopped, restarting, out of reach): a
// request meeting it is answered 503, and the next one tries to connect again.
class DatabaseUnavailable : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// How far a committed write survives. Both keep the file consistent (WAL).
enum class Durability {
  kProcessCrash,  // synchronous=NORMAL: a crash of the server loses nothing committed; a power
                  // loss may lose the last commits
  kPowerLoss,     // synchronous=FULL: every commit waits for fsync of the WAL
};

// Whether the server dropped `session`'s connection (seen by the last statement on it), without
// asking the server. Only for PostgreSQL sessions: the callers know their dialect.
bool connection_lost(soci::session& session);

// The SQLite connection under `session`, a SQLite one: for what SOCI does not offer (progress
// handlers, statements that are not queries).
sqlite_api::sqlite3* sqlite_handle(soci::session& session);

// The longest any statement runs on PostgreSQL before the server cancels it.
constexpr int kStatementTimeoutMs = 30000;

// A PostgreSQL URI (sql.hpp, dialect_of) is connected to, with the statement timeout set.
// Otherwise, a SQLite file: throws DatabaseError for a path SQLite through SOCI cannot express;
// otherwise opens it (creating the file) and sets the connection's pragmas. SOCI errors
// propagate.
void open_connection(soci::session& session, const std::string& path, Durability durability,
                     int busy_timeout_ms);

}  // namespace apiserver::store
