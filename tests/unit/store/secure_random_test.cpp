// Unit tests of the cryptographic random source behind keys and request ids: UUIDs keep the
// version 4 and 10xx variant bits and never repeat; bytes and hex look uniformly random.
#include "store/secure_random.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/uuid.hpp"

namespace apiserver::store {
namespace {

uint8_t hex_value(char c) {
  return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

TEST(SecureRandomUuid, HasVersion4AndVariant10xxInEveryDraw) {
  // More draws than one buffer holds, so refills are crossed too.
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string uuid = random_uuid();
    ASSERT_EQ(uuid.size(), 36u);
    ASSERT_EQ(uuid[14], '4') << uuid;                   // version nibble
    ASSERT_EQ(hex_value(uuid[19]) & 0xc, 0x8) << uuid;  // variant bits 10xx
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(SecureRandomUuid, LeavesTheOther122BitsRandom) {
  // Every free bit is seen both set and clear over a few hundred draws (a stuck bit would
  // show); the fixed ones never change.
  std::array<int, 32> ones_per_digit_bit[4] = {};
  const int draws = 400;
  for (int i = 0; i < draws; ++i) {
    std::string uuid = random_uuid();
    std::string digits;
    for (char c : uuid)
      if (c != '-') digits += c;
    for (int bit = 0; bit < 4; ++bit)
      for (int d = 0; d < 32; ++d) ones_per_digit_bit[bit][d] += (hex_value(digits[d]) >> bit) & 1;
  }
  for (int d = 0; d < 32; ++d) {
    for (int bit = 0; bit < 4; ++bit) {
      int ones = ones_per_digit_bit[bit][d];
      bool fixed = d == 12 || (d == 16 && bit >= 2);
      if (fixed) continue;
      EXPECT_GT(ones, draws / 4) << "digit " << d << " bit " << bit;
      EXPECT_LT(ones, 3 * draws / 4) << "digit " << d << " bit " << bit;
    }
  }
}

TEST(SecureRandomUuid, NeverRepeatsAcrossThreads) {
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread)
    threads.emplace_back([&out] {
      for (int i = 0; i < 3000; ++i) out.push_back(random_uuid());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : per_thread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 12000u);
}

TEST(SecureRandomBytes, FillsRequestsLargerThanTheBuffer) {
  std::vector<uint8_t> first(10000, 0);
  std::vector<uint8_t> second(10000, 0);
  secure_random_bytes(first.data(), first.size());
  secure_random_bytes(second.data(), second.size());
  EXPECT_NE(first, second);
  // Each byte value is expected about 39 times in 10000 bytes; none missing says it is filled.
  std::set<uint8_t> values(first.begin(), first.end());
  EXPECT_EQ(values.size(), 256u);
}

TEST(SecureRandomHex, IsLowerCaseHexOfTheAskedLengthAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = secure_random_hex(16);
    ASSERT_EQ(id.size(), 32u);
    ASSERT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 2000u);
  EXPECT_EQ(secure_random_hex(40).size(), 80u);
  EXPECT_EQ(secure_random_hex(0), "");
}

}  // namespace
}  // namespace apiserver::store
