// Starts the real apiserver binary for end-to-end tests, and temporary directories for the spec
// files and databases those tests write.
//
// ServerProcess runs the binary on an ephemeral port in its own process group, captures its
// output to a log file, and learns the port from the "listening on http://HOST:PORT" line.
// It only ever signals the process it started.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apiserver::test {

// Absolute path of the server binary: $APISERVER_BINARY when set, else the one built here.
std::string server_binary();
// `relative` resolved against tests/ (APISERVER_TEST_DATA), e.g. "conformance/openapi/x.yaml".
std::string test_data_path(std::string_view relative);
// `relative` resolved against the repository root (APISERVER_SOURCE_DIR), e.g. "specs/x.yaml".
std::string source_path(std::string_view relative);

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name (the file need not exist).
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

// Writes `contents` to `name` inside `dir` (creating parent directories) and returns the
// absolute path. Throws std::runtime_error on failure.
std::string write_file(const TempDir& dir, std::string_view name, std::string_view contents);

struct RunResult {
  int exit_code;  // the exit status, or 128 + signal number if a signal ended the process
  std::string out;
  std::string err;
};

class ServerProcess {
 public:
  // Starts server_binary() with `args`, appending "--port 0" unless `args` has --port and
  // "--host 127.0.0.1" unless it has --host. `extra_env` adds to (or overrides) this process's
  // environment. Returns once the server has logged its listening line; throws
  // std::runtime_error (with the captured log) if it exits first or is silent for 60 s.
  explicit ServerProcess(std::vector<std::string> args,
                         std::map<std::string, std::string> extra_env = {});
  // Same, for another executable (e.g. a stand-in that prints the listening line).
  static ServerProcess with_binary(std::string binary, std::vector<std::string> args,
                                   std::map<std::string, std::string> extra_env = {});

  // Stops the server (SIGTERM, then SIGKILL after 10 s). If the current test has failed, the
  // captured log is printed to stderr first, since it usually explains the failure.
  ~ServerProcess();
  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&& other) noexcept;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  // "http://127.0.0.1:PORT" + path.
  std::string url(std::string_view path = "") const;
  pid_t pid() const { return pid_; }
  // Everything the server wrote to stdout and stderr so far.
  std::string log() const;
  const std::string& log_path() const { return log_path_; }
  // Polls the log until it contains `needle`, for up to `timeout`.
  bool wait_for_log(std::string_view needle,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  // True while the process has not exited (reaps it if it has).
  bool running();
  // Waits up to `timeout` for the process to exit on its own; returns its exit code (as in
  // RunResult) or nullopt if it is still running.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  // Sends `signal`, waits up to 10 s, then SIGKILLs the process group. Returns the exit code
  // (as in RunResult); calling it again returns the same code.
  int stop(int signal = SIGTERM);

  // Runs server_binary() with `args` to completion (stdin is /dev/null), e.g. for
  // `apiserver validate spec.yaml`. Throws std::runtime_error if it outlasts `timeout` (it is
  // killed) or cannot be started.
  static RunResult run(std::vector<std::string> args,
                       std::chrono::seconds timeout = std::chrono::seconds(30),
                       std::map<std::string, std::string> extra_env = {});
  static RunResult run_binary(std::string binary, std::vector<std::string> args,
                              std::chrono::seconds timeout = std::chrono::seconds(30),
                              std::map<std::string, std::string> extra_env = {});

 private:
  ServerProcess(std::string binary, std::vector<std::string> args,
                const std::map<std::string, std::string>& extra_env);
  // Stops the process if needed and removes the log file.
  void release();
  // Reaps the child if it has exited; returns true if it has.
  bool reap(bool block);

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  uint16_t port_ = 0;
  std::string host_;
  std::string command_;  // for messages
  std::string log_path_;
};

}  // namespace apiserver::test
