// One SQLite read transaction held open across several reads of a connection, so that they
// take the WAL's read lock once between them (each read alone takes and drops it: two fcntl(2)
// calls). Its BEGIN and COMMIT go to SQLite directly: they are not queries, and are not counted
// as statements (apiserver_database_statements_total).
#pragma once

#include <soci/soci.h>

#include <cstdint>

// SOCI declares SQLite's API inside this namespace (soci/sqlite3/soci-sqlite3.h).
namespace sqlite_api {
struct sqlite3;
struct sqlite3_stmt;
}  // namespace sqlite_api

namespace apiserver::store {

class ReadSnapshot {
 public:
  // `session`, a SQLite one, must outlive this object.
  explicit ReadSnapshot(soci::session& session);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  // Begins it, noting `version` (what the reads must not be older than); false, and nothing
  // begun, when the connection is inside a transaction already. Throws when SQLite refuses.
  bool begin(uint64_t version);
  // Ends it, if held. SQLite may have ended it first (an interrupted statement can roll a
  // transaction back): a read transaction has nothing to lose either way.
  void end() noexcept;
  // Ends it and begins it again at `version`: the reads after see the writes committed since.
  void renew(uint64_t version);

  bool held() const { return held_; }
  uint64_t version() const { return version_; }

 private:
  sqlite_api::sqlite3* connection_;
  sqlite_api::sqlite3_stmt* begin_ = nullptr;  // prepared at the first begin()
  sqlite_api::sqlite3_stmt* commit_ = nullptr;
  bool held_ = false;
  uint64_t version_ = 0;
};

}  // namespace apiserver::store
