// A SOCI statement prepared once per connection and reused, with the cells
// its placeholders and result columns are bound to.
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "store/cell.hpp"

namespace apiserver::store {

class Prepared {
 public:
  // Prepares `sql`, binding one input cell per `inputs` entry (in placeholder
  // order) and one output cell per `outputs` entry (in result column order).
  Prepared(soci::session& session, const std::string& sql,
           const std::vector<model::ColumnType>& inputs,
           const std::vector<model::ColumnType>& outputs);
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  std::vector<Cell>& inputs() { return inputs_; }
  const std::vector<Cell>& outputs() const { return outputs_; }

  // Executes; true when a first row was read into outputs().
  bool execute();
  // Reads the next row into outputs(); false at the end.
  bool fetch();
  long long affected_rows();
  // Ends the execution so the statement holds no read transaction open (a
  // half-read SELECT would make the next write on this connection fail with
  // "database is locked"). Call after every use.
  void finish();

 private:
  std::vector<Cell> inputs_;
  std::vector<Cell> outputs_;
  // Binds the cells to `statement` and prepares it.
  void bind(soci::statement& statement);

  soci::statement statement_;
  const bool sqlite_;  // finish() resets SQLite's statement
  // What the statement is made of, to make it anew after a failed execution on PostgreSQL.
  soci::session& session_;
  const std::string sql_;
  const std::vector<model::ColumnType> input_types_;
  const std::vector<model::ColumnType> output_types_;
  bool stale_ = false;
};

// Statements executed by every Prepared of the process so far
// (apiserver_database_statements_total): how embedding is seen to cost one query per level, not one
// per row.
uint64_t statements_executed();

// Calls finish() on scope exit, also when the statement threw.
class Finisher {
 public:
  explicit Finisher(Prepared& prepared) : prepared_(prepared) {}
  ~Finisher() { prepared_.finish(); }
  Finisher(const Finisher&) = delete;
  Finisher& operator=(const Finisher&) = delete;

 private:
  Prepared& prepared_;
};

}  // namespace apiserver::store
