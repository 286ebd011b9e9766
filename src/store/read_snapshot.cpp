#include "store/read_snapshot.hpp"

// SOCI declares SQLite's API inside namespace sqlite_api (and its include guard keeps a second
// <sqlite3.h> out).
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>
#include <string>

namespace apiserver::store {
namespace {

using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite_api::sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("cannot prepare ") + sql + ": " +
                             sqlite_api::sqlite3_errmsg(db));
  return statement;
}

// Runs a statement that returns no row; true when SQLite carried it out.
bool run(void* statement) {
  auto* s = static_cast<sqlite3_stmt*>(statement);
  const int status = sqlite_api::sqlite3_step(s);
  sqlite_api::sqlite3_reset(s);
  return status == SQLITE_DONE;
}

}  // namespace

ReadSnapshot::ReadSnapshot(soci::session& session)
    : connection_(static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_) {}

ReadSnapshot::~ReadSnapshot() {
  end();
  sqlite_api::sqlite3_finalize(static_cast<sqlite3_stmt*>(begin_));
  sqlite_api::sqlite3_finalize(static_cast<sqlite3_stmt*>(commit_));
}

bool ReadSnapshot::begin(uint64_t version) {
  auto* db = static_cast<sqlite3*>(connection_);
  if (held_ || sqlite_api::sqlite3_get_autocommit(db) == 0) return false;
  if (begin_ == nullptr) {
    begin_ = prepare(db, "BEGIN");
    commit_ = prepare(db, "COMMIT");
  }
  if (!run(begin_))
    throw std::runtime_error(std::string("cannot begin a read: ") + sqlite_api::sqlite3_errmsg(db));
  held_ = true;
  version_ = version;
  return true;
}

void ReadSnapshot::end() noexcept {
  if (!held_) return;
  held_ = false;
  if (sqlite_api::sqlite3_get_autocommit(static_cast<sqlite3*>(connection_)) == 0) run(commit_);
}

}  // namespace apiserver::store
