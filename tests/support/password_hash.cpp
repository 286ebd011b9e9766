#include "support/password_hash.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace apiserver::test {
namespace {

std::string argon2_hash(argon2_type type, std::string_view password) {
  constexpr uint32_t kTimeCost = 1;
  constexpr uint32_t kMemoryKiB = 1024;
  constexpr uint32_t kParallelism = 1;
  constexpr size_t kHashLength = 32;
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("argon2_hash: RAND_bytes");
  std::vector<char> encoded(
      argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, sizeof salt, kHashLength, type) + 1);
  int rc = argon2_hash(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(), salt,
                       sizeof salt, nullptr, kHashLength, encoded.data(), encoded.size(), type,
                       ARGON2_VERSION_13);
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

}  // namespace

std::string crypt_hash(std::string_view prefix, std::string_view password, unsigned long cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  const std::string prefix_text(prefix);
  // Null random bytes: libxcrypt draws them from the operating system.
  if (crypt_gensalt_rn(prefix_text.c_str(), cost, nullptr, 0, setting, sizeof setting) == nullptr)
    throw std::runtime_error("crypt_gensalt_rn failed for " + prefix_text);
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const std::string password_text(password);
  const char* hash = crypt_r(password_text.c_str(), setting, data.get());
  if (hash == nullptr || hash[0] == '*')
    throw std::runtime_error("crypt_r failed for " + prefix_text);
  return hash;
}

std::string bcrypt_hash(std::string_view password) {
  return crypt_hash("$2b$", password, 4);
}

std::string argon2id_hash(std::string_view password) {
  return argon2_hash(Argon2_id, password);
}

std::string argon2i_hash(std::string_view password) {
  return argon2_hash(Argon2_i, password);
}

}  // namespace apiserver::test
