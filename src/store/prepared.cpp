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
      sqlite_(dialect_of(session) == Dialect::kSqlite) {
  // The cell vectors are sized once, above, and never resized: SOCI keeps
  // pointers to their elements.
  for (size_t i = 0; i < inputs.size(); ++i) bind_use(statement_, inputs_[i], inputs[i]);
  for (size_t i = 0; i < outputs.size(); ++i) bind_into(statement_, outputs_[i], outputs[i]);
  statement_.alloc();
  statement_.prepare(sql);
  statement_.define_and_bind();
}

bool Prepared::execute() {
  executed.fetch_add(1, std::memory_order_relaxed);
  return statement_.execute(true);
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
