// A value bound to or read from one SQL column, with the conversions between
// JSON values and column storage.
#pragma once

#include <soci/soci.h>

#include <nlohmann/json.hpp>
#include <string>

#include "model/model.hpp"

namespace apiserver::store {

// SOCI binds by reference: a Cell must stay where it is while a statement
// that uses it lives.
struct Cell {
  long long integer = 0;
  double real = 0;
  std::string text;
  soci::indicator indicator = soci::i_null;
  // `text` is JSON set_cell wrote, not read from the database (where a JSON column edited
  // outside the server may hold anything): append_cell_json need not check it.
  bool server_json = false;
};

// Sets `cell` from a JSON value for a column of `type` (null -> SQL NULL).
// The value has been validated against the schema already.
void set_cell(Cell& cell, model::ColumnType type, const nlohmann::json& value);

// Sets `cell` from a key as a path gives it (a JSON integer, or text to read as one, for an
// integer key column); false when it cannot be one.
bool set_key_cell(Cell& cell, model::ColumnType type, const nlohmann::json& key);

// Whether `value` is a string holding the character U+0000, which PostgreSQL's text cannot hold
// and libpq would cut a bound value short at.
bool holds_nul(const nlohmann::json& value);

// The JSON value stored in `cell` for a column of `type`.
nlohmann::json cell_value(const Cell& cell, model::ColumnType type);

// Appends the JSON text of `cell` ("null" for NULL) to `out`, without building
// a JSON value: JSON columns hold JSON text already.
void append_cell_json(const Cell& cell, model::ColumnType type, std::string& out);

// Adds `cell` to `statement` as a bound input / an output of the right C++ type.
void bind_use(soci::statement& statement, Cell& cell, model::ColumnType type);
void bind_into(soci::statement& statement, Cell& cell, model::ColumnType type);

}  // namespace apiserver::store
