// Unit tests of Writer: the writes waiting when a transaction starts share it, each fails alone,
// tasks run between transactions, and a full queue answers busy at once.
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
  // 6,000 commits of a page or more each: 24 MiB of log had it never started over.
  EXPECT_LT(std::filesystem::file_size(dir.file("w.db") + "-wal"), 8u << 20);
  EXPECT_EQ(query(dir.file("w.db"), "SELECT count(*) FROM t").at(0).at(0), "6000");
}

}  // namespace
}  // namespace apiserver::store
