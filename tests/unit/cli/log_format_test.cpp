// Unit tests of install_logger: server messages on standard error as plain text or as one JSON
// object a line (time, level, msg, the message escaped), and the level that filters them.
#include "cli/log_format.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "unit/cli/default_logger_guard.hpp"

namespace apiserver::cli {
namespace {

using nlohmann::json;

// The lines `log` wrote to standard error after install_logger(format, level).
template <typename Log>
std::vector<std::string> stderr_lines(const std::string& format, const std::string& level,
                                      Log&& log) {
  testing::DefaultLoggerGuard guard;
  ::testing::internal::CaptureStderr();
  install_logger(format, level);
  log();
  spdlog::default_logger()->flush();
  std::istringstream text(::testing::internal::GetCapturedStderr());
  std::vector<std::string> lines;
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  return lines;
}

TEST(InstallLogger, WritesOneJsonObjectALineWithTimeLevelAndMessage) {
  std::vector<std::string> lines =
      stderr_lines("json", "info", [] { spdlog::info("listening on {}:{}", "127.0.0.1", 8080); });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info",)"
                           R"("msg":"listening on 127\.0\.0\.1:8080"\})")))
      << lines[0];
}

struct LevelRow {
  const char* sentence;
  const char* level;
  std::vector<std::string> levels_written;
};

TEST(InstallLogger, WritesOnlyMessagesAtOrAboveTheLevel) {
  const LevelRow rows[] = {
      {"info shows info, warnings and errors", "info", {"info", "warning", "error"}},
      {"warn hides info", "warn", {"warning", "error"}},
      {"error shows errors only", "error", {"error"}},
      {"debug shows debug messages too", "debug", {"debug", "info", "warning", "error"}},
      {"off shows nothing", "off", {}},
  };
  for (const LevelRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    std::vector<std::string> lines = stderr_lines("json", row.level, [] {
      spdlog::trace("t");
      spdlog::debug("d");
      spdlog::info("i");
      spdlog::warn("w");
      spdlog::error("e");
    });
    std::vector<std::string> levels;
    for (const std::string& line : lines) levels.push_back(json::parse(line).at("level"));
    EXPECT_EQ(levels, row.levels_written);
  }
}

struct EscapeRow {
  const char* sentence;
  std::string message;
  std::string msg;  // what the JSON line's msg holds once parsed
};

TEST(InstallLogger, EscapesTheMessageSoEveryLineIsJson) {
  const EscapeRow rows[] = {
      {"quotes and backslashes are escaped", R"(say "hi" \ bye)", R"(say "hi" \ bye)"},
      {"a newline stays inside the one line", "two\nlines", "two\nlines"},
      {"control characters are escaped", std::string("nul\x01tab\t"), "nul\x01tab\t"},
      {"UTF-8 is kept", "caf\xC3\xA9", "caf\xC3\xA9"},
      {"invalid UTF-8 is replaced, not thrown", "bad \xFF byte", "bad \xEF\xBF\xBD byte"},
  };
  for (const EscapeRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    std::vector<std::string> lines =
        stderr_lines("json", "info", [&] { spdlog::warn("{}", row.message); });
    ASSERT_EQ(lines.size(), 1u);
    json line = json::parse(lines[0]);
    EXPECT_EQ(line.at("level"), "warning");
    EXPECT_EQ(line.at("msg"), row.msg);
  }
}

TEST(InstallLogger, WritesPlainTextWithTheLevelByDefault) {
  std::vector<std::string> lines = stderr_lines("text", "info", [] {
    spdlog::debug("hidden");
    spdlog::warn("database {} is busy", "todo.db");
  });
  ASSERT_EQ(lines.size(), 1u);
  // Not a terminal: no colour codes around the level.
  EXPECT_TRUE(std::regex_match(
      lines[0], std::regex(R"(\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[apiserver\] )"
                           R"(\[warning\] database todo\.db is busy)")))
      << lines[0];
}

TEST(InstallLogger, MakesTheApiserverLoggerTheDefault) {
  testing::DefaultLoggerGuard guard;
  install_logger("text", "warn");
  EXPECT_EQ(spdlog::default_logger()->name(), "apiserver");
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
}

}  // namespace
}  // namespace apiserver::cli
