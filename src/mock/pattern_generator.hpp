// Builds strings that a regular expression (the `pattern` keyword) matches, for the mock data
// generator.
//
// The common subset of ECMA-262 / RE2 syntax is understood: literals, escapes (\d \w \s and
// their negations, \. \n \xHH \uHHHH \p{L} ...), character classes with ranges and negation,
// POSIX classes, `.`, groups (capturing, (?:...), named), alternation, the quantifiers
// ? * + {n} {n,} {n,m} (lazy forms too) and the anchors ^ $ \A \z. Lookaround and
// backreferences are refused: for such patterns the generator builds values by other means
// and the schema matcher keeps only those the validator's engine accepts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace apiserver::mock {

class PatternGenerator {
 public:
  // Parses `pattern`. When it uses a construct this generator does not know, ok() is false
  // and error() names it.
  explicit PatternGenerator(std::string_view pattern);
  ~PatternGenerator();
  PatternGenerator(const PatternGenerator&) = delete;
  PatternGenerator& operator=(const PatternGenerator&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // A UTF-8 string the pattern matches somewhere (patterns are unanchored unless they use
  // ^ / $, as in JSON Schema), aiming for a length in code points within
  // [min_length, max_length]; nullopt when the pattern cannot meet those bounds (or did not
  // parse). Callers still check the result against the real regex engine: \b and a few
  // alternation/repetition length combinations are approximated.
  std::optional<std::string> generate(uint64_t seed, size_t min_length, size_t max_length) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string error_;
};

}  // namespace apiserver::mock
