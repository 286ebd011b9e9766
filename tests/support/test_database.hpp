// Which database the e2e tests' servers store in: SQLite files (the default), or, with
// APISERVER_TEST_DATABASE=postgresql in the environment, databases of the scratch PostgreSQL
// cluster (scratch_postgres.hpp), so that the whole suite can be run against that store.
//
// ServerProcess passes every `--db PATH` through database_for(): in the PostgreSQL mode a SQLite
// file path becomes the URL of a database of its own, the same one for the same PATH for the
// whole test process (a test that restarts its server on one file finds its data again). Without
// the variable it returns PATH unchanged: the SQLite run is exactly as before.
//
// A test that inspects SQLite itself (the file, its WAL, PRAGMAs) skips in that mode:
//   if (testing_on_postgres()) GTEST_SKIP() << "opens the SQLite file directly";
#pragma once

#include <string>
#include <vector>

namespace apiserver::test {

// True when APISERVER_TEST_DATABASE=postgresql: the servers store in PostgreSQL.
bool testing_on_postgres();

// The database a server given `--db location` stores in: `location` itself, or in the PostgreSQL
// mode, for a SQLite file path (not a postgresql:// or postgres:// URL, not ":memory:", not
// empty), the URL of a scratch database kept for that path. Throws std::runtime_error if
// PostgreSQL is wanted but cannot be started.
std::string database_for(const std::string& location);

// `args` with the value of each `--db VALUE` / `--db=VALUE` passed through database_for().
std::vector<std::string> with_test_database(std::vector<std::string> args);

}  // namespace apiserver::test
