// testing_on_postgres, database_for, with_test_database (see test_database.hpp).
#include "support/test_database.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "support/scratch_postgres.hpp"

namespace apiserver::test {
namespace {

bool is_database_url(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

// In the PostgreSQL mode, starts the scratch cluster before the first test, from the main thread
// (its parent-death signal follows the thread that started it; a test might start its first
// server from another one).
class StartPostgresFirst : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!testing_on_postgres()) return;
    if (!ScratchPostgres::available()) {
      throw std::runtime_error(std::string("APISERVER_TEST_DATABASE=postgresql: ") +
                               ScratchPostgres::kMissing);
    }
    ScratchPostgres::instance();
  }
};
[[maybe_unused]] ::testing::Environment* const kStartPostgresFirst =
    ::testing::AddGlobalTestEnvironment(new StartPostgresFirst);

}  // namespace

bool testing_on_postgres() {
  static const bool on = [] {
    const char* chosen = std::getenv("APISERVER_TEST_DATABASE");
    return chosen != nullptr && std::string_view(chosen) == "postgresql";
  }();
  return on;
}

std::string database_for(const std::string& location) {
  if (!testing_on_postgres()) return location;
  if (location.empty() || location == ":memory:" || is_database_url(location)) return location;
  static std::mutex mutex;
  static std::map<std::string, std::string> databases;  // SQLite path -> database URL
  std::lock_guard<std::mutex> lock(mutex);
  auto found = databases.find(location);
  if (found != databases.end()) return found->second;
  if (!ScratchPostgres::available()) {
    throw std::runtime_error(std::string("APISERVER_TEST_DATABASE=postgresql: ") +
                             ScratchPostgres::kMissing);
  }
  const std::string url = ScratchPostgres::instance().new_database();
  databases.emplace(location, url);
  return url;
}

std::vector<std::string> with_test_database(std::vector<std::string> args) {
  if (!testing_on_postgres()) return args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--db" && i + 1 < args.size()) {
      args[i + 1] = database_for(args[i + 1]);
      ++i;
    } else if (args[i].rfind("--db=", 0) == 0) {
      args[i] = "--db=" + database_for(args[i].substr(5));
    }
  }
  return args;
}

}  // namespace apiserver::test
