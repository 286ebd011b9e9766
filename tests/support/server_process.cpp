// ServerProcess, RunResult and TempDir: posix_spawn (safe in a multi-threaded test process,
// unlike a bare fork) with the child in its own process group and its output in a file.
#include "support/server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

#include "support/test_database.hpp"

extern char** environ;

namespace apiserver::test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPollInterval{10};
// Generous: the instrumented (ASan) server compiles the large conformance documents in several
// seconds on a busy machine; a server that exits instead is noticed at once.
constexpr std::chrono::seconds kStartTimeout{60};
constexpr std::chrono::seconds kStopTimeout{10};

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool has_option(const std::vector<std::string>& args, const std::string& option) {
  for (const std::string& arg : args) {
    if (arg == option || arg.rfind(option + "=", 0) == 0) return true;
  }
  return false;
}

std::string join_command(const std::string& binary, const std::vector<std::string>& args) {
  std::string out = binary;
  for (const std::string& arg : args) out += " " + arg;
  return out;
}

// This process's environment with `extra` added or overriding.
std::vector<std::string> make_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    if (extra.count(entry.substr(0, entry.find('='))) == 0) env.push_back(std::move(entry));
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

// Spawns `binary` in a new process group with stdin from /dev/null and stdout/stderr on the
// given descriptors. Throws std::runtime_error if it cannot be started.
pid_t spawn(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& extra_env, int out_fd, int err_fd) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env = make_environment(extra_env);
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, err_fd, 2);

  // Own process group, so a stuck server can be killed with its children and a Ctrl-C in
  // the terminal does not reach it twice; default dispositions and an empty signal mask,
  // whatever the test process has set up.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, binary.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + join_command(binary, args) + ": " +
                             std::strerror(rc));
  }
  return pid;
}

// Finds "listening on http://HOST:PORT" in `log`; returns {host, port} with brackets removed.
std::optional<std::pair<std::string, uint16_t>> find_listening_line(const std::string& log) {
  static const std::string kMarker = "listening on http://";
  std::size_t at = log.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  std::size_t start = at + kMarker.size();
  std::size_t end = start;
  while (end < log.size() && !std::isspace(static_cast<unsigned char>(log[end])) &&
         log[end] != '"' && log[end] != '/') {
    ++end;
  }
  std::string authority = log.substr(start, end - start);
  std::size_t colon = authority.rfind(':');
  // The line may still be half-written; wait for the whole port.
  if (colon == std::string::npos || colon + 1 == authority.size() || end == log.size()) {
    return std::nullopt;
  }
  std::string port_text = authority.substr(colon + 1);
  for (char c : port_text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  unsigned long port = std::stoul(port_text);
  if (port == 0 || port > 65535) return std::nullopt;
  std::string host = authority.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  // A wildcard address is not something to connect to; use loopback instead.
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace

std::string server_binary() {
  // The environment names another build of the server (.ci/sanitizers: an instrumented one).
  const char* chosen = std::getenv("APISERVER_BINARY");
  return chosen != nullptr && *chosen != '\0' ? chosen : APISERVER_BINARY;
}

std::string test_data_path(std::string_view relative) {
  return std::string(APISERVER_TEST_DATA) + "/" + std::string(relative);
}

std::string source_path(std::string_view relative) {
  return std::string(APISERVER_SOURCE_DIR) + "/" + std::string(relative);
}

// ---------------------------------------------------------------------------------------------
// TempDir

TempDir::TempDir() {
  std::string pattern = "/tmp/apiserver-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, std::string())) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
    path_ = std::exchange(other.path_, std::string());
  }
  return *this;
}

std::string TempDir::file(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

std::string write_file(const TempDir& dir, std::string_view name, std::string_view contents) {
  std::filesystem::path path = dir.file(name);
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    throw std::runtime_error("write_file: cannot create " + path.parent_path().string() + ": " +
                             error.message());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) throw std::runtime_error("write_file: cannot write " + path.string());
  return path.string();
}

// ---------------------------------------------------------------------------------------------
// ServerProcess

ServerProcess::ServerProcess(std::vector<std::string> args,
                             std::map<std::string, std::string> extra_env)
    : ServerProcess(server_binary(), std::move(args), extra_env) {}

ServerProcess ServerProcess::with_binary(std::string binary, std::vector<std::string> args,
                                         std::map<std::string, std::string> extra_env) {
  return ServerProcess(std::move(binary), std::move(args), extra_env);
}

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args,
                             const std::map<std::string, std::string>& extra_env) {
  // APISERVER_TEST_DATABASE=postgresql: a SQLite file becomes a scratch PostgreSQL database.
  args = with_test_database(std::move(args));
  if (!has_option(args, "--port")) args.insert(args.end(), {"--port", "0"});
  if (!has_option(args, "--host")) args.insert(args.end(), {"--host", "127.0.0.1"});
  command_ = join_command(binary, args);

  std::string pattern = "/tmp/apiserver-server-XXXXXX.log";
  int log_fd = ::mkstemps(pattern.data(), 4);
  if (log_fd < 0) throw std::runtime_error(std::string("mkstemps: ") + std::strerror(errno));
  ::fcntl(log_fd, F_SETFD, FD_CLOEXEC);  // other children must not hold the log open
  log_path_ = pattern;
  try {
    pid_ = spawn(binary, args, extra_env, log_fd, log_fd);
  } catch (...) {
    ::close(log_fd);
    ::unlink(log_path_.c_str());
    throw;
  }
  ::close(log_fd);

  auto deadline = Clock::now() + kStartTimeout;
  for (;;) {
    if (auto found = find_listening_line(log())) {
      host_ = found->first;
      port_ = found->second;
      return;
    }
    std::string problem;
    if (reap(false)) {
      problem = "exited with code " + std::to_string(*exit_code_) + " before listening";
    } else if (Clock::now() >= deadline) {
      problem = "did not log \"listening on http://HOST:PORT\" within " +
                std::to_string(kStartTimeout.count()) + " s";
    }
    if (!problem.empty()) {
      std::string captured = log();
      release();
      throw std::runtime_error("ServerProcess: `" + command_ + "` " + problem + "; its output:\n" +
                               captured);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && ::testing::Test::HasFailure()) {
    std::string captured = log();
    constexpr std::size_t kMaxShown = 64 * 1024;
    if (captured.size() > kMaxShown) {
      captured = "...\n" + captured.substr(captured.size() - kMaxShown);
    }
    std::cerr << "---- output of `" << command_ << "` (pid " << pid_ << ") ----\n"
              << captured << "---- end of server output ----\n";
  }
  release();
}

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      exit_code_(other.exit_code_),
      port_(other.port_),
      host_(std::move(other.host_)),
      command_(std::move(other.command_)),
      log_path_(std::exchange(other.log_path_, std::string())) {}

ServerProcess& ServerProcess::operator=(ServerProcess&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    exit_code_ = other.exit_code_;
    port_ = other.port_;
    host_ = std::move(other.host_);
    command_ = std::move(other.command_);
    log_path_ = std::exchange(other.log_path_, std::string());
  }
  return *this;
}

void ServerProcess::release() {
  if (pid_ > 0) stop();
  pid_ = -1;
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
  log_path_.clear();
}

std::string ServerProcess::url(std::string_view path) const {
  bool ipv6 = host_.find(':') != std::string::npos;
  return "http://" + (ipv6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_) +
         std::string(path);
}

std::string ServerProcess::log() const {
  return log_path_.empty() ? std::string() : read_whole_file(log_path_);
}

bool ServerProcess::wait_for_log(std::string_view needle, std::chrono::milliseconds timeout) const {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (log().find(needle) != std::string::npos) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

bool ServerProcess::reap(bool block) {
  if (exit_code_) return true;
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = decode_status(status);
    return true;
  }
  if (r < 0) {
    // ECHILD: someone else reaped it (e.g. SIGCHLD set to SIG_IGN); the status is lost.
    exit_code_ = -1;
    return true;
  }
  return false;
}

bool ServerProcess::running() {
  return pid_ > 0 && !reap(false);
}

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    if (reap(false)) return exit_code_;
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return exit_code_.value_or(-1);
  if (reap(false)) return *exit_code_;
  ::kill(pid_, signal);
  if (wait_for_exit(kStopTimeout)) return *exit_code_;
  // Not yet reaped, so the group id is still ours: kill the server and anything it started.
  ::kill(-pid_, SIGKILL);
  reap(true);
  return *exit_code_;
}

RunResult ServerProcess::run(std::vector<std::string> args, std::chrono::seconds timeout,
                             std::map<std::string, std::string> extra_env) {
  return run_binary(server_binary(), std::move(args), timeout, std::move(extra_env));
}

RunResult ServerProcess::run_binary(std::string binary, std::vector<std::string> args,
                                    std::chrono::seconds timeout,
                                    std::map<std::string, std::string> extra_env) {
  args = with_test_database(std::move(args));  // as for a ServerProcess
  // Files rather than pipes: no need to drain two pipes concurrently to avoid a deadlock.
  TempDir dir;
  std::string out_path = dir.file("stdout");
  std::string err_path = dir.file("stderr");
  int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out_fd < 0 || err_fd < 0) {
    if (out_fd >= 0) ::close(out_fd);
    if (err_fd >= 0) ::close(err_fd);
    throw std::runtime_error("run: cannot create output files in " + dir.path());
  }
  pid_t pid;
  try {
    pid = spawn(binary, args, extra_env, out_fd, err_fd);
  } catch (...) {
    ::close(out_fd);
    ::close(err_fd);
    throw;
  }
  ::close(out_fd);
  ::close(err_fd);

  auto deadline = Clock::now() + timeout;
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("run: waitpid: ") + std::strerror(errno));
    }
    if (Clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw std::runtime_error("run: `" + join_command(binary, args) + "` did not finish within " +
                               std::to_string(timeout.count()) + " s and was killed; stdout:\n" +
                               read_whole_file(out_path) + "\nstderr:\n" +
                               read_whole_file(err_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return RunResult{decode_status(status), read_whole_file(out_path), read_whole_file(err_path)};
}

}  // namespace apiserver::test
