// Unit tests of entity-tags and the If-Match / If-None-Match checks (RFC 9110 section 13).
#include "pipeline/preconditions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::pipeline {
namespace {

TEST(EntityTag, IsTheRowVersionInHexQuotedAndZeroForARowWithoutOne) {
  model::Resource resource;
  resource.version_column = 1;
  store::Record record(2);
  record[1].integer = 0x4612fc8400b8f63aLL;
  record[1].indicator = soci::i_ok;
  EXPECT_EQ(entity_tag(record, resource), "\"4612fc8400b8f63a\"");
  record[1].indicator = soci::i_null;
  EXPECT_EQ(entity_tag(record, resource), "\"0\"");
  resource.version_column = -1;
  EXPECT_EQ(entity_tag(record, resource), "") << "no version, no tag";
}

TEST(IfMatch, HoldsForTheSameStrongTagOrAStarAndOnlyForAnExistingItem) {
  const std::string tag = "\"a1\"";
  std::string header;
  auto holds = [&](std::string h) {
    header = std::move(h);
    return if_match_holds(&header, tag);
  };
  EXPECT_TRUE(if_match_holds(nullptr, tag)) << "no header, no condition";
  EXPECT_TRUE(holds("\"a1\""));
  EXPECT_TRUE(holds("\"x\", \"a1\""));
  EXPECT_TRUE(holds(" \"x\",\t\"a1\" "));
  EXPECT_TRUE(holds("*"));
  EXPECT_FALSE(holds("\"a2\""));
  EXPECT_FALSE(holds("W/\"a1\"")) << "If-Match compares strongly";
  EXPECT_FALSE(holds("a1")) << "an unquoted tag is not the tag";
  EXPECT_FALSE(holds(""));
  header = "*";
  EXPECT_FALSE(if_match_holds(&header, "")) << "no current item: even * fails";
}

TEST(IfNoneMatch, FailsForAMatchingTagWeakOrStrongOrAStar) {
  const std::string tag = "\"a1\"";
  std::string header;
  auto proceeds = [&](std::string h) {
    header = std::move(h);
    return if_none_match_holds(&header, tag);
  };
  EXPECT_TRUE(if_none_match_holds(nullptr, tag));
  EXPECT_FALSE(proceeds("\"a1\""));
  EXPECT_FALSE(proceeds("W/\"a1\"")) << "If-None-Match compares weakly";
  EXPECT_FALSE(proceeds("\"x\", W/\"a1\""));
  EXPECT_FALSE(proceeds("*"));
  EXPECT_TRUE(proceeds("\"a2\""));
  EXPECT_TRUE(proceeds(",,"));
}

}  // namespace
}  // namespace apiserver::pipeline
