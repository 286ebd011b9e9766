// One apiserver process per SQLite file (see file_claim.hpp).
#include "store/file_claim.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

#include "store/connect.hpp"

namespace apiserver::store {
namespace {

bool is_in_memory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0;
}

// The process id the holder wrote into the lock file, or "" when it wrote none.
std::string holder_of(int fd) {
  char buffer[32] = {};
  ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  std::string text = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text.find_first_not_of("0123456789") == std::string::npos ? text : "";
}

void write_holder(int fd) {
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) {
    // Only a courtesy for the message of the next process: a failure changes nothing.
    [[maybe_unused]] ssize_t written = ::pwrite(fd, pid.data(), pid.size(), 0);
  }
}

}  // namespace

std::string FileClaim::lock_path(const std::string& database_path) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::canonical(database_path, error);
  return (error ? database_path : canonical.string()) + "-lock";
}

FileClaim::FileClaim(const std::string& database_path) {
  if (is_in_memory(database_path)) return;
  const std::string path = lock_path(database_path);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
    write_holder(fd_);
    return;
  }
  const int error = errno;
  const std::string holder = holder_of(fd_);
  ::close(fd_);
  fd_ = -1;
  if (error != EWOULDBLOCK) return;  // a file system without flock: no claim, as above
  throw DatabaseError("the database " + database_path + " is in use by another apiserver process" +
                      (holder.empty() ? "" : " (pid " + holder + ")") +
                      ": one process serves a SQLite file, since each hands out keys on its own; "
                      "stop the other, give this one another --db, or serve both from one "
                      "PostgreSQL database (--db postgresql://...)");
}

FileClaim::~FileClaim() {
  if (fd_ >= 0) ::close(fd_);  // the claim goes with the descriptor
}

}  // namespace apiserver::store
