#include "store/store_errors.hpp"

#include <sqlite3.h>

#include <string>

namespace apiserver::store {

StoreResult from_error(const soci::sqlite3_soci_error& e) {
  int code = e.result() & 0xff;  // primary result code
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return {StoreStatus::kBusy, e.what()};
  if (code == SQLITE_INTERRUPT) return {StoreStatus::kTimedOut, e.what()};
  if (code == SQLITE_CONSTRAINT) {
    std::string what = e.what();
    // "NOT NULL constraint failed: todos.title": a required value is missing.
    size_t not_null = what.find("NOT NULL constraint failed: ");
    if (not_null != std::string::npos) {
      std::string column = what.substr(not_null + 28);
      column = column.substr(column.find('.') + 1);
      column = column.substr(0, column.find_first_of(" \n"));
      return {StoreStatus::kInvalid, column};
    }
    std::string detail = "the item conflicts with a stored one";
    if (what.find("UNIQUE") != std::string::npos || what.find("PRIMARY") != std::string::npos)
      detail = "an item with this key already exists";
    return {StoreStatus::kConflict, detail};
  }
  throw;  // anything else is a defect or a broken database: the pipeline logs it
}

StoreResult from_error(const soci::postgresql_soci_error& e) {
  const std::string state = e.sqlstate();
  const std::string what = e.what();
  // Class 08: the connection failed; 57P01..03: the server is shutting down or starting;
  // 40001, 40P01: a serialization failure or deadlock, which a retry resolves.
  if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0 || state == "40001" ||
      state == "40P01")
    return {StoreStatus::kBusy, what};
  if (state == "57014") return {StoreStatus::kTimedOut, what};  // statement timeout
  if (state == "23502") {
    // 'null value in column "title" of relation "todos" violates not-null constraint'
    const size_t open = what.find('"');
    const size_t close = open == std::string::npos ? open : what.find('"', open + 1);
    if (close != std::string::npos)
      return {StoreStatus::kInvalid, what.substr(open + 1, close - open - 1)};
    return {StoreStatus::kInvalid, ""};
  }
  if (state == "23505") return {StoreStatus::kConflict, "an item with this key already exists"};
  if (state.rfind("23", 0) == 0)
    return {StoreStatus::kConflict, "the item conflicts with a stored one"};
  throw;
}

}  // namespace apiserver::store
