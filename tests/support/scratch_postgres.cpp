// ScratchPostgres: initdb and postgres run by fork + exec (as the `postgres` user when the tests
// run as root), libpq for readiness and for the tests' own statements.
#include "support/scratch_postgres.hpp"

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/child_process.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kUser[] = "apiserver";       // the cluster's superuser
constexpr char kSystemUser[] = "postgres";  // who runs the programs when we are root
constexpr auto kInitdbTimeout = std::chrono::seconds(120);
constexpr auto kReadyTimeout = std::chrono::seconds(60);

// The bin directory of the highest PostgreSQL under /usr/lib/postgresql with both programs.
std::string find_bin_dir() {
  std::error_code ec;
  std::string best;
  double best_version = -1;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const fs::path bin = entry.path() / "bin";
    if (::access((bin / "initdb").c_str(), X_OK) != 0 ||
        ::access((bin / "postgres").c_str(), X_OK) != 0)
      continue;
    const double version = std::strtod(entry.path().filename().c_str(), nullptr);
    if (version > best_version) {
      best_version = version;
      best = bin.string();
    }
  }
  return best;
}

// Who the programs run as: the `postgres` user when we are root, else nobody in particular.
std::optional<RunAs> system_user() {
  if (::geteuid() != 0) return std::nullopt;
  const passwd* pw = ::getpwnam(kSystemUser);
  if (pw == nullptr) return std::nullopt;
  return RunAs{pw->pw_uid, pw->pw_gid};
}

struct ConnectionDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};

std::string trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

bool ScratchPostgres::available() {
  if (find_bin_dir().empty()) return false;
  return ::geteuid() != 0 || system_user().has_value();
}

ScratchPostgres& ScratchPostgres::instance() {
  static std::mutex mutex;
  static std::unique_ptr<ScratchPostgres> cluster;  // stopped by its destructor at exit
  static std::string failure;
  std::lock_guard<std::mutex> lock(mutex);
  if (cluster) return *cluster;
  if (!failure.empty()) throw std::runtime_error(failure);
  try {
    cluster.reset(new ScratchPostgres());
  } catch (const std::exception& e) {
    failure = e.what();
    throw;
  }
  return *cluster;
}

ScratchPostgres::ScratchPostgres() : bin_(find_bin_dir()), owner_(::getpid()) {
  if (bin_.empty() || !available()) throw std::runtime_error(kMissing);
  const std::optional<RunAs> as = system_user();
  std::string pattern = "/tmp/apiserver-pg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  base_ = pattern;
  try {
    if (as && ::chown(base_.c_str(), as->uid, as->gid) != 0)
      throw std::runtime_error("chown " + base_ + ": " + std::strerror(errno));

    // ICU en-US as the default collation (see the header); plain C where ICU is missing.
    const std::string log = base_ + "/initdb.log";
    bool initialized = false;
    for (const std::vector<std::string>& locale :
         {std::vector<std::string>{"--locale=C.UTF-8", "--locale-provider=icu",
                                   "--icu-locale=en-US"},
          std::vector<std::string>{"--locale=C"}}) {
      std::vector<std::string> argv = {
          bin_ + "/initdb", "-D", base_ + "/data", "-A", "trust", "-U", kUser,
          "--no-sync",      "-E", "UTF8"};
      argv.insert(argv.end(), locale.begin(), locale.end());
      const pid_t pid = start_child(argv, log, base_, as);
      const std::optional<int> status = wait_exit(pid, kInitdbTimeout);
      if (!status) stop_child(pid, SIGTERM);
      if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) {
        initialized = true;
        break;
      }
      std::error_code ignored;
      fs::remove_all(base_ + "/data", ignored);
    }
    if (!initialized) throw std::runtime_error("initdb failed:\n" + tail_of(log));

    bool started = false;
    for (int attempt = 0; attempt < 5 && !started; ++attempt)
      started = start_on(free_loopback_port());
    if (!started) {
      throw std::runtime_error("the scratch PostgreSQL server did not start:\n" +
                               tail_of(base_ + "/postgres.log"));
    }
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(base_, ignored);
    throw;
  }
}

bool ScratchPostgres::start_on(uint16_t port) {
  const std::vector<std::string> argv = {bin_ + "/postgres",           "-D", base_ + "/data", "-p",
                                         std::to_string(port),         "-k", base_,           "-c",
                                         "listen_addresses=127.0.0.1", "-c", "fsync=off",     "-c",
                                         "max_connections=200"};
  postmaster_ = start_child(argv, base_ + "/postgres.log", base_, system_user(), SIGINT);
  port_ = port;
  const std::string conninfo =
      "host=127.0.0.1 port=" + std::to_string(port) + " dbname=postgres user=" + kUser;
  const auto deadline = Clock::now() + kReadyTimeout;
  while (Clock::now() < deadline) {
    if (wait_exit(postmaster_, std::chrono::milliseconds(0))) {  // it gave up (port taken?)
      postmaster_ = -1;
      return false;
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) {
      // Whatever answers must be our own server, not one that took the port first.
      try {
        if (query(conninfo, "SHOW data_directory") == base_ + "/data") return true;
      } catch (const std::exception&) {
        // Still starting up; ask again.
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  return false;
}

void ScratchPostgres::stop() {
  if (postmaster_ > 0) stop_child(postmaster_, SIGINT);
  postmaster_ = -1;
}

void ScratchPostgres::restart() {
  stop();
  start_for_test();
}

void ScratchPostgres::start_for_test() {
  if (!start_on(port_))
    throw std::runtime_error("the scratch PostgreSQL did not start again:\n" +
                             tail_of(base_ + "/postgres.log"));
}

ScratchPostgres::~ScratchPostgres() {
  if (::getpid() != owner_) return;  // a forked child: the cluster is not its own
  stop();
  std::error_code ignored;
  fs::remove_all(base_, ignored);
}

std::string ScratchPostgres::url(const std::string& database) const {
  return std::string("postgresql://") + kUser + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

std::string ScratchPostgres::new_database() {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const std::string name = "t_" + std::to_string(++databases_);
  query(url("postgres"), "CREATE DATABASE " + name);
  return url(name);
}

std::string ScratchPostgres::query(const std::string& url, const std::string& sql) {
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "10", nullptr};
  std::unique_ptr<PGconn, ConnectionDeleter> conn(PQconnectdbParams(keys, values, 1));
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " +
                             trimmed(conn ? PQerrorMessage(conn.get()) : "out of memory"));
  }
  std::unique_ptr<PGresult, ResultDeleter> result(PQexec(conn.get(), sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + trimmed(PQerrorMessage(conn.get())));
  }
  if (status != PGRES_TUPLES_OK || PQntuples(result.get()) == 0 || PQnfields(result.get()) == 0 ||
      PQgetisnull(result.get(), 0, 0))
    return "";
  return PQgetvalue(result.get(), 0, 0);
}

}  // namespace apiserver::test
