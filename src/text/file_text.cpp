// Reading a whole file (see file_text.hpp).
#include "text/file_text.hpp"

#include <array>
#include <fstream>
#include <system_error>

namespace apiserver::text {
namespace {

constexpr size_t kReadBytes = 16384;

}  // namespace

std::optional<FileFailure> read_file_text(const std::filesystem::path& path,
                                          std::uintmax_t max_bytes, std::string& text) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) return FileFailure::kMissing;
  if (error) return FileFailure::kUnreadable;  // a folder on the way that may not be searched
  if (status.type() != std::filesystem::file_type::regular) return FileFailure::kNotAFile;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) return FileFailure::kUnreadable;
  if (size > max_bytes) return FileFailure::kTooLarge;
  std::ifstream in(path, std::ios::binary);
  if (!in) return FileFailure::kUnreadable;
  // Read to its end, not to the size read above: the file may change meanwhile, and files of
  // /proc and /sys say they hold nothing.
  text.clear();
  text.reserve(static_cast<size_t>(size));
  std::array<char, kReadBytes> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    text.append(buffer.data(), static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) return FileFailure::kTooLarge;
  }
  if (in.bad()) return FileFailure::kUnreadable;
  return std::nullopt;
}

}  // namespace apiserver::text
