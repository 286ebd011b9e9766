// Realistic values suggested by property names ("email", "createdAt", "age", ...) for the mock
// value generator. Internal to mock/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "mock/rng.hpp"

namespace apiserver::mock::detail {

// A realistic string for a property called `name` (a plain word when the name suggests none).
std::string hint_string(const std::string& name, Rng& rng);
// The range of integers realistic for a property called `name`.
std::pair<int64_t, int64_t> integer_hint(const std::string& name);
// The range of numbers realistic for a property called `name`.
std::pair<double, double> number_hint(const std::string& name);

// One of a few sample words.
const char* random_word(Rng& rng);
// `digits` random lower-case hexadecimal digits.
std::string hex(Rng& rng, size_t digits);
// Cuts or pads ASCII `text` to a length in [min_len, max_len] (code points).
std::string fit_length(std::string text, size_t min_len, size_t max_len);

}  // namespace apiserver::mock::detail
