// SQL text helpers. Identifiers only ever come from the compiled model;
// values are never spliced into SQL, always bound.
#pragma once

#include <string>

#include "model/model.hpp"

namespace apiserver::store {

// "name" with embedded quotes doubled: safe for any identifier text.
std::string quote_identifier(const std::string& name);

// The declared SQL type of a column. JSON is declared JSON_TEXT: it has TEXT
// affinity (so "123" stays text) and migrations can tell it from plain text.
const char* sql_type(model::ColumnType type);

// The column list "a", "b", "c" of a resource.
std::string column_list(const model::Resource& resource);

}  // namespace apiserver::store
