// The savepoint a read-modify-write (update, delete with its key mark) runs in, shared by the
// resources of a connection. Inside the writer's transaction it nests; on a connection outside
// any transaction (seeding, tests) it is one.
#pragma once

#include <memory>

#include "store/prepared.hpp"

namespace apiserver::store {

struct TransactionStatements {
  std::unique_ptr<Prepared> begin;     // SAVEPOINT
  std::unique_ptr<Prepared> commit;    // RELEASE
  std::unique_ptr<Prepared> rollback;  // ROLLBACK TO, then RELEASE
  std::unique_ptr<Prepared> release;
};

TransactionStatements make_transaction_statements(soci::session& session);

}  // namespace apiserver::store
