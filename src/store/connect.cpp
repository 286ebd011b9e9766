// Opening a SQLite connection (see connect.hpp).
#include "store/connect.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <mutex>

#include "store/sql.hpp"

namespace apiserver::store {
namespace {

// Once, before the first connection. Each connection is used by one thread at a time (a server
// thread's own, the writer's in its turn, the checkpointer's), so SQLite's locks on every
// connection and statement call only cost time: multi-thread mode drops them. Its count of
// allocated memory takes a global lock on every allocation, shared by every thread; nothing
// reads it. A library already initialised (by another user in this process) keeps its mode.
void configure_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

// SOCI reads its connect string as key=value words (and mangles a URI): libpq parses the URI,
// and its options are written out as words, each value quoted.
std::string keyword_conninfo(const std::string& uri) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(uri.c_str(), &error);
  if (options == nullptr) {
    std::string reason = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    throw DatabaseError("the database URI " + shown_location(uri) + " is not valid: " + reason);
  }
  std::string words;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string value = option->val;
    if (value.find_first_of(" \t\n") != std::string::npos) {
      PQconninfoFree(options);
      // SOCI splits its connect string at spaces, quoted or not.
      throw DatabaseError("the database URI " + shown_location(uri) + " has a space in its " +
                          option->keyword +
                          ", which cannot be passed on; give the password in "
                          "PGPASSFILE instead, or choose names without spaces");
    }
    words += (words.empty() ? "" : " ") + std::string(option->keyword) + "='";
    for (char c : value) {
      if (c == '\'' || c == '\\') words += '\\';
      words += c;
    }
    words += "'";
  }
  PQconninfoFree(options);
  return words;
}

}  // namespace

bool connection_lost(soci::session& session) {
  // soci::session::is_connected() sends the server a query each time; libpq keeps the status.
  // The callers know the dialect: no backend-name string is built per request.
  if (session.get_backend() == nullptr) return true;
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return PQstatus(backend->conn_) != CONNECTION_OK;
}

sqlite_api::sqlite3* sqlite_handle(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

void open_connection(soci::session& session, const std::string& path, Durability durability,
                     int busy_timeout_ms) {
  if (dialect_of(path) == Dialect::kPostgres) {
    // libpq reads the password from the URI, PGPASSWORD or PGPASSFILE.
    session.open(soci::postgresql, keyword_conninfo(path));
    // Every statement is bounded; a list's own limit is shorter (QueryDeadline).
    session << "SET statement_timeout = " + std::to_string(kStatementTimeoutMs);
    return;
  }
  // SOCI's connect-string grammar quotes values containing spaces and knows
  // no escapes: a path with a double quote cannot be expressed.
  if (path.find('"') != std::string::npos)
    throw DatabaseError("the database path " + path +
                        " contains '\"', which SQLite through "
                        "SOCI cannot open; choose another name");
  configure_library();
  // SOCI's timeout is in whole seconds; the busy_timeout pragma below sets the real one.
  session.open(soci::sqlite3, "db=\"" + path + "\"");
  session << "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms);
  session << (durability == Durability::kPowerLoss ? "PRAGMA synchronous=FULL"
                                                   : "PRAGMA synchronous=NORMAL");
  session << "PRAGMA foreign_keys=ON";
  // Checkpoints run on their own thread (checkpointer.hpp), never inside a request's commit.
  session << "PRAGMA wal_autocheckpoint=0";
}

}  // namespace apiserver::store
