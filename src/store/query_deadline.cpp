#include "store/query_deadline.hpp"

// SOCI declares SQLite's API inside namespace sqlite_api (and its include guard keeps a second
// <sqlite3.h> out).
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/connect.hpp"

namespace apiserver::store {
namespace {

using Clock = std::chrono::steady_clock;

thread_local Clock::time_point deadline = Clock::time_point::max();

// SQLite calls it every kProgressSteps virtual-machine steps (tens of microseconds); non-zero
// interrupts the statement.
int past_deadline(void*) {
  return deadline != Clock::time_point::max() && Clock::now() > deadline ? 1 : 0;
}

constexpr int kProgressSteps = 1000;

}  // namespace

void watch_deadlines(soci::session& session) {
  sqlite_api::sqlite3_progress_handler(sqlite_handle(session), kProgressSteps, past_deadline,
                                       nullptr);
}

QueryDeadline::QueryDeadline(std::chrono::milliseconds limit) : previous_(deadline) {
  if (limit.count() > 0) deadline = Clock::now() + limit;
}

QueryDeadline::~QueryDeadline() {
  deadline = previous_;
}

}  // namespace apiserver::store
