// The syntax tree of a `pattern` as the pattern generator reads it (see pattern_generator.hpp):
// pattern_parser.cpp builds it, pattern_generator.cpp walks it to build matching strings.
// Internal to mock/.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace apiserver::mock::detail {

// "Unbounded", for repetition counts and lengths; small enough that sums do not overflow.
constexpr size_t kInf = std::numeric_limits<size_t>::max() / 4;

struct CharRange {
  char32_t lo;
  char32_t hi;
};

using Ranges = std::vector<CharRange>;

inline const Ranges kDigits = {{'0', '9'}};
inline const Ranges kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
inline const Ranges kAlnum = {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}};
inline const Ranges kLetters = {{'A', 'Z'}, {'a', 'z'}};
inline const Ranges kSpace = {{'\t', '\r'}, {' ', ' '}};

// One piece of the parsed pattern; children always have smaller indices than their parents.
struct PatternNode {
  enum class Kind { kEmpty, kChars, kConcat, kAlternate, kRepeat, kStart, kEnd };
  Kind kind = Kind::kEmpty;
  Ranges ranges;                 // kChars: the characters it may produce
  std::vector<size_t> children;  // kConcat, kAlternate; kRepeat has one
  size_t min_count = 0;          // kRepeat
  size_t max_count = 0;          // kRepeat; kInf when unbounded
  size_t min_len = 0;
  size_t max_len = 0;
};

// Parses `pattern` into `nodes` (children before their parents) and sets `root` to the index
// of the whole pattern. Returns what the generator does not support when the pattern uses it
// (nodes then hold a partial tree), nullopt on success. Node lengths are left to the caller.
std::optional<std::string> parse_pattern(const std::u32string& pattern,
                                         std::vector<PatternNode>& nodes, size_t& root);

}  // namespace apiserver::mock::detail
