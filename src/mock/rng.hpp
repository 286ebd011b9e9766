// The small deterministic PRNG of the mock data generators, and the hashing that turns schema
// locations into seeds: equal inputs give byte-identical output on every run and platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace apiserver::mock {

// SplitMix64: tiny, fast and fully determined by its seed (no std::random_device).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, n); 0 when n is 0.
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi] (inclusive); lo when hi < lo.
  int64_t between(int64_t lo, int64_t hi);
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  uint64_t state_;
};

// Mixes two 64-bit values into one seed (order matters).
uint64_t mix_seed(uint64_t a, uint64_t b);
// FNV-1a of `text`: stable across runs and platforms.
uint64_t hash_text(std::string_view text);

// One of `options`, uniformly.
template <typename T, size_t N>
const T& pick(const T (&options)[N], Rng& rng) {
  return options[rng.below(N)];
}

}  // namespace apiserver::mock
