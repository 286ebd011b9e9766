// SplitMix64 and FNV-1a (see rng.hpp).
#include "mock/rng.hpp"

#include <limits>

namespace apiserver::mock {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rng::below(uint64_t n) {
  return n == 0 ? 0 : next() % n;
}

int64_t Rng::between(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  // Unsigned arithmetic: hi - lo may not fit in int64_t.
  uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  uint64_t offset = span == std::numeric_limits<uint64_t>::max() ? next() : below(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

uint64_t mix_seed(uint64_t a, uint64_t b) {
  Rng rng(a ^ (b * 0xD6E8FEB86659FD93ULL) ^ (b >> 29));
  return rng.next();
}

uint64_t hash_text(std::string_view text) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

}  // namespace apiserver::mock
