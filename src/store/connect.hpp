// Opening a SQLite connection the way every connection of the server is opened: the path
// checked, foreign keys on, the busy timeout and durability given.
#pragma once

#include <soci/soci.h>

#include <stdexcept>
#include <string>

namespace apiserver::store {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How far a committed write survives. Both keep the file consistent (WAL).
enum class Durability {
  kProcessCrash,  // synchronous=NORMAL: a crash of the server loses nothing committed; a power
                  // loss may lose the last commits
  kPowerLoss,     // synchronous=FULL: every commit waits for fsync of the WAL
};

// Throws DatabaseError for a path SQLite through SOCI cannot express; otherwise opens it
// (creating the file) and sets the connection's pragmas. SOCI errors propagate.
void open_connection(soci::session& session, const std::string& path, Durability durability,
                     int busy_timeout_ms);

}  // namespace apiserver::store
