// Unit tests of slug_of: the keys titles make for URLs.
#include "text/slug.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::text {
namespace {

TEST(Slug, LowerCasesWordsAndJoinsThemWithOneDash) {
  EXPECT_EQ(slug_of("How to Train Your Dragon"), "how-to-train-your-dragon");
  EXPECT_EQ(slug_of("  C++ -- the   Good Parts! "), "c-the-good-parts");
  EXPECT_EQ(slug_of("Release 2.0"), "release-2-0");
}

TEST(Slug, KeepsLettersOfOtherScriptsAsTheyAre) {
  EXPECT_EQ(slug_of("Crème Brûlée"), "crème-brûlée");
  EXPECT_EQ(slug_of("東京 2024"), "東京-2024");
}

TEST(Slug, IsEmptyWithoutALetterOrDigit) {
  EXPECT_EQ(slug_of(""), "");
  EXPECT_EQ(slug_of("!!! ... ???"), "");
  EXPECT_EQ(slug_of(std::string("\xff\xfe", 2)), "") << "malformed UTF-8 separates, never kept";
  EXPECT_EQ(slug_of(std::string("a\xff"
                                "b",
                                3)),
            "a-b");
}

TEST(Slug, StopsAtTheLengthLimitOnACharacterBoundary) {
  const std::string words(200, 'a');
  EXPECT_EQ(slug_of(words).size(), kMaxSlugBytes);
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";  // two bytes each
  const std::string slug = slug_of("x" + accents);
  EXPECT_LE(slug.size(), kMaxSlugBytes);
  EXPECT_EQ(slug.size() % 2, 1u) << "never half of a character";
  EXPECT_EQ(slug_of(std::string(95, 'a') + " b").size(), 95u) << "no dash left dangling";
}

}  // namespace
}  // namespace apiserver::text
