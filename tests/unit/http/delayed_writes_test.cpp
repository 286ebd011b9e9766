// Unit tests of the queue of held-back answers: order kept, due times never earlier than the
// answer before, what a timer firing at a given time takes.
#include "http/delayed_writes.hpp"

#include <gtest/gtest.h>

namespace apiserver::http {
namespace {

TEST(HttpDelayedWrites, TheFirstAnswerHeldAsksForATimer) {
  DelayedWrites delayed;
  EXPECT_TRUE(delayed.empty());
  EXPECT_TRUE(delayed.hold("a", 100, false));
  EXPECT_FALSE(delayed.hold("b", 200, false));
  EXPECT_EQ(delayed.next_due_ms(), 100);
  EXPECT_EQ(delayed.last_due_ms(), 200);
}

TEST(HttpDelayedWrites, AnAnswerQueuedBehindALaterOneWaitsForIt) {
  DelayedWrites delayed;
  delayed.hold("slow", 500, false);
  delayed.hold("quick", 10, false);  // due earlier, but must not overtake
  EXPECT_EQ(delayed.last_due_ms(), 500);
  EXPECT_TRUE(delayed.take_due(100, false).bytes.empty());
  DelayedWrites::Batch batch = delayed.take_due(500, false);
  EXPECT_EQ(batch.bytes, "slowquick");
  EXPECT_TRUE(delayed.empty());
}

TEST(HttpDelayedWrites, TakesOnlyWhatIsDueInOrder) {
  DelayedWrites delayed;
  delayed.hold("1", 100, false);
  delayed.hold("2", 100, false);
  delayed.hold("3", 300, true);
  DelayedWrites::Batch first = delayed.take_due(150, false);
  EXPECT_EQ(first.bytes, "12");
  EXPECT_FALSE(first.close_after);
  EXPECT_EQ(delayed.next_due_ms(), 300);
  DelayedWrites::Batch second = delayed.take_due(300, false);
  EXPECT_EQ(second.bytes, "3");
  EXPECT_TRUE(second.close_after);
}

TEST(HttpDelayedWrites, EverythingTakesWhatIsNotDueYet) {
  DelayedWrites delayed;
  delayed.hold("a", 1'000, true);
  delayed.hold("b", 2'000, false);
  DelayedWrites::Batch batch = delayed.take_due(0, true);
  EXPECT_EQ(batch.bytes, "ab");
  EXPECT_TRUE(batch.close_after);  // any answer of the batch closing closes the connection
  EXPECT_TRUE(delayed.empty());
}

}  // namespace
}  // namespace apiserver::http
