#include "auth/api_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <set>

namespace apiserver::auth {
namespace {

constexpr size_t kMinKeyLength = 16;

std::string trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}

}  // namespace

std::array<unsigned char, 32> sha256(const std::string& text) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up on every call.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_Digest(text.data(), text.size(), digest.data(), &length, kSha256, nullptr);
  return digest;
}

bool ApiKeys::load(const std::string& entries, std::string& error) {
  std::set<std::string> names;
  size_t start = 0;
  size_t index = 0;
  while (start <= entries.size()) {
    size_t end = entries.find_first_of(",\n", start);
    if (end == std::string::npos) end = entries.size();
    std::string entry = trim(entries.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) continue;
    ++index;
    size_t equals = entry.find('=');
    if (equals == std::string::npos || equals == 0) {
      error = "entry " + std::to_string(index) + " is not NAME=KEY";
      return false;
    }
    std::string name = trim(entry.substr(0, equals));
    std::string key = trim(entry.substr(equals + 1));
    if (key.size() < kMinKeyLength) {
      error = "the key named '" + name + "' is shorter than 16 characters";
      return false;
    }
    if (!names.insert(name).second) {
      error = "two keys are named '" + name + "'";
      return false;
    }
    keys_.push_back({name, sha256(key)});
  }
  if (keys_.empty()) {
    error = "no keys are given";
    return false;
  }
  return true;
}

std::optional<std::string> ApiKeys::find(const std::string& presented) const {
  const std::array<unsigned char, 32> digest = sha256(presented);
  const Entry* found = nullptr;
  for (const Entry& entry : keys_) {
    bool equal = CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0;
    if (equal && found == nullptr) found = &entry;
  }
  if (found == nullptr) return std::nullopt;
  return found->name;
}

}  // namespace apiserver::auth
