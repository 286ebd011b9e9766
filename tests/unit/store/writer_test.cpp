// Unit tests of Writer: the writes waiting when a transaction starts share it, each fails alone,
// tasks run between transactions, and a full queue answers busy at once; writes submitted
// without waiting are written by the next flush (or waiting writer) and completed before it
// returns.
#include "store/writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>
#include <vector>

#include "support/server_process.hpp"
#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using testing::query;

// Holds the writer thread in a task until release(), so that writes pile up behind it.
class Blocker {
 public:
  explicit Blocker(Writer& writer) {
    done_ = std::async(std::launch::async, [&writer, this] {
      writer.run([this](soci::session&, TransactionStatements&) {
        entered_ = true;
        while (!released_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      });
    });
    while (!entered_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void release() {
    released_ = true;
    done_.get();
  }

 private:
  std::atomic<bool> entered_{false};
  std::atomic<bool> released_{false};
  std::future<void> done_;
};

void wait_for_waiting(Writer& writer, size_t count) {
  while (writer.waiting() < count) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Writer::Write insert(int id) {
  return [id](soci::session& session, TransactionStatements&) {
    session << "INSERT INTO t (id) VALUES (:id)", soci::use(id);
    return StoreResult{};
  };
}

TEST(Writer, AFailingWriteOfAGroupRollsBackAloneAndTheOthersCommit) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  Blocker blocker(writer);
  // 1, 2, a second 1 (a constraint failure), a refused write that inserted 4 first, then 3.
  std::vector<std::future<StoreResult>> results;
  for (int id : {1, 2})
    results.push_back(std::async(std::launch::async, [&, id] { return writer.write(insert(id)); }));
  wait_for_waiting(writer, 2);
  results.push_back(std::async(std::launch::async, [&] { return writer.write(insert(1)); }));
  wait_for_waiting(writer, 3);
  results.push_back(std::async(std::launch::async, [&] {
    return writer.write([](soci::session& s, TransactionStatements&) {
      s << "INSERT INTO t (id) VALUES (4)";
      return StoreResult{StoreStatus::kInvalid, "refused after writing"};
    });
  }));
  wait_for_waiting(writer, 4);
  results.push_back(std::async(std::launch::async, [&] { return writer.write(insert(3)); }));
  wait_for_waiting(writer, 5);
  blocker.release();
  EXPECT_TRUE(results[0].get().ok());
  EXPECT_TRUE(results[1].get().ok());
  EXPECT_THROW(results[2].get(), soci::soci_error);
  EXPECT_EQ(results[3].get().status, StoreStatus::kInvalid);
  EXPECT_TRUE(results[4].get().ok());
  auto rows =
      query(dir.file("w.db"), "SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)");
  EXPECT_EQ(rows.at(0).at(0), "1,2,3");
}

TEST(Writer, AWriteAloneThatFailsLeavesNothing) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  StoreResult result = writer.write([](soci::session& s, TransactionStatements&) {
    s << "INSERT INTO t (id) VALUES (7)";
    return StoreResult{StoreStatus::kConflict, "no"};
  });
  EXPECT_EQ(result.status, StoreStatus::kConflict);
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "0");
  EXPECT_TRUE(writer.write(insert(8)).ok());
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "1");
}

TEST(Writer, AFullQueueAnswersBusyAtOnce) {
  apiserver::test::TempDir dir;
  WriterOptions options;
  options.queue_capacity = 1;
  Writer writer(dir.file("w.db"), options);
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  Blocker blocker(writer);
  auto queued = std::async(std::launch::async, [&] { return writer.write(insert(1)); });
  wait_for_waiting(writer, 1);
  EXPECT_EQ(writer.write(insert(2)).status, StoreStatus::kBusy);
  blocker.release();
  EXPECT_TRUE(queued.get().ok());
}

// What a submitted write's completion saw, and on which thread it ran.
struct Completion {
  StoreResult result;
  bool threw = false;
  std::thread::id thread;
};

Writer::Done record_into(std::vector<Completion>& completions, int index) {
  return [&completions, index](StoreResult result, std::exception_ptr error) {
    completions[static_cast<size_t>(index)] = {std::move(result), error != nullptr,
                                               std::this_thread::get_id()};
  };
}

TEST(Writer, SubmittedWritesShareOneTransactionWrittenByTheFlush) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  // 1, 2, a second 1 (a constraint failure), 3: nothing is written until the flush.
  std::vector<Completion> completions(4);
  const int ids[] = {1, 2, 1, 3};
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(writer.submit(insert(ids[i]), record_into(completions, i)));
  EXPECT_EQ(writer.waiting(), 4u);
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "0");
  writer.flush();
  // Every completion has run, here, once the flush returns; the failure failed alone.
  EXPECT_EQ(writer.waiting(), 0u);
  for (int i : {0, 1, 3}) {
    EXPECT_TRUE(completions[static_cast<size_t>(i)].result.ok()) << i;
    EXPECT_FALSE(completions[static_cast<size_t>(i)].threw) << i;
    EXPECT_EQ(completions[static_cast<size_t>(i)].thread, std::this_thread::get_id());
  }
  EXPECT_TRUE(completions[2].threw);
  EXPECT_EQ(query(dir.file("w.db"), "SELECT group_concat(id) FROM (SELECT id FROM t ORDER BY id)")
                .at(0)
                .at(0),
            "1,2,3");
  writer.flush();  // nothing left: returns at once
}

TEST(Writer, AWaitingWriteWritesTheSubmittedWritesBeforeIt) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  std::vector<Completion> completions(2);
  ASSERT_TRUE(writer.submit(insert(1), record_into(completions, 0)));
  ASSERT_TRUE(writer.submit(insert(2), record_into(completions, 1)));
  // No flush: the thread that waits leads the line, the submitted writes first.
  EXPECT_TRUE(writer.write(insert(3)).ok());
  EXPECT_TRUE(completions[0].result.ok());
  EXPECT_TRUE(completions[1].result.ok());
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "3");
}

TEST(Writer, AFlushWaitsForWritesAnotherThreadIsWriting) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  Blocker blocker(writer);
  std::vector<Completion> completions(1);
  ASSERT_TRUE(writer.submit(insert(1), record_into(completions, 0)));
  auto flushed = std::async(std::launch::async, [&] { writer.flush(); });
  EXPECT_EQ(flushed.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout)
      << "the flush returned while the connection was busy";
  blocker.release();
  flushed.get();
  EXPECT_TRUE(completions[0].result.ok());
}

TEST(Writer, ASubmitToAFullQueueIsRefusedAndQueuesNothing) {
  apiserver::test::TempDir dir;
  WriterOptions options;
  options.queue_capacity = 1;
  Writer writer(dir.file("w.db"), options);
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY)";
  });
  std::vector<Completion> completions(2);
  EXPECT_TRUE(writer.submit(insert(1), record_into(completions, 0)));
  bool ran = false;
  EXPECT_FALSE(writer.submit(insert(2), [&](StoreResult, std::exception_ptr) { ran = true; }));
  writer.flush();
  EXPECT_FALSE(ran) << "a refused write never completes";
  EXPECT_EQ(query(dir.file("w.db"), "SELECT group_concat(id) FROM t").at(0).at(0), "1");
}

TEST(Writer, OneWriterAFileSharedWhileInUse) {
  apiserver::test::TempDir dir;
  auto first = Writer::of_file(dir.file("w.db"), {});
  auto again = Writer::of_file(dir.file("w.db"), {});
  auto other = Writer::of_file(dir.file("x.db"), {});
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST(Writer, EveryConnectionLeavesCheckpointsToTheCheckpointer) {
  apiserver::test::TempDir dir;
  Writer writer(dir.file("w.db"), {});
  long long pages = -1;
  writer.run([&](soci::session& s, TransactionStatements&) {
    s << "PRAGMA wal_autocheckpoint", soci::into(pages);
  });
  EXPECT_EQ(pages, 0);
}

// Under writes without a pause the checkpoints beside them never catch up, and the WAL only
// starts over because its last frames are copied while the writes wait their turn.
TEST(Writer, TheWalStartsOverUnderWritesThatNeverPause) {
  apiserver::test::TempDir dir;
  WriterOptions options;
  options.checkpoints.delay = std::chrono::milliseconds(2);
  options.checkpoints.small_tail_frames = 8;
  options.checkpoints.restart_frames = 64;
  Writer writer(dir.file("w.db"), options);
  writer.run([](soci::session& s, TransactionStatements&) {
    s << "CREATE TABLE t (id INTEGER PRIMARY KEY, padding TEXT)";
  });
  constexpr int kPerThread = 3000;
  auto writes = [&](int first) {
    for (int id = first; id < first + kPerThread; ++id) {
      Writer::Write write = [id](soci::session& session, TransactionStatements&) {
        std::string padding(200, 'x');
        session << "INSERT INTO t (id, padding) VALUES (:id, :p)", soci::use(id),
            soci::use(padding);
        return StoreResult{};
      };
      ASSERT_TRUE(writer.write(write).ok());
    }
  };
  std::thread a(writes, 0);
  std::thread b(writes, kPerThread);
  a.join();
  b.join();
  EXPECT_GT(writer.wal_restarts(), 0u);
  // Each turn came after a sync of the database file beside the writes, so that the turn's own
  // sync (SQLite's, of the whole log's pages) writes only the last few.
  EXPECT_GE(writer.database_file_syncs(), writer.wal_restarts());
  // 6,000 commits of a page or more each: 24 MiB of log had it never started over.
  EXPECT_LT(std::filesystem::file_size(dir.file("w.db") + "-wal"), 8u << 20);
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "6000");
}

}  // namespace
}  // namespace apiserver::store
