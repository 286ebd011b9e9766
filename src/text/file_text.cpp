// Reading a whole file (see file_text.hpp).
#include "text/file_text.hpp"

#include <fstream>
#include <system_error>

namespace apiserver::text {

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
  text.resize(size);
  in.read(text.data(), static_cast<std::streamsize>(size));
  if (in.bad()) return FileFailure::kUnreadable;
  text.resize(static_cast<size_t>(in.gcount()));  // it shrank since its size was read
  // It grew meanwhile (a file being written): what was read may be cut anywhere.
  if (in && in.peek() != std::ifstream::traits_type::eof())
    return size == max_bytes ? FileFailure::kTooLarge : FileFailure::kUnreadable;
  return std::nullopt;
}

}  // namespace apiserver::text
