// SQL text helpers, per dialect. Identifiers only ever come from the compiled model;
// values are never spliced into SQL, always bound.
#pragma once

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/model.hpp"

namespace apiserver::store {

// The two databases the store speaks to: a SQLite file (the embedded default) or a PostgreSQL
// server shared by many instances.
enum class Dialect { kSqlite, kPostgres };

// A location starting with postgresql:// or postgres:// (a libpq URI) names a PostgreSQL
// database; anything else is a SQLite file.
Dialect dialect_of(const std::string& location);
Dialect dialect_of(soci::session& session);

// `location` fit for a message or a log: a PostgreSQL URI without its password.
std::string shown_location(const std::string& location);

// "name" with embedded quotes doubled: safe for any identifier text.
std::string quote_identifier(const std::string& name);

// The declared SQL type of a column. On SQLite, JSON is declared JSON_TEXT: it has TEXT
// affinity (so "123" stays text) and migrations can tell it from plain text. On PostgreSQL it is
// JSON, which keeps the text as written (JSONB would reorder an object's members).
const char* sql_type(model::ColumnType type, Dialect dialect);

// How a query reads `column`: its quoted name, or on PostgreSQL a boolean as 0 or 1 (SOCI
// reads PostgreSQL's 't' and 'f' into no C++ type the store binds).
std::string selected_column(const model::Column& column, Dialect dialect);

// A literal for a column's DEFAULT: a number, a boolean (1/0 on SQLite, TRUE/FALSE on
// PostgreSQL) or a quoted string, only ever from the document.
std::string default_literal(const nlohmann::json& value, model::ColumnType type, Dialect dialect);

// PostgreSQL's text search document of a resource's searched properties (x-apiserver-search):
// to_tsvector('simple', ...) of their text joined by spaces. The same expression indexes them
// (a GIN index) and finds rows, so that the planner uses the index.
std::string postgres_search_document(const model::Resource& resource);

// The column list of a resource as a query reads it: "a", "b", "c".
std::string column_list(const model::Resource& resource, Dialect dialect);

}  // namespace apiserver::store
