// One apiserver process per SQLite file. Keys are handed out by counters in the process
// (key_sequence.hpp), so a second process writing the same file would hand out keys the first
// also hands out, and its creates would fail with 409s. The second process is refused instead.
//
// The claim is an flock(2) on a file beside the database (`DB-lock`, as LevelDB keeps a LOCK
// file), never on the database itself: closing any descriptor of a file drops every fcntl(2)
// lock the process holds on it, SQLite's included, and on NFS flock is an fcntl lock. The
// kernel drops the claim when the process dies, however it dies.
#pragma once

#include <string>

namespace apiserver::store {

class FileClaim {
 public:
  // Claims `database_path` for this process; throws DatabaseError, naming the process that
  // holds it, when another does. An in-memory database needs no claim, and a lock file that
  // cannot be created (a read-only directory) is no claim: SQLite then says what it cannot do.
  explicit FileClaim(const std::string& database_path);
  ~FileClaim();
  FileClaim(const FileClaim&) = delete;
  FileClaim& operator=(const FileClaim&) = delete;

  // The lock file beside `database_path`: `DB-lock` of the canonical path when the database
  // exists (a symbolic link then claims its target), of the path as given otherwise.
  static std::string lock_path(const std::string& database_path);

 private:
  int fd_ = -1;
};

}  // namespace apiserver::store
