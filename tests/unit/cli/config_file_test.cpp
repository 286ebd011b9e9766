// Unit tests of apply_config_file: `name = value` lines fill only the options that neither the
// command line nor the environment gave, and every mistake in the file (a missing required
// file, an unknown setting, a section, a value its option refuses) is one message naming it.
#include "cli/config_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>
#include <vector>

#include "support/server_process.hpp"

namespace apiserver::cli {
namespace {

using apiserver::test::TempDir;
using apiserver::test::write_file;

constexpr const char* kPortVariable = "APISERVER_UNIT_CONFIG_PORT";

// Options shaped like those of the command line (cli.cpp), parsed from `args`.
struct Parsed {
  CLI::App app{"config file test"};
  std::string spec;
  std::string host = "127.0.0.1";
  int port = 8080;
  bool mock = false;
  std::string access_log = "json";
  std::string config;

  explicit Parsed(std::vector<std::string> args) {
    app.add_option("spec", spec);
    app.add_option("--host", host);
    app.add_option("--port", port)->envname(kPortVariable)->check(CLI::Range(0, 65535));
    app.add_flag("--mock", mock);
    app.add_option("--access-log", access_log)->check(CLI::IsMember({"json", "off"}));
    app.add_option("--config", config);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a stack
    app.parse(reversed);
  }
};

std::string apply(Parsed& parsed, const std::string& path, bool required = true) {
  std::optional<std::string> error = apply_config_file(parsed.app, path, required);
  return error ? *error : "<no error>";
}

TEST(ApplyConfigFile, FillsTheOptionsTheFileNames) {
  TempDir dir;
  const std::string path = write_file(dir, "apiserver.conf",
                                      "# serving\n"
                                      "\n"
                                      "spec = \"/srv/api.yaml\"\n"
                                      "host = \"0.0.0.0\"\n"
                                      "port = 9000\n"
                                      "mock = true\n"
                                      "access-log = \"off\"\n");
  Parsed parsed({});
  EXPECT_EQ(apply(parsed, path), "<no error>");
  EXPECT_EQ(parsed.spec, "/srv/api.yaml");
  EXPECT_EQ(parsed.host, "0.0.0.0");
  EXPECT_EQ(parsed.port, 9000);
  EXPECT_TRUE(parsed.mock);
  EXPECT_EQ(parsed.access_log, "off");
}

TEST(ApplyConfigFile, LeavesTheOptionsTheFileDoesNotName) {
  TempDir dir;
  const std::string path = write_file(dir, "apiserver.conf", "port = 9000\n");
  Parsed parsed({});
  EXPECT_EQ(apply(parsed, path), "<no error>");
  EXPECT_EQ(parsed.host, "127.0.0.1");
  EXPECT_EQ(parsed.access_log, "json");
  EXPECT_FALSE(parsed.mock);
}

TEST(ApplyConfigFile, GivesWayToTheCommandLine) {
  TempDir dir;
  const std::string path =
      write_file(dir, "apiserver.conf", "port = 9000\nhost = \"0.0.0.0\"\nspec = \"file.yaml\"\n");
  Parsed parsed({"--port", "7000", "flag.yaml"});
  EXPECT_EQ(apply(parsed, path), "<no error>");
  EXPECT_EQ(parsed.port, 7000);
  EXPECT_EQ(parsed.spec, "flag.yaml");
  EXPECT_EQ(parsed.host, "0.0.0.0") << "what the command line left open is still filled";
}

TEST(ApplyConfigFile, GivesWayToTheEnvironment) {
  TempDir dir;
  const std::string path = write_file(dir, "apiserver.conf", "port = 9000\n");
  ASSERT_EQ(setenv(kPortVariable, "7100", 1), 0);
  Parsed parsed({});
  unsetenv(kPortVariable);
  EXPECT_EQ(apply(parsed, path), "<no error>");
  EXPECT_EQ(parsed.port, 7100);
}

TEST(ApplyConfigFile, IgnoresAMissingFileUnlessItWasNamed) {
  TempDir dir;
  Parsed parsed({});
  EXPECT_EQ(apply(parsed, dir.file("absent.conf"), false), "<no error>");
  EXPECT_EQ(parsed.port, 8080);
  EXPECT_EQ(apply(parsed, dir.file("absent.conf"), true),
            dir.file("absent.conf") + ": no such file");
}

struct MistakeRow {
  const char* sentence;
  const char* contents;
  const char* error;  // after "<path>: "
};

TEST(ApplyConfigFile, NamesTheMistakeInAFile) {
  const MistakeRow rows[] = {
      {"an unknown setting is refused", "prot = 9000\n", "unknown setting 'prot'"},
      {"the file cannot name another file", "config = \"other.conf\"\n",
       "unknown setting 'config'"},
      {"the file cannot ask for help", "help = true\n", "unknown setting 'help'"},
      {"the file cannot ask for the version", "version = true\n", "unknown setting 'version'"},
      {"a section is refused", "[server]\nport = 9000\n",
       "sections are not used; 'server.port' is unknown"},
      {"a dotted name is a section and is refused", "server.port = 9000\n",
       "sections are not used; 'server.port' is unknown"},
      {"a port out of range is refused with the option's reason", "port = 70000\n",
       "port: --port: Value 70000 not in range 0 to 65535"},
      {"a port that is no number is refused", "port = \"high\"\n",
       "port: --port: Value high not in range 0 to 65535"},
      {"a value outside its set is refused", "access-log = \"verbose\"\n",
       "access-log: --access-log: verbose not in {json,off}"},
      {"the first mistake stops the reading", "prot = 1\nhots = 2\n", "unknown setting 'prot'"},
  };
  for (const MistakeRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    TempDir dir;
    const std::string path = write_file(dir, "apiserver.conf", row.contents);
    Parsed parsed({});
    EXPECT_EQ(apply(parsed, path), path + ": " + row.error);
  }
}

TEST(ApplyConfigFile, DoesNotReportAMistakeTheCommandLineOverrides) {
  TempDir dir;
  const std::string path = write_file(dir, "apiserver.conf", "port = 70000\n");
  Parsed parsed({"--port", "7000"});
  EXPECT_EQ(apply(parsed, path), "<no error>");
  EXPECT_EQ(parsed.port, 7000);
}

}  // namespace
}  // namespace apiserver::cli
