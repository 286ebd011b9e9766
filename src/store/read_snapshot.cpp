#include "store/read_snapshot.hpp"

// SOCI declares SQLite's API inside namespace sqlite_api (and its include guard keeps a second
// <sqlite3.h> out).
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>
#include <string>

#include "store/connect.hpp"

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
bool run(sqlite3_stmt* statement) {
  const int status = sqlite_api::sqlite3_step(statement);
  sqlite_api::sqlite3_reset(statement);
  return status == SQLITE_DONE;
}

}  // namespace

ReadSnapshot::ReadSnapshot(soci::session& session) : connection_(sqlite_handle(session)) {}

ReadSnapshot::~ReadSnapshot() {
  end();
  sqlite_api::sqlite3_finalize(begin_);
  sqlite_api::sqlite3_finalize(commit_);
}

bool ReadSnapshot::begin(uint64_t version) {
  if (held_ || sqlite_api::sqlite3_get_autocommit(connection_) == 0) return false;
  if (begin_ == nullptr) {
    begin_ = prepare(connection_, "BEGIN");
    commit_ = prepare(connection_, "COMMIT");
  }
  if (!run(begin_))
    throw std::runtime_error(std::string("cannot begin a read: ") +
                             sqlite_api::sqlite3_errmsg(connection_));
  held_ = true;
  version_ = version;
  return true;
}

void ReadSnapshot::end() noexcept {
  if (!held_) return;
  held_ = false;
  if (sqlite_api::sqlite3_get_autocommit(connection_) == 0) run(commit_);
}

void ReadSnapshot::renew(uint64_t version) {
  end();
  begin(version);
}

}  // namespace apiserver::store
