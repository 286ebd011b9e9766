// The soft limit on open descriptors is raised to the hard one, never lowered.
#include "cli/file_limit.hpp"

#include <gtest/gtest.h>

namespace apiserver::cli {
namespace {

TEST(FileLimit, TheSoftLimitGoesUpToTheHardOne) {
  EXPECT_EQ(raised_soft_limit({1024, 524288}), rlim_t{524288});
}

TEST(FileLimit, NothingToRaise) {
  EXPECT_FALSE(raised_soft_limit({4096, 4096}));
  EXPECT_FALSE(raised_soft_limit({RLIM_INFINITY, RLIM_INFINITY}));
  EXPECT_FALSE(raised_soft_limit({1024, RLIM_INFINITY}));
}

}  // namespace
}  // namespace apiserver::cli
