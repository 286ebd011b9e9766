// Moves committed pages from the WAL into the database file on a thread of its own, so that no
// request's commit ever runs a checkpoint (every connection has wal_autocheckpoint off).
//
// The WAL starts over from its beginning only when a write finds every frame copied: under a
// steady write load the copying never catches up, and the log would grow without end. So the
// WAL is kept short in three steps: passive checkpoints beside the writes copy what they can,
// repeated while much is left; once the log is long, the last few frames are copied while
// writes wait in the writer's queue (a brief pause, woken at once when it ends, never SQLite's
// sleeping busy handler), and the next write starts the log over; a truncating checkpoint,
// also in turn, when readers kept it from starting over and the file still grew past a limit.
//
// SQLite syncs the database file only in a checkpoint that copies the whole log, i.e. in the
// writer's turn, and that sync would then write out every page copied since the log last
// started over (16 MiB, 5 to 10 ms, at times 200 ms on a virtual disk). So the checkpointer
// syncs the file itself just before, beside the writes; what the turn syncs is then only the
// last pages.
#pragma once

#include <soci/soci.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/connect.hpp"

namespace apiserver::store {

struct CheckpointPolicy {
  // How long commits may gather after the first before they are checkpointed together.
  std::chrono::milliseconds delay{100};
  // Passes beside the writes repeat while more frames than this are left to copy, so that what
  // the writes then wait for is small.
  int small_tail_frames = 256;
  // A log of more frames than this (16 MiB of 4 KiB pages) is started over.
  int restart_frames = 4096;
  // A WAL file larger than this is truncated (waiting up to `truncate_wait` for readers).
  std::uintmax_t max_wal_bytes = 64ull << 20;
  std::chrono::milliseconds truncate_wait{200};
};

class Checkpointer {
 public:
  // Runs the work it is given while no write runs (the writer's turn), then lets writes go on.
  using InTurn = std::function<void(const std::function<void()>& work)>;

  // Opens its own connection to `path` (a WAL database) and starts its thread.
  Checkpointer(const std::string& path, Durability durability, InTurn in_turn,
               CheckpointPolicy policy = {});
  // Stops the thread after a last checkpoint.
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Something was committed: checkpoint within `delay`. Cheap; never waits for a checkpoint.
  void committed();

  // Checkpoints done so far, those that started the log over, and the syncs of the database
  // file beside the writes (for tests).
  uint64_t checkpoints() const;
  uint64_t restarts() const;
  uint64_t database_syncs() const;

 private:
  struct Progress {
    int log_frames = 0;     // frames in the log since it last started over
    int copied_frames = 0;  // of those, frames in the database file
  };
  void run();
  void checkpoint(bool last);
  // Runs `PRAGMA wal_checkpoint(MODE)` on the own connection.
  Progress checkpoint_once(const char* mode);

  // Writes the database file's pages copied so far to the disk, beside the writes.
  void sync_database_file();

  std::string path_;
  int database_fd_ = -1;  // the database file, for sync_database_file() (-1: not open)
  InTurn in_turn_;
  CheckpointPolicy policy_;
  soci::session session_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  uint64_t checkpoints_ = 0;
  uint64_t restarts_ = 0;
  uint64_t database_syncs_ = 0;
  std::thread thread_;
};

}  // namespace apiserver::store
