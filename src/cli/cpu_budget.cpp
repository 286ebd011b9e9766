// The default thread count from the affinity mask and the cgroup CPU quota (see cpu_budget.hpp).
#include "cli/cpu_budget.hpp"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace apiserver::cli {
namespace {

unsigned affinity_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return static_cast<unsigned>(count);
  }
  unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

// The cgroup v2 path of this process ("0::/some/path" in /proc/self/cgroup), or "" when it
// has none (cgroup v1 only).
std::string own_cgroup() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return "";
}

// The smallest quota on the way from the process's cgroup to the root: each level caps it.
std::optional<unsigned> cgroup_quota_cpus() {
  std::string group = own_cgroup();
  if (group.empty()) return std::nullopt;
  std::optional<unsigned> lowest;
  while (true) {
    std::ifstream in("/sys/fs/cgroup" + group + (group == "/" ? "" : "/") + "cpu.max");
    std::stringstream text;
    if (in) text << in.rdbuf();
    if (std::optional<unsigned> cpus = cpus_of_cpu_max(text.str()))
      lowest = lowest ? std::min(*lowest, *cpus) : *cpus;
    if (group == "/" || group.empty()) break;
    size_t slash = group.rfind('/');
    group = slash == 0 || slash == std::string::npos ? "/" : group.substr(0, slash);
  }
  return lowest;
}

}  // namespace

std::optional<unsigned> cpus_of_cpu_max(const std::string& text) {
  std::istringstream in(text);
  std::string quota;
  unsigned long long period = 0;
  if (!(in >> quota >> period) || quota == "max" || period == 0) return std::nullopt;
  unsigned long long quota_us = 0;
  try {
    size_t used = 0;
    quota_us = std::stoull(quota, &used);
    if (used != quota.size()) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  unsigned long long cpus = (quota_us + period - 1) / period;
  return static_cast<unsigned>(std::max(1ULL, std::min(cpus, 4096ULL)));
}

unsigned usable_cpus() {
  unsigned cpus = affinity_cpus();
  if (std::optional<unsigned> quota = cgroup_quota_cpus()) cpus = std::min(cpus, *quota);
  return std::max(cpus, 1U);
}

}  // namespace apiserver::cli
