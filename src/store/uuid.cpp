#include "store/uuid.hpp"

#include <cstdint>

#include "store/secure_random.hpp"

namespace apiserver::store {

std::string random_uuid() {
  // Keys are cryptographically random: a client must not predict the key of another's row.
  uint8_t bytes[16];
  secure_random_bytes(bytes, sizeof bytes);
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 (9562) variant 10xx
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
  return out;
}

}  // namespace apiserver::store
