// The savepoint statements of one connection (see transaction_statements.hpp).
#include "store/transaction_statements.hpp"

#include <vector>

namespace apiserver::store {

TransactionStatements make_transaction_statements(soci::session& session) {
  auto prepare = [&](const char* sql) {
    return std::make_unique<Prepared>(session, sql, std::vector<model::ColumnType>{},
                                      std::vector<model::ColumnType>{});
  };
  TransactionStatements statements;
  statements.begin = prepare("SAVEPOINT apiserver_store");
  statements.commit = prepare("RELEASE apiserver_store");
  statements.rollback = prepare("ROLLBACK TO apiserver_store");
  statements.release = prepare("RELEASE apiserver_store");
  return statements;
}

}  // namespace apiserver::store
