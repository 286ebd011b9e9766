// Unit tests of random UUID generation.
#include "store/uuid.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace apiserver::store {
namespace {

TEST(RandomUuid, IsALowerCaseVersion4Rfc4122Uuid) {
  const std::regex pattern("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 1000; ++i) {
    std::string uuid = random_uuid();
    ASSERT_TRUE(std::regex_match(uuid, pattern)) << uuid;
  }
}

TEST(RandomUuid, NeverRepeatsAcrossThreads) {
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread)
    threads.emplace_back([&out] {
      for (int i = 0; i < 2000; ++i) out.push_back(random_uuid());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : per_thread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 8000u);
}

}  // namespace
}  // namespace apiserver::store
