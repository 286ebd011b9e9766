// How the databases' errors become store results: busy and locked (SQLite), serialization
// failures, deadlocks and a lost connection (PostgreSQL) are kBusy (the caller may answer 503);
// an interrupt or a cancelled statement is kTimedOut; constraints are kInvalid (a NOT NULL
// column, named) or kConflict; anything else is rethrown as a defect or a broken database.
#pragma once

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/resource_store.hpp"

namespace apiserver::store {

// Call inside a catch block only: rethrow what they do not map.
StoreResult from_error(const soci::sqlite3_soci_error& e);
StoreResult from_error(const soci::postgresql_soci_error& e);

// Runs `body`, mapping the databases' busy and constraint errors to results.
template <typename Body>
StoreResult guarded(Body&& body) {
  try {
    return body();
  } catch (const soci::sqlite3_soci_error& e) {
    return from_error(e);
  } catch (const soci::postgresql_soci_error& e) {
    return from_error(e);
  }
}

}  // namespace apiserver::store
