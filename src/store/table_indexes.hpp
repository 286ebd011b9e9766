// What a table has beside its rows, derived from the model at start-up: an index on (column,
// key) for every property a list declares it filters or sorts by, and the FTS5 index of the
// searched properties (x-apiserver-search) with the triggers that keep it in step.
//
// They are the server's own (named apiserver_*): ones the model no longer asks for are
// dropped; the search index is rebuilt from the rows when its columns change or the table was
// rebuilt (which may renumber rowids).
#pragma once

#include <soci/soci.h>

#include <string>

#include "model/model.hpp"
#include "store/migration.hpp"

namespace apiserver::store {

// The FTS5 table that indexes `resource`'s searched properties.
std::string search_table(const model::Resource& resource);

void ensure_table_indexes(soci::session& session, const model::Resource& resource,
                          bool table_rebuilt, MigrationReport& report);

}  // namespace apiserver::store
