// Integer keys the server assigns.
//
// AUTOINCREMENT would keep keys of deleted rows from coming back, but it
// writes its sqlite_sequence page on every insert: a second WAL frame per
// commit, about 18% of the throughput of creates. Instead one counter per
// table, shared by the connections of this process, hands out keys, and a
// delete records its key as a high-water mark in `apiserver_keys` (in the
// delete's transaction), so that a restart never hands out a deleted key
// either. One server process per database file is assumed.
#pragma once

#include <soci/soci.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "model/model.hpp"

namespace apiserver::store {

class KeySequence {
 public:
  explicit KeySequence(long long next) : next_(next) {}
  // A key no row has had.
  long long take() { return next_.fetch_add(1); }
  // A client chose `key`: never hand it out.
  void saw(long long key);

 private:
  std::atomic<long long> next_;
};

// Key counters of one process by database file and table. A reload opens the database again
// while the previous document still answers requests: two counters for one table would hand
// out one key twice, so every Database opened on the same file shares the counter.
class KeyCounters {
 public:
  // The counter of `table` in `path`, made at `first_unused`, or the existing one moved past
  // it. Private databases (":memory:") get a counter of their own.
  std::shared_ptr<KeySequence> counter(const std::string& path, const std::string& table,
                                       long long first_unused);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<KeySequence>> counters_;
};

// Creates the high-water table if it is missing.
void ensure_key_table(soci::session& session);
// The first key `table` never used: one more than the largest of its keys,
// its recorded high-water mark and its sqlite_sequence entry (tables made
// with AUTOINCREMENT by earlier versions).
long long first_unused_key(soci::session& session, const std::string& table,
                           const std::string& key_column);
// Records that `key` of `table` was used (inside the caller's transaction).
void record_high_water(soci::session& session, const std::string& table, long long key);

}  // namespace apiserver::store
