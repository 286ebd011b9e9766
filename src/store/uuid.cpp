#include "store/uuid.hpp"

#include <random>

namespace apiserver::store {

std::string random_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  uint64_t hi = generator();
  uint64_t lo = generator();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out += kHex[(word >> shift) & 15];
  }
  return out;
}

}  // namespace apiserver::store
