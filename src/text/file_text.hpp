// Reading a whole file that a document names (one of its parts, a seed, a secret, a CA file),
// with its size bounded before anything is read: a path to a huge file, a directory or a
// device is refused at once instead of read without end.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace apiserver::text {

enum class FileFailure {
  kMissing,     // no such file
  kNotAFile,    // a directory, a device, a socket
  kTooLarge,    // over the caller's bound
  kUnreadable,  // it could not be opened or read (permissions, an I/O error)
};

// Reads the regular file at `path`, of at most `max_bytes`, whole into `text`; the failure
// otherwise (`text` is then unspecified).
std::optional<FileFailure> read_file_text(const std::filesystem::path& path,
                                          std::uintmax_t max_bytes, std::string& text);

}  // namespace apiserver::text
