// Unit tests of the key counters in memory: KeySequence (take, saw) and KeyCounters (one counter
// per file and table, shared, moved past a later first unused key; a private one for
// ":memory:"). The SQL half (first_unused_key, record_high_water) is tested with the Database.
#include "store/key_sequence.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <thread>
#include <vector>

namespace apiserver::store {
namespace {

TEST(KeySequence, HandsOutKeysInOrderFromItsStart) {
  KeySequence keys(5);
  EXPECT_EQ(keys.take(), 5);
  EXPECT_EQ(keys.take(), 6);
  EXPECT_EQ(keys.take(), 7);
}

struct SawRow {
  const char* sentence;
  long long next;  // before saw()
  long long client_key;
  long long taken;  // the next take() after saw()
};

TEST(KeySequence, NeverHandsOutAKeyAClientChose) {
  const SawRow rows[] = {
      {"a key ahead of the counter moves it past that key", 5, 9, 10},
      {"the key about to be handed out moves it by one", 5, 5, 6},
      {"a key behind the counter changes nothing", 5, 3, 5},
      {"the key just before the counter changes nothing", 5, 4, 5},
      {"a negative key changes nothing", 1, -7, 1},
  };
  for (const SawRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    KeySequence keys(row.next);
    keys.saw(row.client_key);
    EXPECT_EQ(keys.take(), row.taken);
  }
}

TEST(KeySequence, HandsOutEveryKeyOnceAcrossThreads) {
  KeySequence keys(1);
  constexpr int kThreads = 4;
  constexpr int kEach = 1000;
  std::vector<std::vector<long long>> taken(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&keys, &taken, t] {
      for (int i = 0; i < kEach; ++i) {
        taken[t].push_back(keys.take());
        if (i % 10 == 0) keys.saw(i);  // behind the counter: no effect
      }
    });
  for (std::thread& thread : threads) thread.join();
  std::set<long long> all;
  for (const auto& list : taken) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
}

TEST(KeyCounters, SharesOneCounterPerFileAndTable) {
  KeyCounters counters;
  std::shared_ptr<KeySequence> first = counters.counter("/data/a.db", "todos", 10);
  std::shared_ptr<KeySequence> again = counters.counter("/data/a.db", "todos", 10);
  EXPECT_EQ(first, again);
  EXPECT_EQ(first->take(), 10);
  EXPECT_EQ(again->take(), 11);
}

TEST(KeyCounters, KeepsTablesAndFilesApart) {
  KeyCounters counters;
  std::shared_ptr<KeySequence> todos = counters.counter("/data/a.db", "todos", 10);
  std::shared_ptr<KeySequence> users = counters.counter("/data/a.db", "users", 3);
  std::shared_ptr<KeySequence> other_file = counters.counter("/data/b.db", "todos", 7);
  EXPECT_NE(todos, users);
  EXPECT_NE(todos, other_file);
  EXPECT_EQ(todos->take(), 10);
  EXPECT_EQ(users->take(), 3);
  EXPECT_EQ(other_file->take(), 7);
}

struct ReopenRow {
  const char* sentence;
  long long first_unused;  // of the first opening
  int taken_before;        // keys taken before the second opening
  long long reopened_first_unused;
  long long next;
};

TEST(KeyCounters, MovesASharedCounterPastWhatTheTableHoldsWhenOpenedAgain) {
  const ReopenRow rows[] = {
      {"a table that grew moves the counter past its keys", 10, 0, 20, 20},
      {"keys handed out since are not handed out again", 10, 5, 12, 15},
      {"an older first unused key does not move the counter back", 10, 0, 4, 10},
  };
  for (const ReopenRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    KeyCounters counters;
    std::shared_ptr<KeySequence> first = counters.counter("/data/a.db", "todos", row.first_unused);
    for (int i = 0; i < row.taken_before; ++i) first->take();
    std::shared_ptr<KeySequence> second =
        counters.counter("/data/a.db", "todos", row.reopened_first_unused);
    EXPECT_EQ(first, second);
    EXPECT_EQ(second->take(), row.next);
  }
}

TEST(KeyCounters, GivesEveryPrivateMemoryDatabaseACounterOfItsOwn) {
  KeyCounters counters;
  std::shared_ptr<KeySequence> one = counters.counter(":memory:", "todos", 1);
  std::shared_ptr<KeySequence> two = counters.counter(":memory:", "todos", 1);
  EXPECT_NE(one, two);
  EXPECT_EQ(one->take(), 1);
  EXPECT_EQ(two->take(), 1);
}

}  // namespace
}  // namespace apiserver::store
