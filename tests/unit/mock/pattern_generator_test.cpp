// PatternGenerator and Rng: strings built from a `pattern` match it (by RE2, the engine the
// validator uses) within the length bounds, unsupported or malformed patterns are refused with
// a reason, and the PRNG is fully determined by its seed.
#include "mock/pattern_generator.hpp"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mock/rng.hpp"
#include "text/utf8.hpp"

namespace apiserver::mock {
namespace {

TEST(PatternGenerator, BuildsMatchingStringsWithinLengthBounds) {
  const std::vector<std::string> patterns = {
      "^[a-z]+$",       "\\d{3}-\\d{4}",   "^(foo|bar)+baz?$",  "[[:alpha:]]{3,}", "caf\xC3\xA9+",
      "^#[0-9a-f]{6}$", "(a|bc|def){2,4}", "\\x{1F600}\\x{e9}", "[^a-z]{4}"};
  const std::vector<std::pair<size_t, size_t>> bounds = {{0, 1000}, {3, 10}, {20, 40}};
  for (const std::string& pattern : patterns) {
    PatternGenerator generator(pattern);
    ASSERT_TRUE(generator.ok()) << pattern << ": " << generator.error();
    re2::RE2 regex(pattern);
    ASSERT_TRUE(regex.ok()) << pattern;
    for (uint64_t seed = 0; seed < 4; ++seed) {
      for (auto [min_length, max_length] : bounds) {
        std::optional<std::string> text = generator.generate(seed, min_length, max_length);
        if (!text) continue;  // some bounds cannot be met (an anchored fixed-length pattern)
        EXPECT_TRUE(text::is_valid_utf8(*text)) << pattern;
        EXPECT_TRUE(re2::RE2::PartialMatch(*text, regex)) << pattern << " -> " << *text;
        size_t length = text::code_point_count(*text);
        EXPECT_GE(length, min_length) << pattern << " -> " << *text;
        EXPECT_LE(length, max_length) << pattern << " -> " << *text;
      }
    }
  }
}

TEST(PatternGenerator, EncodesNonAsciiCodePointsAsUtf8) {
  PatternGenerator generator("^\xC3\xA9{3}$");
  ASSERT_TRUE(generator.ok()) << generator.error();
  EXPECT_EQ(generator.generate(1, 0, 100), std::optional<std::string>("\xC3\xA9\xC3\xA9\xC3\xA9"));
}

TEST(PatternGenerator, RefusesPatternsThatAreNotUtf8) {
  // An overlong "/", an encoded surrogate and a stray continuation byte.
  for (const std::string pattern : {"a\xC0\xAF"
                                    "b",
                                    "\xED\xA0\x80", "\xFF"}) {
    PatternGenerator generator(pattern);
    EXPECT_FALSE(generator.ok());
    EXPECT_EQ(generator.error(), "the pattern is not UTF-8");
    EXPECT_EQ(generator.generate(0, 0, 10), std::nullopt);
  }
}

TEST(PatternGenerator, NamesTheConstructItDoesNotSupport) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"(?=x)", "lookahead"},        {"(?<!x)y", "lookbehind"},
      {"(a)\\1", "a backreference"}, {"a{3,2}", "a repetition {n,m} with m < n"},
      {"(ab", "a missing ')'"},      {"*a", "a quantifier with nothing to repeat"},
  };
  for (const auto& [pattern, error] : cases) {
    PatternGenerator generator(pattern);
    EXPECT_FALSE(generator.ok()) << pattern;
    EXPECT_EQ(generator.error(), error) << pattern;
  }
}

TEST(PatternGenerator, SameSeedSameString) {
  PatternGenerator generator("[a-z0-9]{5,20}");
  ASSERT_TRUE(generator.ok());
  EXPECT_EQ(generator.generate(42, 0, 100), generator.generate(42, 0, 100));
}

TEST(MockRng, IsDeterminedBySeedAndStaysInRange) {
  Rng a(7);
  Rng b(7);
  for (int i = 0; i < 100; ++i) {
    int64_t value = a.between(-3, 3);
    EXPECT_EQ(value, b.between(-3, 3));
    EXPECT_GE(value, -3);
    EXPECT_LE(value, 3);
    EXPECT_LT(a.below(10), 10u);
    b.below(10);
  }
  EXPECT_EQ(a.below(0), 0u);
  EXPECT_EQ(a.between(5, 1), 5);
  EXPECT_NE(mix_seed(1, 2), mix_seed(2, 1));
  EXPECT_EQ(hash_text("abc"), hash_text("abc"));
  EXPECT_NE(hash_text("abc"), hash_text("abd"));
}

}  // namespace
}  // namespace apiserver::mock
