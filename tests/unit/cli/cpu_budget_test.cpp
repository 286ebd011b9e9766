// The default thread count: cgroup v2 cpu.max quotas read as whole CPUs.
#include "cli/cpu_budget.hpp"

#include <gtest/gtest.h>
#include <sched.h>

namespace apiserver::cli {
namespace {

TEST(CpuBudget, NoQuotaIsNoLimit) {
  EXPECT_FALSE(cpus_of_cpu_max("max 100000\n"));
  EXPECT_FALSE(cpus_of_cpu_max(""));
  EXPECT_FALSE(cpus_of_cpu_max("garbage"));
  EXPECT_FALSE(cpus_of_cpu_max("12x 100000"));
}

TEST(CpuBudget, QuotaRoundsUpToWholeCpus) {
  EXPECT_EQ(cpus_of_cpu_max("200000 100000\n"), 2U);
  EXPECT_EQ(cpus_of_cpu_max("150000 100000"), 2U);
  EXPECT_EQ(cpus_of_cpu_max("50000 100000"), 1U);
  EXPECT_EQ(cpus_of_cpu_max("100000 100000"), 1U);
}

TEST(CpuBudget, NeverMoreThanTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  unsigned cpus = usable_cpus();
  EXPECT_GE(cpus, 1U);
  EXPECT_LE(cpus, static_cast<unsigned>(CPU_COUNT(&set)));
}

}  // namespace
}  // namespace apiserver::cli
