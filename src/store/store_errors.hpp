// How SQLite's errors become store results: busy and locked are kBusy (the caller may answer
// 503), an interrupt is kTimedOut, constraints are kInvalid (a NOT NULL column, named) or
// kConflict; anything else is rethrown as a defect or a broken database.
#pragma once

#include <soci/sqlite3/soci-sqlite3.h>

#include "store/resource_store.hpp"

namespace apiserver::store {

// Call inside a catch block only: rethrows what it does not map.
StoreResult from_error(const soci::sqlite3_soci_error& e);

// Runs `body`, mapping SQLite's busy and constraint errors to results.
template <typename Body>
StoreResult guarded(Body&& body) {
  try {
    return body();
  } catch (const soci::sqlite3_soci_error& e) {
    return from_error(e);
  }
}

}  // namespace apiserver::store
