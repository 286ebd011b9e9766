#include "auth/password_file.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>

#include <cstring>
#include <memory>

#include "auth/api_keys.hpp"

namespace apiserver::auth {
namespace {

bool is_argon2(const std::string& hash) {
  return hash.rfind("$argon2id$", 0) == 0 || hash.rfind("$argon2i$", 0) == 0 ||
         hash.rfind("$argon2d$", 0) == 0;
}

bool is_crypt_method(const std::string& hash) {
  for (const char* prefix : {"$2a$", "$2b$", "$2y$", "$y$", "$gy$", "$7$", "$6$", "$5$"}) {
    if (hash.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

bool crypt_matches(const std::string& hash, const std::string& password) {
  // crypt_data is large (~32 KiB): keep it off the event loop's stack.
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (computed == nullptr || computed[0] == '*') return false;
  size_t length = std::strlen(computed);
  return length == hash.size() && CRYPTO_memcmp(computed, hash.data(), length) == 0;
}

bool argon2_matches(const std::string& hash, const std::string& password) {
  argon2_type type = hash.rfind("$argon2id$", 0) == 0  ? Argon2_id
                     : hash.rfind("$argon2i$", 0) == 0 ? Argon2_i
                                                       : Argon2_d;
  return argon2_verify(hash.c_str(), password.data(), password.size(), type) == ARGON2_OK;
}

bool matches(const std::string& hash, const std::string& password) {
  return is_argon2(hash) ? argon2_matches(hash, password) : crypt_matches(hash, password);
}

}  // namespace

bool PasswordFile::load(const std::string& text, std::string& error) {
  size_t start = 0;
  size_t line_number = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    // CR of CRLF files and trailing blanks: no hash holds them, and a line of spaces is blank.
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      error = "line " + std::to_string(line_number) + " is not USER:HASH";
      return false;
    }
    std::string user = line.substr(0, colon);
    std::string hash = line.substr(colon + 1);
    if (!is_argon2(hash) && !is_crypt_method(hash)) {
      error = "line " + std::to_string(line_number) + " (user " + user +
              "): the password is not a bcrypt, argon2 or crypt(5) hash; plaintext passwords "
              "are refused";
      return false;
    }
    if (!hashes_.emplace(user, hash).second) {
      error = "user " + user + " appears twice";
      return false;
    }
    if (decoy_.empty()) decoy_ = hash;
  }
  if (hashes_.empty()) {
    error = "no users are given";
    return false;
  }
  return true;
}

bool PasswordFile::check(const std::string& user, const std::string& password) const {
  auto it = hashes_.find(user);
  if (it == hashes_.end()) {
    matches(decoy_, password);
    return false;
  }
  const std::array<unsigned char, 32> digest = sha256(user + '\0' + password);
  const std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = remembered_.find(key);
    if (found != remembered_.end()) {
      if (now < found->second) return true;
      remembered_.erase(found);
    }
  }
  if (!matches(it->second, password)) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  if (remembered_.size() >= kMaxRemembered) remembered_.clear();
  remembered_[key] = now + kRemember;
  return true;
}

}  // namespace apiserver::auth
