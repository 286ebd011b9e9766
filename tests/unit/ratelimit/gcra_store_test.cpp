// Unit tests of GcraStore, the in-process GCRA rate-limit store, on a clock the test controls:
// the burst and then refusal, refill at exactly one interval, the remaining / reset / retry
// numbers, independent keys, refunds, the max-keys memory bound (with least-recently-used
// eviction), and exactness under concurrency.
#include "ratelimit/gcra_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace apiserver::ratelimit {
namespace {

constexpr int64_t kSecond = 1000000000;
// An arbitrary monotonic start, far from 0 so that nothing depends on "now" being small.
constexpr int64_t kT0 = 5000 * kSecond;

// 10 requests per second: one every 100 ms.
constexpr int64_t kInterval = kSecond / 10;

TEST(GcraStore, LetsTheBurstThroughAtOnceThenRefuses) {
  GcraStore store(10, kSecond, 3, 1000);
  for (int i = 0; i < 3; ++i) {
    Decision d = store.acquire("k", kT0);
    EXPECT_TRUE(d.allowed) << "request " << i;
    EXPECT_EQ(d.interval_ns, kInterval);
  }
  Decision refused = store.acquire("k", kT0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  // Refusals take nothing: still refused, and by the same margin.
  Decision again = store.acquire("k", kT0);
  EXPECT_FALSE(again.allowed);
  EXPECT_EQ(again.retry_after_ns, refused.retry_after_ns);
}

TEST(GcraStore, RefillsExactlyOneRequestPerInterval) {
  GcraStore store(10, kSecond, 3, 1000);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.acquire("k", kT0).allowed);
  EXPECT_FALSE(store.acquire("k", kT0 + kInterval - 1).allowed) << "one nanosecond early";
  Decision d = store.acquire("k", kT0 + kInterval);
  EXPECT_TRUE(d.allowed) << "exactly one interval later";
  EXPECT_EQ(d.remaining, 0);
  EXPECT_FALSE(store.acquire("k", kT0 + kInterval).allowed) << "only one request refilled";
  EXPECT_FALSE(store.acquire("k", kT0 + 2 * kInterval - 1).allowed);
  EXPECT_TRUE(store.acquire("k", kT0 + 2 * kInterval).allowed);
}

TEST(GcraStore, CountsRemainingAndResetDownExactly) {
  GcraStore store(10, kSecond, 5, 1000);
  for (long long i = 0; i < 5; ++i) {
    Decision d = store.acquire("k", kT0);
    ASSERT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 4 - i);
    // Full again once every request taken so far has been refilled.
    EXPECT_EQ(d.reset_ns, (i + 1) * kInterval);
  }
  // Two intervals later two requests are back; this one takes one of them.
  Decision d = store.acquire("k", kT0 + 2 * kInterval);
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(d.reset_ns, 4 * kInterval);
  // Half an interval later, nothing more has come back.
  d = store.acquire("k", kT0 + 2 * kInterval + kInterval / 2);
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 0);
  EXPECT_EQ(d.reset_ns, 5 * kInterval - kInterval / 2);
}

TEST(GcraStore, NeverSavesUpMoreThanTheBurst) {
  GcraStore store(10, kSecond, 3, 1000);
  ASSERT_TRUE(store.acquire("k", kT0).allowed);
  // An hour of silence refills the bucket, but only to the burst.
  const int64_t later = kT0 + 3600 * kSecond;
  Decision first = store.acquire("k", later);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 2);
  EXPECT_EQ(first.reset_ns, kInterval);
  EXPECT_TRUE(store.acquire("k", later).allowed);
  EXPECT_TRUE(store.acquire("k", later).allowed);
  EXPECT_FALSE(store.acquire("k", later).allowed);
}

TEST(GcraStore, ReportsTheExactRetryAfter) {
  GcraStore store(10, kSecond, 4, 1000);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store.acquire("k", kT0).allowed);
  Decision d = store.acquire("k", kT0);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ns, kInterval);
  EXPECT_EQ(d.reset_ns, 4 * kInterval);

  d = store.acquire("k", kT0 + 30000000);  // 30 ms later
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ns, kInterval - 30000000);
  EXPECT_EQ(d.reset_ns, 4 * kInterval - 30000000);

  // Retrying exactly when told to succeeds.
  EXPECT_TRUE(store.acquire("k", kT0 + 30000000 + d.retry_after_ns).allowed);
}

TEST(GcraStore, RetryAfterOfASlowPolicyIsTheWholeInterval) {
  // 2 requests a minute, no burst beyond 1: the second request waits 30 s.
  GcraStore store(2, 60 * kSecond, 1, 1000);
  ASSERT_TRUE(store.acquire("k", kT0).allowed);
  Decision d = store.acquire("k", kT0 + kSecond);
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_ns, 29 * kSecond);
}

TEST(GcraStore, HugeBurstsOfSlowPoliciesDoNotOverflow) {
  // Within what the compiler accepts (per up to 7 days, burst up to 10^9), the burst can span
  // far more than 64-bit nanoseconds hold; it must still behave as "plenty", not wrap around.
  constexpr int64_t kDay = 24 * 3600 * kSecond;
  struct Case {
    int64_t period;
    long long burst;
  };
  for (const Case& c : {Case{kDay, 1000000000}, Case{7 * kDay, 10000000}, Case{7 * kDay, 100000000},
                        Case{7 * kDay, 1000000000}}) {
    SCOPED_TRACE("period " + std::to_string(c.period) + ", burst " + std::to_string(c.burst));
    GcraStore store(1, c.period, c.burst, 1000);
    for (int i = 0; i < 1000; ++i) {
      Decision d = store.acquire("k", kT0);
      ASSERT_TRUE(d.allowed) << "request " << i;
      EXPECT_GT(d.remaining, 1000) << "request " << i;
      EXPECT_EQ(d.reset_ns, (i + 1) * c.period);
    }
  }
}

TEST(GcraStore, KeepsKeysApart) {
  GcraStore store(10, kSecond, 2, 1000);
  ASSERT_TRUE(store.acquire("a", kT0).allowed);
  ASSERT_TRUE(store.acquire("a", kT0).allowed);
  ASSERT_FALSE(store.acquire("a", kT0).allowed);
  // "b" has its whole budget although "a" is exhausted ...
  Decision b = store.acquire("b", kT0);
  EXPECT_TRUE(b.allowed);
  EXPECT_EQ(b.remaining, 1);
  EXPECT_TRUE(store.acquire("b", kT0).allowed);
  EXPECT_FALSE(store.acquire("b", kT0).allowed);
  // ... and using it gave nothing back to "a".
  EXPECT_FALSE(store.acquire("a", kT0).allowed);
  // The empty key is a key like any other (the global policy uses it).
  EXPECT_TRUE(store.acquire("", kT0).allowed);
  EXPECT_EQ(store.tracked_keys(), 3u);
}

TEST(GcraStore, RefundGivesBackExactlyOneRequest) {
  GcraStore store(10, kSecond, 3, 1000);
  ASSERT_EQ(store.acquire("k", kT0).remaining, 2);
  store.refund("k");
  // As if the refunded request had never come.
  Decision d = store.acquire("k", kT0);
  EXPECT_EQ(d.remaining, 2);
  EXPECT_EQ(d.reset_ns, kInterval);
  ASSERT_TRUE(store.acquire("k", kT0).allowed);
  ASSERT_TRUE(store.acquire("k", kT0).allowed);
  ASSERT_FALSE(store.acquire("k", kT0).allowed);
  store.refund("k");
  Decision back = store.acquire("k", kT0);
  EXPECT_TRUE(back.allowed);
  EXPECT_EQ(back.remaining, 0);
  // Refunding a key the store does not know changes nothing.
  store.refund("unknown");
  EXPECT_EQ(store.tracked_keys(), 1u);
}

TEST(GcraStore, BoundsMemoryByMaxKeysAndForgetsTheLeastRecentlyUsed) {
  constexpr size_t kMaxKeys = 10000;
  GcraStore store(10, kSecond, 2, kMaxKeys);
  // Both exhausted at kT0; the clock stands still, so a key that is forgotten and seen again
  // gets its whole budget back: that is how eviction shows.
  for (const char* key : {"idle", "hot"}) {
    ASSERT_TRUE(store.acquire(key, kT0).allowed);
    ASSERT_TRUE(store.acquire(key, kT0).allowed);
    ASSERT_FALSE(store.acquire(key, kT0).allowed);
  }
  for (int i = 0; i < 1000000; ++i) {
    ASSERT_TRUE(store.acquire("client-" + std::to_string(i), kT0).allowed);
    // "hot" keeps coming back (every 100 new clients, far fewer than max-keys), and stays
    // refused: its state survives the flood.
    if (i % 100 == 0) {
      ASSERT_FALSE(store.acquire("hot", kT0).allowed) << "after " << i;
    }
  }
  const size_t tracked = store.tracked_keys();
  EXPECT_LE(tracked, kMaxKeys);
  EXPECT_GE(tracked, kMaxKeys * 9 / 10) << "the bound should be used, not undershot";
  EXPECT_FALSE(store.acquire("hot", kT0).allowed);
  // "idle" was not seen during the flood: it was forgotten and starts over.
  Decision idle = store.acquire("idle", kT0);
  EXPECT_TRUE(idle.allowed);
  EXPECT_EQ(idle.remaining, 1);
  EXPECT_LE(store.tracked_keys(), kMaxKeys);
}

TEST(GcraStore, BoundsMemoryEvenBelowOneKeyPerShard) {
  for (size_t max_keys : {size_t{1}, size_t{3}, size_t{17}}) {
    GcraStore store(10, kSecond, 2, max_keys);
    for (int i = 0; i < 1000; ++i) store.acquire("client-" + std::to_string(i), kT0);
    EXPECT_LE(store.tracked_keys(), max_keys) << "max_keys " << max_keys;
    EXPECT_GE(store.tracked_keys(), 1u) << "max_keys " << max_keys;
  }
}

TEST(GcraStore, AdmitsExactlyTheBurstFromManyThreadsAtOneInstant) {
  constexpr long long kBurst = 100;
  GcraStore store(10, kSecond, kBurst, 1000);
  std::atomic<long long> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (store.acquire("shared", kT0).allowed) accepted.fetch_add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), kBurst);
}

TEST(GcraStore, AdmitsBurstPlusElapsedOverIntervalFromManyThreadsOnAMovingClock) {
  // The clock moves 1 ns per request taken from it; one request refills every 1000 ns.
  constexpr long long kBurst = 10;
  constexpr int64_t kStep = 1;
  constexpr int64_t kIntervalNs = 1000;
  constexpr int64_t kTicks = 400000;  // 400 intervals
  GcraStore store(1, kIntervalNs, kBurst, 1000);
  std::atomic<int64_t> clock{kT0};
  std::atomic<long long> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        const int64_t now = clock.fetch_add(kStep);
        if (now >= kT0 + kTicks) break;
        if (store.acquire("shared", now).allowed) accepted.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  // Every instant from kT0 to kT0 + kTicks - 1 was handed out once. At most burst +
  // elapsed / interval can pass (provable: each accepted request moves the arrival time one
  // interval on, and it may never run more than the burst ahead of the latest instant); the
  // first request may arrive a few ticks after kT0, which can cost one.
  const long long expected = kBurst + (kTicks - 1) / kIntervalNs;
  EXPECT_LE(accepted.load(), expected);
  EXPECT_GE(accepted.load(), expected - 1);
}

}  // namespace
}  // namespace apiserver::ratelimit
