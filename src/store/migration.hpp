// Brings a resource's table in line with its schema at start-up.
//
// A new table is created; properties added to the schema become new columns;
// a column whose NOT NULL constraint must change is rebuilt with its data
// when no row is in the way. Anything that would lose or corrupt data (a
// type change, a new required property without default on a non-empty table,
// a different key) is refused with a message saying what to do. Then the
// table's indexes are brought in line with the model (table_indexes.hpp).
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "model/model.hpp"

namespace apiserver::store {

struct MigrationReport {
  std::vector<std::string> errors;  // refusals; the table is left as it was
  std::vector<std::string> notes;   // what was done, for the log
  bool created = false;             // the table did not exist before
};

void migrate_table(soci::session& session, const model::Resource& resource,
                   MigrationReport& report);
// The same on PostgreSQL (postgres_migration.cpp), inside the caller's transaction, which
// holds the migration lock; full-text search is refused there for now.
void migrate_table_postgres(soci::session& session, const model::Resource& resource,
                            MigrationReport& report);

}  // namespace apiserver::store
