// Opening a SQLite connection (see connect.hpp).
#include "store/connect.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

#include <mutex>

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

}  // namespace

void open_connection(soci::session& session, const std::string& path, Durability durability,
                     int busy_timeout_ms) {
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
