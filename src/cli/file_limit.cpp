// The limit on open descriptors (see file_limit.hpp).
#include "cli/file_limit.hpp"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace apiserver::cli {

std::optional<rlim_t> raised_soft_limit(const rlimit& limit) {
  // Linux never allows an unlimited number of descriptors: such a hard limit is left alone.
  if (limit.rlim_max == RLIM_INFINITY || limit.rlim_cur >= limit.rlim_max) return std::nullopt;
  return limit.rlim_max;
}

void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  std::optional<rlim_t> raised = raised_soft_limit(limit);
  if (!raised) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = *raised;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("open files: the limit stays {} (raising it failed: {})", before,
                 std::strerror(errno));
    return;
  }
  spdlog::info("open files: limit raised from {} to {}", before, *raised);
}

}  // namespace apiserver::cli
