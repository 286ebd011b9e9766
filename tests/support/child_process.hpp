// Starting and stopping the scratch servers the tests need (PostgreSQL, Redis): fork + exec with
// nothing of ours inherited, waiting by PID, stopping exactly the process that was started.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace apiserver::test {

// A system user a child runs as (initdb refuses root).
struct RunAs {
  uid_t uid;
  gid_t gid;
};

// Starts `argv` (argv[0] an absolute path) with stdin from /dev/null, stdout and stderr appended
// to `log`, the working directory `dir`, no descriptor of ours, and as `as` when given. With
// `death_signal` (e.g. SIGINT), the child gets it when the test process dies. Throws
// std::runtime_error when it cannot fork.
pid_t start_child(const std::vector<std::string>& argv, const std::string& log,
                  const std::string& dir, const std::optional<RunAs>& as, int death_signal = 0);

// Waits up to `timeout` for `pid` to exit; its wait status, or nullopt if it is still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);

// Stops `pid` with `first` (then SIGQUIT, then SIGKILL if it will not go) and reaps it.
void stop_child(pid_t pid, int first);

// A port of 127.0.0.1 that was free a moment ago.
uint16_t free_loopback_port();

// The last `lines` lines of the file at `path`, indented, for error messages.
std::string tail_of(const std::string& path, size_t lines = 30);

}  // namespace apiserver::test
