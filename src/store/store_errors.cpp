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

}  // namespace apiserver::store
