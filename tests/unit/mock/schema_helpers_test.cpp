// Unit tests of multipleOf as the mock generator checks it: exact for integers that fit, and
// defined for every other value (a huge float, a value past int64, INT64_MIN by -1), which
// used to be cast or divided with undefined results.
#include "mock/schema_helpers.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace apiserver::mock::detail {
namespace {

TEST(IsMultiple, IntegersThatFitAreDividedExactly) {
  EXPECT_TRUE(is_multiple(Value(12), Value(3)));
  EXPECT_FALSE(is_multiple(Value(13), Value(3)));
  EXPECT_TRUE(is_multiple(Value(0), Value(7)));
  EXPECT_TRUE(is_multiple(Value(9007199254740993LL), Value(9007199254740993LL)));
}

TEST(IsMultiple, FloatValuesAreDividedAsDoubles) {
  EXPECT_TRUE(is_multiple(Value(4.0), Value(2)));
  EXPECT_FALSE(is_multiple(Value(7.5), Value(2)));
  EXPECT_TRUE(is_multiple(Value(0.75), Value(0.25)));
}

TEST(IsMultiple, ValuesPastInt64AreDefined) {
  // A float far past int64 (the old cast to int64 was undefined) and an unsigned past it.
  EXPECT_TRUE(is_multiple(Value(1e300), Value(1e300)));
  (void)is_multiple(Value(1e300), Value(3));
  (void)is_multiple(Value(std::numeric_limits<uint64_t>::max()), Value(3));
  (void)is_multiple(Value(5), Value(std::numeric_limits<uint64_t>::max()));
}

TEST(IsMultiple, TheSmallestInt64ByMinusOneDoesNotOverflow) {
  EXPECT_TRUE(is_multiple(Value(std::numeric_limits<int64_t>::min()), Value(-1)));
}

}  // namespace
}  // namespace apiserver::mock::detail
