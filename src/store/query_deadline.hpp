// A time limit on what a list reads: SQLite's progress handler, installed on each read
// connection, interrupts a statement that runs past the deadline its thread set, so that one
// expensive query (a sort of a large table by a property without an index, a deep offset)
// cannot hold a server thread for long. The statement then fails with SQLITE_INTERRUPT, which
// the store reports as kTimedOut.
#pragma once

#include <soci/soci.h>

#include <chrono>

namespace apiserver::store {

// Installs the handler on `session` (a SQLite session); statements of threads that set no
// deadline run unbounded.
void watch_deadlines(soci::session& session);

// While it lives, statements of this thread stop `limit` from now (a zero limit: none).
class QueryDeadline {
 public:
  explicit QueryDeadline(std::chrono::milliseconds limit);
  ~QueryDeadline();
  QueryDeadline(const QueryDeadline&) = delete;
  QueryDeadline& operator=(const QueryDeadline&) = delete;

 private:
  std::chrono::steady_clock::time_point previous_;
};

}  // namespace apiserver::store
