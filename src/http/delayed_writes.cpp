// The queue of held-back answers of one connection (see delayed_writes.hpp).
#include "http/delayed_writes.hpp"

#include <algorithm>

namespace apiserver::http {

bool DelayedWrites::hold(std::string bytes, int64_t due_ms, bool close_after) {
  const bool first = held_.empty();
  if (!first) due_ms = std::max(due_ms, held_.back().due_ms);
  held_.push_back({std::move(bytes), due_ms, close_after});
  return first;
}

DelayedWrites::Batch DelayedWrites::take_due(int64_t now_ms, bool everything) {
  Batch batch;
  while (!held_.empty() && (everything || held_.front().due_ms <= now_ms)) {
    batch.bytes += held_.front().bytes;
    batch.close_after = batch.close_after || held_.front().close_after;
    held_.pop_front();
  }
  return batch;
}

}  // namespace apiserver::http
