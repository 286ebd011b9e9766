// Test-only password hashes for `x-apiserver-users` files: bcrypt, yescrypt and SHA-512 crypt
// through libxcrypt (crypt_gensalt_rn + crypt_r), argon2i and argon2id through libargon2.
// Costs are the lowest each method allows, so that tests stay fast; salts are random.
#pragma once

#include <string>
#include <string_view>

namespace apiserver::test {

// A crypt(5) hash of `password` for the method named by `prefix` ("$2b$", "$2a$", "$2y$",
// "$y$", "$6$"); `cost` 0 means the method's default. Throws std::runtime_error on failure.
std::string crypt_hash(std::string_view prefix, std::string_view password, unsigned long cost = 0);
// crypt_hash("$2b$", password, 4): bcrypt at its lowest cost.
std::string bcrypt_hash(std::string_view password);
// "$argon2id$v=19$m=1024,t=1,p=1$..." (and argon2i): small parameters, a 16-byte random salt.
std::string argon2id_hash(std::string_view password);
std::string argon2i_hash(std::string_view password);

}  // namespace apiserver::test
