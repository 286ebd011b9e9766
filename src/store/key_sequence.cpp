#include "store/key_sequence.hpp"

#include <algorithm>

#include "store/sql.hpp"

namespace apiserver::store {

void KeySequence::saw(long long key) {
  long long next = next_.load();
  while (next <= key && !next_.compare_exchange_weak(next, key + 1)) {
  }
}

std::shared_ptr<KeySequence> KeyCounters::counter(const std::string& path, const std::string& table,
                                                  long long first_unused) {
  if (path == ":memory:") return std::make_shared<KeySequence>(first_unused);
  std::lock_guard<std::mutex> lock(mutex_);
  std::shared_ptr<KeySequence>& slot = counters_[{path, table}];
  if (!slot) {
    slot = std::make_shared<KeySequence>(first_unused);
  } else {
    slot->saw(first_unused - 1);
  }
  return slot;
}

void ensure_key_table(soci::session& session) {
  session << "CREATE TABLE IF NOT EXISTS apiserver_keys ("
             "name TEXT PRIMARY KEY NOT NULL, high_water INTEGER NOT NULL)";
}

long long first_unused_key(soci::session& session, const std::string& table,
                           const std::string& key_column) {
  long long largest = 0;
  long long value = 0;
  soci::indicator indicator = soci::i_null;
  session << "SELECT max(" + quote_identifier(key_column) + ") FROM " + quote_identifier(table),
      soci::into(value, indicator);
  if (indicator == soci::i_ok) largest = std::max(largest, value);
  indicator = soci::i_null;
  session << "SELECT high_water FROM apiserver_keys WHERE name = :t", soci::use(table),
      soci::into(value, indicator);
  if (indicator == soci::i_ok) largest = std::max(largest, value);
  int has_sequence = 0;
  session << "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
      soci::into(has_sequence);
  if (has_sequence > 0) {
    indicator = soci::i_null;
    session << "SELECT seq FROM sqlite_sequence WHERE name = :t", soci::use(table),
        soci::into(value, indicator);
    if (indicator == soci::i_ok) largest = std::max(largest, value);
  }
  return largest + 1;
}

void record_high_water(soci::session& session, const std::string& table, long long key) {
  session << "INSERT INTO apiserver_keys (name, high_water) VALUES (:t, :k) "
             "ON CONFLICT(name) DO UPDATE SET high_water = max(high_water, excluded.high_water)",
      soci::use(table), soci::use(key);
}

}  // namespace apiserver::store
