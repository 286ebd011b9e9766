// Moves committed pages from the WAL into the database file on a thread of its own, so that no
// request's commit ever runs a checkpoint (every connection has wal_autocheckpoint off). The
// WAL stays bounded: a passive checkpoint after every burst of commits, and a truncating one
// when the file still grew past a limit (readers kept it from restarting).
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "store/connect.hpp"

namespace apiserver::store {

struct CheckpointPolicy {
  // How long commits may gather after the first before they are checkpointed together.
  std::chrono::milliseconds delay{100};
  // A WAL file larger than this is truncated (waiting up to `truncate_wait` for readers).
  std::uintmax_t max_wal_bytes = 64ull << 20;
  std::chrono::milliseconds truncate_wait{200};
};

class Checkpointer {
 public:
  // Opens its own connection to `path` (a WAL database) and starts its thread.
  Checkpointer(const std::string& path, Durability durability, CheckpointPolicy policy = {});
  // Stops the thread after a last checkpoint.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Something was committed: checkpoint within `delay`. Cheap; never waits for a checkpoint.
  void committed();

  // Checkpoints done so far (for tests).
  uint64_t checkpoints() const;

 private:
  void run();
  void checkpoint();

  std::string path_;
  CheckpointPolicy policy_;
  soci::session session_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  uint64_t checkpoints_ = 0;
  std::thread thread_;
};

}  // namespace apiserver::store
