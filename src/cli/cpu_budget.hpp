// How many CPUs this process may actually run on: the default thread count. A container or
// `taskset` gives the process fewer CPUs than the machine has, and more event loops than CPUs
// only adds context switches.
#pragma once

#include <optional>
#include <string>

namespace apiserver::cli {

// The CPUs of the affinity mask, lowered to the cgroup v2 CPU quota of this process and its
// ancestors (rounded up); at least 1.
unsigned usable_cpus();

// The whole CPUs a cgroup v2 `cpu.max` file allows ("200000 100000" -> 2, "150000 100000"
// -> 2); nullopt for "max" (no quota) or text it cannot read.
std::optional<unsigned> cpus_of_cpu_max(const std::string& text);

}  // namespace apiserver::cli
