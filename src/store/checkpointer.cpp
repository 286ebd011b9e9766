// Background WAL checkpoints (see checkpointer.hpp).
#include "store/checkpointer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace apiserver::store {

namespace {

// Passes beside the writes, at most, before the rest is copied in the writer's turn.
constexpr int kMaxPasses = 4;

}  // namespace

Checkpointer::Checkpointer(const std::string& path, Durability durability, InTurn in_turn,
                           CheckpointPolicy policy)
    : path_(path), in_turn_(std::move(in_turn)), policy_(policy) {
  open_connection(session_, path, durability, static_cast<int>(policy_.truncate_wait.count()));
  database_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (database_fd_ >= 0) ::close(database_fd_);
}

void Checkpointer::committed() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pending_) return;
  pending_ = true;
  wake_.notify_one();
}

uint64_t Checkpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return checkpoints_;
}

uint64_t Checkpointer::restarts() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return restarts_;
}

uint64_t Checkpointer::database_syncs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return database_syncs_;
}

void Checkpointer::run() {
  pthread_setname_np(pthread_self(), "apiserver-ckpt");
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return pending_ || stopping_; });
    if (!stopping_) {
      // Let the burst go on a little: one checkpoint then covers many commits.
      wake_.wait_for(lock, policy_.delay, [this] { return stopping_; });
    }
    const bool last = stopping_;
    pending_ = false;
    lock.unlock();
    checkpoint(last);
    lock.lock();
    ++checkpoints_;
    if (last) return;
  }
}

void Checkpointer::sync_database_file() {
  // Any descriptor of the file syncs its pages. A failure is only a longer turn: SQLite's own
  // sync in the turn still decides whether the log may start over.
  if (database_fd_ < 0 || ::fdatasync(database_fd_) != 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  ++database_syncs_;
}

Checkpointer::Progress Checkpointer::checkpoint_once(const char* mode) {
  int busy = 0;
  Progress progress;
  session_ << std::string("PRAGMA wal_checkpoint(") + mode + ")", soci::into(busy),
      soci::into(progress.log_frames), soci::into(progress.copied_frames);
  return progress;
}

void Checkpointer::checkpoint(bool last) {
  try {
    // PASSIVE never waits for the writer or the readers: it copies what it can, while the
    // writes go on adding frames; each pass has less to copy than the one before.
    Progress progress = checkpoint_once("PASSIVE");
    for (int pass = 1; pass < kMaxPasses &&
                       progress.log_frames - progress.copied_frames > policy_.small_tail_frames;
         ++pass)
      progress = checkpoint_once("PASSIVE");
    if (last) return;  // stopping: nothing more is written
    bool restarted = false;
    if (progress.log_frames > policy_.restart_frames) {
      sync_database_file();
      // No write adds frames meanwhile, so every frame gets copied (unless a reader still
      // reads an old one) and the next write starts the log over.
      in_turn_([&] { progress = checkpoint_once("PASSIVE"); });
      restarted = progress.copied_frames == progress.log_frames;
    }
    std::error_code error;
    std::uintmax_t wal_bytes = std::filesystem::file_size(path_ + "-wal", error);
    if (!error && wal_bytes > policy_.max_wal_bytes) {
      // Readers kept the WAL from starting over: wait a little for them (the writes waiting
      // too) and truncate the file.
      in_turn_([&] { checkpoint_once("TRUNCATE"); });
      restarted = true;
    }
    if (restarted) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++restarts_;
    }
  } catch (const std::exception&) {
    // A checkpoint that fails (the disk is full, a reader is slow) is retried after the next
    // commit; committed data is safe in the WAL meanwhile.
  }
}

}  // namespace apiserver::store
