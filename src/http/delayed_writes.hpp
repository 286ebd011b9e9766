// The answers a connection holds back: one a mock delays, and every answer after it, which
// waits behind it so that answers leave in the order their requests came. Plain data, no
// sockets and no clock: the connection handler says what time it is and writes what is due.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

namespace apiserver::http {

class DelayedWrites {
 public:
  // The bytes of answers that are due, in order, and whether the connection closes after them.
  struct Batch {
    std::string bytes;
    bool close_after = false;
  };

  bool empty() const { return held_.empty(); }
  // Holds `bytes` until `due_ms`, or until the answer before it goes out if that is later.
  // True when nothing was held before: the caller then arms a timer for next_due_ms().
  bool hold(std::string bytes, int64_t due_ms, bool close_after);
  // Due time of the first (next_due_ms) and the last (last_due_ms) answer held; not empty().
  int64_t next_due_ms() const { return held_.front().due_ms; }
  int64_t last_due_ms() const { return held_.back().due_ms; }
  // Removes and returns the answers due at `now_ms` (every one with `everything`).
  Batch take_due(int64_t now_ms, bool everything);

 private:
  struct Held {
    std::string bytes;
    int64_t due_ms;
    bool close_after;
  };
  std::deque<Held> held_;  // in send order; due times never decrease
};

}  // namespace apiserver::http
