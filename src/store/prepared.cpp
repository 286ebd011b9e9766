#include "store/prepared.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <atomic>

#include "store/sql.hpp"

namespace apiserver::store {
namespace {

std::atomic<uint64_t> executed{0};

}  // namespace

uint64_t statements_executed() {
  return executed.load(std::memory_order_relaxed);
}

Prepared::Prepared(soci::session& session, const std::string& sql,
                   const std::vector<model::ColumnType>& inputs,
                   const std::vector<model::ColumnType>& outputs)
    : inputs_(inputs.size()),
      outputs_(outputs.size()),
      statement_(session),
      sqlite_(dialect_of(session) == Dialect::kSqlite),
      session_(session),
      sql_(sql),
      input_types_(inputs),
      output_types_(outputs) {
  bind(statement_);
}

void Prepared::bind(soci::statement& statement) {
  // The cell vectors are sized once, in the constructor, and never resized: SOCI keeps
  // pointers to their elements.
  for (size_t i = 0; i < input_types_.size(); ++i) bind_use(statement, inputs_[i], input_types_[i]);
  for (size_t i = 0; i < output_types_.size(); ++i)
    bind_into(statement, outputs_[i], output_types_[i]);
  statement.alloc();
  statement.prepare(sql_);
  statement.define_and_bind();
}

bool Prepared::execute() {
  executed.fetch_add(1, std::memory_order_relaxed);
  if (stale_) {
    // SOCI's postgresql backend keeps a bound value's buffer from an execution that failed and
    // loses it at the next one: the statement is made anew, and the old one frees them.
    soci::statement fresh(session_);
    bind(fresh);
    statement_ = fresh;
    stale_ = false;
  }
  try {
    return statement_.execute(true);
  } catch (...) {
    stale_ = !sqlite_;
    throw;
  }
}

bool Prepared::fetch() {
  return statement_.fetch();
}

long long Prepared::affected_rows() {
  return statement_.get_affected_rows();
}

void Prepared::finish() {
  // PostgreSQL's results are read whole by execute(): nothing stays open.
  if (!sqlite_) return;
  // SOCI's sqlite3 backend does not export its reset(); its statement handle is public.
  auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement_.get_backend());
  if (backend != nullptr && backend->stmt_ != nullptr) sqlite3_reset(backend->stmt_);
}

}  // namespace apiserver::store
