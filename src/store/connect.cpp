// Opening a SQLite connection (see connect.hpp).
#include "store/connect.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace apiserver::store {

void open_connection(soci::session& session, const std::string& path, Durability durability,
                     int busy_timeout_ms) {
  // SOCI's connect-string grammar quotes values containing spaces and knows
  // no escapes: a path with a double quote cannot be expressed.
  if (path.find('"') != std::string::npos)
    throw DatabaseError("the database path " + path +
                        " contains '\"', which SQLite through "
                        "SOCI cannot open; choose another name");
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
