// A scratch PostgreSQL cluster for the tests of the PostgreSQL store (`--db postgresql://...`).
//
// One cluster per test process, started on first use and stopped when the process exits: initdb
// into a fresh directory under /tmp, then `postgres` on an ephemeral port of 127.0.0.1 (and a
// Unix socket in that directory only), trust authentication for the superuser "apiserver",
// fsync off. It is stopped by the PID it was started with (fast shutdown, SIGINT) and its
// directory removed; no other server is ever touched. Should the test process die first, the
// postmaster gets SIGINT from the kernel (parent-death signal) and shuts down too.
//
// The programs are those of Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin,
// the highest version). Without them available() is false and the tests skip, saying what to
// install. initdb refuses to run as root, so as root (CI) both programs run as the `postgres`
// system user that package creates.
//
// The cluster's default collation is ICU's en-US, as on most real servers, not byte order: a
// store that leaves text ordering to the database's collation sorts differently from SQLite,
// and the tests that compare with SQLite should show it.
//
// Each test takes its own database:
//   if (!ScratchPostgres::available()) GTEST_SKIP() << ScratchPostgres::kMissing;
//   const std::string url = ScratchPostgres::instance().new_database();
//   ... ServerProcess server({spec, "--db", url}); ...
//   EXPECT_EQ(ScratchPostgres::query(url, "SELECT count(*) FROM todos"), "3");
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace apiserver::test {

class ScratchPostgres {
 public:
  // Why the tests skip when available() is false.
  static constexpr char kMissing[] =
      "PostgreSQL is not installed: install the `postgresql` package (initdb and postgres under "
      "/usr/lib/postgresql/*/bin; as root, its `postgres` system user too) to run this test";

  // True if initdb and postgres are installed (and, as root, the `postgres` user exists).
  static bool available();

  // The process-wide cluster, started on the first call; call it first from the main thread
  // (the parent-death signal follows the thread that started the cluster). Throws
  // std::runtime_error, with the tail of the server's log, if the cluster cannot be started;
  // later calls throw the same error without trying again.
  static ScratchPostgres& instance();

  ~ScratchPostgres();
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  uint16_t port() const { return port_; }
  // postgresql://apiserver@127.0.0.1:PORT/DATABASE
  std::string url(const std::string& database) const;
  // Stops the server (fast shutdown: every connection to it is cut) and starts it again on the
  // same port and data; throws std::runtime_error if it does not come back.
  void restart();
  // The two halves of restart(), for a test that acts while the server is down.
  void stop_for_test() { stop(); }
  void start_for_test();
  // Creates an empty database with a name unique in this cluster (t_1, t_2, ...) and returns
  // its url().
  std::string new_database();

  // Runs `sql` on the database at `url` (any libpq URI or conninfo) and returns the first column
  // of the first row as text: "" when there is no row or the value is NULL. Throws
  // std::runtime_error with the server's message if the connection or the statement fails.
  static std::string query(const std::string& url, const std::string& sql);

 private:
  ScratchPostgres();
  // Starts postgres on the initialized data directory; false (with the log kept) if it exits
  // before it answers, e.g. because another process took the port.
  bool start_on(uint16_t port);
  void stop();

  std::string bin_;   // the directory of initdb and postgres
  std::string base_;  // the scratch directory: data/, the socket, the logs
  uint16_t port_ = 0;
  pid_t postmaster_ = -1;
  pid_t owner_ = -1;  // the test process; a forked child never stops the cluster
  int databases_ = 0;
};

}  // namespace apiserver::test
