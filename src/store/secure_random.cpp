#include "store/secure_random.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace apiserver::store {
namespace {

// 256 UUIDs' worth a refill: one RAND_bytes call per 4 KiB keeps the cost per key to a copy.
constexpr size_t kBufferBytes = 4096;

struct RandomBuffer {
  uint8_t bytes[kBufferBytes];
  size_t used = kBufferBytes;  // starts empty

  ~RandomBuffer() { OPENSSL_cleanse(bytes, sizeof bytes); }

  void refill() {
    if (RAND_bytes(bytes, static_cast<int>(sizeof bytes)) != 1)
      throw std::runtime_error("the system's random generator (OpenSSL RAND_bytes) failed");
    used = 0;
  }
};

}  // namespace

void secure_random_bytes(uint8_t* out, size_t size) {
  thread_local RandomBuffer buffer;
  while (size > 0) {
    if (buffer.used == kBufferBytes) buffer.refill();
    size_t take = std::min(size, kBufferBytes - buffer.used);
    std::memcpy(out, buffer.bytes + buffer.used, take);
    // Handed-out bytes are wiped, so the buffer never holds a key that was already given.
    OPENSSL_cleanse(buffer.bytes + buffer.used, take);
    buffer.used += take;
    out += take;
    size -= take;
  }
}

std::string secure_random_hex(size_t bytes) {
  static const char kHex[] = "0123456789abcdef";
  uint8_t chunk[32];
  std::string out;
  out.reserve(2 * bytes);
  while (bytes > 0) {
    size_t take = std::min(bytes, sizeof chunk);
    secure_random_bytes(chunk, take);
    for (size_t i = 0; i < take; ++i) {
      out += kHex[chunk[i] >> 4];
      out += kHex[chunk[i] & 15];
    }
    bytes -= take;
  }
  return out;
}

}  // namespace apiserver::store
