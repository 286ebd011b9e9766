// ScratchPostgres: initdb and postgres run by fork + exec (as the `postgres` user when the tests
// run as root), libpq for readiness and for the tests' own statements.
#include "support/scratch_postgres.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kUser[] = "apiserver";       // the cluster's superuser
constexpr char kSystemUser[] = "postgres";  // who runs the programs when we are root
constexpr auto kInitdbTimeout = std::chrono::seconds(120);
constexpr auto kReadyTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(30);

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
struct RunAs {
  uid_t uid;
  gid_t gid;
};
std::optional<RunAs> system_user() {
  if (::geteuid() != 0) return std::nullopt;
  const passwd* pw = ::getpwnam(kSystemUser);
  if (pw == nullptr) return std::nullopt;
  return RunAs{pw->pw_uid, pw->pw_gid};
}

// The last `lines` lines of the file at `path`.
std::string tail(const std::string& path, size_t lines = 30) {
  std::ifstream in(path);
  std::deque<std::string> kept;
  for (std::string line; std::getline(in, line);) {
    kept.push_back(line);
    if (kept.size() > lines) kept.pop_front();
  }
  std::string out;
  for (const std::string& line : kept) out += "  " + line + "\n";
  return out;
}

// A port of 127.0.0.1 that was free a moment ago.
uint16_t ephemeral_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + std::strerror(errno));
  return ntohs(addr.sin_port);
}

// Starts `argv` (argv[0] an absolute path) with stdin from /dev/null, stdout and stderr appended
// to `log`, the working directory `dir`, no descriptor of ours, and as the `postgres` user when
// `as` is given. With `death_signal`, the child gets SIGINT (fast shutdown) when we die.
pid_t start(const std::vector<std::string>& argv, const std::string& log, const std::string& dir,
            const std::optional<RunAs>& as, bool death_signal) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (in < 0 || out < 0) {
    const std::string why = std::strerror(errno);
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    throw std::runtime_error("cannot open " + log + ": " + why);
  }
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  const int max_fd = files.rlim_cur == RLIM_INFINITY || files.rlim_cur > 65536
                         ? 65536
                         : static_cast<int>(files.rlim_cur);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid == 0) {
    // The child of a threaded process: async-signal-safe calls only, until exec.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2})
      ::sigaction(sig, &dfl, nullptr);
    ::setpgid(0, 0);  // a Ctrl-C meant for the tests does not reach it twice
    if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(126);
    if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0) {
      for (int fd = 3; fd < max_fd; ++fd) ::close(fd);
    }
    if (as && (::setgroups(0, nullptr) != 0 || ::setgid(as->gid) != 0 || ::setuid(as->uid) != 0))
      ::_exit(126);
    // After setuid, which clears it; a parent gone before this line would be missed.
    if (death_signal && (::prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || ::getppid() != parent))
      ::_exit(126);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), environ);
    ::_exit(127);
  }
  const int fork_errno = errno;
  ::close(in);
  ::close(out);
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
  return pid;
}

// Waits up to `timeout` for `pid` to exit; its exit status, or nullopt if it is still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0 && errno != EINTR) return -1;  // not ours to wait for any more
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Stops `pid` with `first` (then SIGQUIT, then SIGKILL if it will not go) and reaps it.
void stop_process(pid_t pid, int first) {
  for (int sig : {first, SIGQUIT, SIGKILL}) {
    if (::kill(pid, sig) != 0) break;
    if (wait_exit(pid, kStopTimeout)) return;
  }
  wait_exit(pid, kStopTimeout);
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
      const pid_t pid = start(argv, log, base_, as, false);
      const std::optional<int> status = wait_exit(pid, kInitdbTimeout);
      if (!status) stop_process(pid, SIGTERM);
      if (status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) {
        initialized = true;
        break;
      }
      std::error_code ignored;
      fs::remove_all(base_ + "/data", ignored);
    }
    if (!initialized) throw std::runtime_error("initdb failed:\n" + tail(log));

    bool started = false;
    for (int attempt = 0; attempt < 5 && !started; ++attempt) started = start_on(ephemeral_port());
    if (!started) {
      throw std::runtime_error("the scratch PostgreSQL server did not start:\n" +
                               tail(base_ + "/postgres.log"));
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
  postmaster_ = start(argv, base_ + "/postgres.log", base_, system_user(), true);
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
  if (postmaster_ > 0) stop_process(postmaster_, SIGINT);
  postmaster_ = -1;
}

void ScratchPostgres::restart() {
  stop();
  start_for_test();
}

void ScratchPostgres::start_for_test() {
  if (!start_on(port_))
    throw std::runtime_error("the scratch PostgreSQL did not start again:\n" +
                             tail(base_ + "/postgres.log"));
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
