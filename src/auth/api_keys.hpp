// API keys by name, kept only as SHA-256 digests and compared in constant time.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace apiserver::auth {

class ApiKeys {
 public:
  // Parses "NAME=KEY" entries separated by commas or newlines. False with `error` (never
  // quoting a key) on a malformed entry, a duplicate name, or a key under 16 characters.
  bool load(const std::string& entries, std::string& error);

  // The name of the key equal to `presented`, or nullopt. Every stored digest is compared,
  // so the time taken does not depend on which key matched.
  std::optional<std::string> find(const std::string& presented) const;

  size_t size() const { return keys_.size(); }

 private:
  struct Entry {
    std::string name;
    std::array<unsigned char, 32> digest;
  };
  std::vector<Entry> keys_;
};

std::array<unsigned char, 32> sha256(const std::string& text);

}  // namespace apiserver::auth
