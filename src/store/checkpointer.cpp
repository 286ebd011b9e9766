// Background WAL checkpoints (see checkpointer.hpp).
#include "store/checkpointer.hpp"

#include <filesystem>
#include <system_error>

namespace apiserver::store {

Checkpointer::Checkpointer(const std::string& path, Durability durability, CheckpointPolicy policy)
    : path_(path), policy_(policy) {
  open_connection(session_, path, durability, static_cast<int>(policy_.truncate_wait.count()));
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
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

void Checkpointer::run() {
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
    checkpoint();
    lock.lock();
    ++checkpoints_;
    if (last) return;
  }
}

void Checkpointer::checkpoint() {
  try {
    int busy = 0;
    int wal_frames = 0;
    int copied = 0;
    // PASSIVE never waits for the writer or the readers: it copies what it can.
    session_ << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(wal_frames),
        soci::into(copied);
    std::error_code error;
    std::uintmax_t wal_bytes = std::filesystem::file_size(path_ + "-wal", error);
    if (error || wal_bytes <= policy_.max_wal_bytes) return;
    // Readers kept the WAL from starting over: wait a little for them (blocking the writer
    // meanwhile) and truncate the file.
    session_ << "PRAGMA wal_checkpoint(TRUNCATE)", soci::into(busy), soci::into(wal_frames),
        soci::into(copied);
  } catch (const std::exception&) {
    // A checkpoint that fails (the disk is full, a reader is slow) is retried after the next
    // commit; committed data is safe in the WAL meanwhile.
  }
}

}  // namespace apiserver::store
