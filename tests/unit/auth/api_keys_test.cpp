// Unit tests of API keys: parsing NAME=KEY entries and finding a presented key's name.
#include "auth/api_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::auth {
namespace {

constexpr char kCiKey[] = "3f9a0c1d2e4b5a6978";
constexpr char kAliceKey[] = "77c1aa55bb66cc77dd88";
constexpr char kBobKey[] = "0123456789abcdef";  // exactly 16 characters

std::string hex(const std::array<unsigned char, 32>& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest) {
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

TEST(ApiKeysSha256, MatchesFips180Vectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeys, LoadsCommaSeparatedEntries) {
  ApiKeys keys;
  std::string error;
  ASSERT_TRUE(keys.load(std::string("ci=") + kCiKey + ",alice=" + kAliceKey, error)) << error;
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.find(kCiKey), "ci");
  EXPECT_EQ(keys.find(kAliceKey), "alice");
}

TEST(ApiKeys, LoadsNewlineSeparatedEntriesWithSpacesAndBlankLines) {
  ApiKeys keys;
  std::string error;
  const std::string text = std::string("\n  ci = ") + kCiKey + "  \r\n\n\talice=" + kAliceKey +
                           "\t,\n , bob=" + kBobKey + ",\n";
  ASSERT_TRUE(keys.load(text, error)) << error;
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys.find(kCiKey), "ci");
  EXPECT_EQ(keys.find(kAliceKey), "alice");
  EXPECT_EQ(keys.find(kBobKey), "bob");
}

TEST(ApiKeys, SplitsAnEntryAtItsFirstEqualsSign) {
  ApiKeys keys;
  std::string error;
  ASSERT_TRUE(keys.load("ci=abc=def==0123456789", error)) << error;
  EXPECT_EQ(keys.find("abc=def==0123456789"), "ci");
  EXPECT_EQ(keys.find("def==0123456789"), std::nullopt);
}

TEST(ApiKeys, FindsOnlyTheExactKey) {
  ApiKeys keys;
  std::string error;
  ASSERT_TRUE(keys.load(std::string("ci=") + kCiKey, error)) << error;
  const std::string key = kCiKey;
  EXPECT_EQ(keys.find(key), "ci");
  EXPECT_EQ(keys.find(""), std::nullopt);
  EXPECT_EQ(keys.find(key.substr(0, key.size() - 1)), std::nullopt);
  EXPECT_EQ(keys.find(key + "0"), std::nullopt);
  EXPECT_EQ(keys.find(" " + key), std::nullopt);
  EXPECT_EQ(keys.find("ci"), std::nullopt);  // a name is not a key
  EXPECT_EQ(keys.find("ci=" + key), std::nullopt);
  std::string upper = key;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(keys.find(upper), std::nullopt);
}

TEST(ApiKeys, RefusesAKeyShorterThan16Characters) {
  ApiKeys keys;
  std::string error;
  const std::string short_key = "0123456789abcde";  // 15
  EXPECT_FALSE(keys.load(std::string("ci=") + kCiKey + ",bob=" + short_key, error));
  EXPECT_EQ(error, "the key named 'bob' is shorter than 16 characters");
  EXPECT_EQ(error.find(short_key), std::string::npos);
  // Spaces around the key do not count towards its length.
  ApiKeys padded;
  EXPECT_FALSE(padded.load("bob=  " + short_key + "  ", error));
  EXPECT_EQ(error, "the key named 'bob' is shorter than 16 characters");
  ApiKeys empty;
  EXPECT_FALSE(empty.load("bob=", error));
  EXPECT_EQ(error, "the key named 'bob' is shorter than 16 characters");
}

TEST(ApiKeys, RefusesDuplicateNames) {
  ApiKeys keys;
  std::string error;
  EXPECT_FALSE(
      keys.load(std::string("ci=") + kCiKey + "\nalice=" + kAliceKey + "\n ci =" + kBobKey, error));
  EXPECT_EQ(error, "two keys are named 'ci'");
  for (const char* key : {kCiKey, kAliceKey, kBobKey})
    EXPECT_EQ(error.find(key), std::string::npos) << error;
}

TEST(ApiKeys, RefusesAMalformedEntryWithoutQuotingIt) {
  std::string error;
  ApiKeys no_equals;
  // A key pasted without its name: the error counts entries, never quotes one.
  EXPECT_FALSE(no_equals.load(std::string("ci=") + kCiKey + ",\n" + kAliceKey, error));
  EXPECT_EQ(error, "entry 2 is not NAME=KEY");
  ApiKeys no_name;
  EXPECT_FALSE(no_name.load(std::string("=") + kCiKey, error));
  EXPECT_EQ(error, "entry 1 is not NAME=KEY");
  ApiKeys spaces_only_name;
  EXPECT_FALSE(spaces_only_name.load(std::string("  =") + kCiKey, error));
  EXPECT_EQ(error, "entry 1 is not NAME=KEY");
  EXPECT_EQ(error.find(kCiKey), std::string::npos);
}

TEST(ApiKeys, RefusesAnEmptyList) {
  for (const char* text : {"", ",", "\n\n", " , \n ,\r\n"}) {
    ApiKeys keys;
    std::string error;
    EXPECT_FALSE(keys.load(text, error)) << text;
    EXPECT_EQ(error, "no keys are given");
  }
}

}  // namespace
}  // namespace apiserver::auth
