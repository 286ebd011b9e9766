// HTTP Basic users: "USER:HASH" lines whose hashes are bcrypt, argon2 or another crypt(5)
// method; plaintext is refused when the file is loaded.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace apiserver::auth {

class PasswordFile {
 public:
  // False with `error` (naming the line, never its hash) on a malformed line, a duplicate user
  // or a hash of no accepted method.
  bool load(const std::string& text, std::string& error);

  // True when `user` exists and `password` matches its hash. An unknown user still costs a
  // hash computation, so timing does not reveal which users exist.
  bool check(const std::string& user, const std::string& password) const;

  size_t size() const { return hashes_.size(); }

 private:
  std::unordered_map<std::string, std::string> hashes_;
  std::string decoy_;  // a hash checked for unknown users
  // bcrypt and argon2 are slow on purpose (tens of milliseconds, on an event loop): a pair
  // that matched is remembered for a while, by the SHA-256 of user and password only.
  static constexpr std::chrono::minutes kRemember{5};
  static constexpr size_t kMaxRemembered = 4096;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::chrono::steady_clock::time_point> remembered_;
};

}  // namespace apiserver::auth
