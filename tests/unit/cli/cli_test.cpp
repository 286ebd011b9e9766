// Unit tests of the command line (cli::run) in this process, for everything that does not
// serve: --version and --help, usage errors and their exit code 2, options checked from the
// environment and the settings file, and the routes and validate commands. Serving is tested
// end to end (tests/e2e/cli_test.cpp), as it blocks signals and listens.
#include "cli/cli.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/server_process.hpp"
#include "unit/cli/default_logger_guard.hpp"

namespace apiserver::cli {
namespace {

using apiserver::test::TempDir;
using apiserver::test::write_file;

// Every variable the command line reads.
const char* const kVariables[] = {
    "APISERVER_SPEC",      "APISERVER_HOST",       "APISERVER_PORT",   "APISERVER_DB",
    "APISERVER_THREADS",   "APISERVER_MAX_BODY",   "APISERVER_MOCK",   "APISERVER_ACCESS_LOG",
    "APISERVER_LOG_LEVEL", "APISERVER_LOG_FORMAT", "APISERVER_CONFIG",
};

const char* const kTodoDocument = R"(openapi: 3.0.3
info: {title: Todos, version: '1'}
paths:
  /todos:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Todo'}}
    post:
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: '#/components/schemas/Todo'}}
      responses:
        '201':
          description: made
          content:
            application/json: {schema: {$ref: '#/components/schemas/Todo'}}
  /health:
    get:
      responses:
        '200': {description: ok}
components:
  schemas:
    Todo:
      type: object
      required: [title]
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string}
)";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the command line with a clean environment: no APISERVER_* variable but APISERVER_CONFIG,
// naming an empty settings file, so that a file in /etc cannot change what is tested.
class CommandLine : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kVariables) {
      if (const char* value = getenv(name)) saved_[name] = value;
      unsetenv(name);
    }
    setenv("APISERVER_CONFIG", write_file(dir_, "empty.conf", "").c_str(), 1);
  }
  void TearDown() override {
    for (const char* name : kVariables) unsetenv(name);
    for (const auto& [name, value] : saved_) setenv(name.c_str(), value.c_str(), 1);
  }

  Outcome run_with(std::vector<std::string> args) {
    args.insert(args.begin(), "apiserver");
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    testing::DefaultLoggerGuard guard;
    Outcome outcome;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    outcome.exit_code = run(static_cast<int>(args.size()), argv.data());
    outcome.err = ::testing::internal::GetCapturedStderr();
    outcome.out = ::testing::internal::GetCapturedStdout();
    return outcome;
  }

  std::string write(const std::string& name, const std::string& contents) {
    return write_file(dir_, name, contents);
  }

  TempDir dir_;
  std::map<std::string, std::string> saved_;
};

TEST_F(CommandLine, PrintsTheVersion) {
  Outcome o = run_with({"--version"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, std::string("apiserver ") + APISERVER_VERSION + "\n");
  EXPECT_EQ(o.err, "");
}

TEST_F(CommandLine, PrintsHelpWithTheCommandsAndOptions) {
  Outcome o = run_with({"--help"});
  EXPECT_EQ(o.exit_code, 0);
  for (const char* expected :
       {"apiserver SPEC            serve the document", "apiserver routes SPEC",
        "apiserver validate SPEC", "--port", "--log-format", "--config", "APISERVER_PORT"})
    EXPECT_NE(o.out.find(expected), std::string::npos) << expected << " in\n" << o.out;
  EXPECT_EQ(o.err, "");
}

struct UsageRow {
  const char* sentence;
  std::vector<std::string> args;
  std::map<std::string, std::string> environment;
  const char* err;
};

TEST_F(CommandLine, RefusesBadUsageWithExitCode2) {
  const UsageRow rows[] = {
      {"an unknown option is refused",
       {"--nope", "api.yaml"},
       {},
       "The following argument was not expected: --nope\n"
       "Run with --help for more information.\n"},
      {"a port out of range is refused",
       {"--port", "70000", "api.yaml"},
       {},
       "--port: Value 70000 not in range 0 to 65535\nRun with --help for more information.\n"},
      {"a port that is no number is refused",
       {"--port", "eighty", "api.yaml"},
       {},
       "--port: Value eighty not in range 0 to 65535\nRun with --help for more information.\n"},
      {"too many threads are refused",
       {"--threads", "257", "api.yaml"},
       {},
       "--threads: Value 257 not in range 0 to 256\nRun with --help for more information.\n"},
      {"an unknown log level is refused",
       {"--log-level", "loud", "api.yaml"},
       {},
       "--log-level: loud not in {trace,debug,info,warn,error,off}\n"
       "Run with --help for more information.\n"},
      {"an unknown log format is refused",
       {"--log-format", "xml", "api.yaml"},
       {},
       "--log-format: xml not in {text,json}\nRun with --help for more information.\n"},
      {"an unknown access log is refused",
       {"--access-log", "csv", "api.yaml"},
       {},
       "--access-log: csv not in {json,off}\nRun with --help for more information.\n"},
      {"a variable is checked like its option",
       {"api.yaml"},
       {{"APISERVER_LOG_LEVEL", "loud"}},
       "--log-level: loud not in {trace,debug,info,warn,error,off}\n"
       "Run with --help for more information.\n"},
      {"a subcommand needs its SPEC",
       {"validate"},
       {},
       "spec is required\nRun with --help for more information.\n"},
      {"one subcommand at a time",
       {"routes", "a.yaml", "validate", "b.yaml"},
       {},
       "The following argument was not expected: b.yaml\n"
       "Run with --help for more information.\n"},
  };
  for (const UsageRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    for (const auto& [name, value] : row.environment) setenv(name.c_str(), value.c_str(), 1);
    Outcome o = run_with(row.args);
    for (const auto& [name, value] : row.environment) unsetenv(name.c_str());
    EXPECT_EQ(o.exit_code, 2);
    EXPECT_EQ(o.err, row.err);
    EXPECT_EQ(o.out, "");
  }
}

TEST_F(CommandLine, AsksForTheDocumentToServe) {
  Outcome o = run_with({});
  EXPECT_EQ(o.exit_code, 2);
  const std::string tail = "\nerror: give the OpenAPI document to serve\n";
  ASSERT_GE(o.err.size(), tail.size());
  EXPECT_EQ(o.err.substr(o.err.size() - tail.size()), tail);
  EXPECT_NE(o.err.find("apiserver SPEC            serve the document"), std::string::npos)
      << "the help comes first";
}

TEST_F(CommandLine, RefusesANamedSettingsFileThatIsMissing) {
  const std::string missing = dir_.file("missing.conf");
  Outcome o = run_with({"--config", missing, "api.yaml"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: " + missing + ": no such file\n");
}

TEST_F(CommandLine, RefusesABadValueInTheSettingsFile) {
  const std::string conf = write("bad.conf", "log-format = \"xml\"\n");
  Outcome o = run_with({"--config", conf, "api.yaml"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.err, "error: " + conf + ": log-format: --log-format: xml not in {text,json}\n");
}

TEST_F(CommandLine, ValidatesADocument) {
  const std::string spec = write("todo.yaml", kTodoDocument);
  Outcome o = run_with({"validate", spec});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, spec +
                       ": OK, OpenAPI 3.0.3, 3 operation(s), 0 stored on 0 table(s), "
                       "0 warning(s)\n");
}

TEST_F(CommandLine, ValidatesADocumentNamedInTheSettingsFile) {
  const std::string spec = write("todo.yaml", kTodoDocument);
  const std::string conf = write("apiserver.conf", "log-level = \"error\"\n");
  Outcome o = run_with({"--config", conf, "validate", spec});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out.rfind(spec + ": OK", 0), 0u) << o.out;
}

TEST_F(CommandLine, ReportsTheErrorsOfABrokenDocumentWithExitCode1) {
  const std::string spec = write("broken.yaml",
                                 "openapi: 3.0.3\n"
                                 "info: {title: t, version: '1'}\n"
                                 "paths:\n"
                                 "  /a:\n"
                                 "    get:\n"
                                 "      parameters:\n"
                                 "        - {name: x, in: body}\n"
                                 "      responses: {'200': {description: ok}}\n");
  Outcome o = run_with({"validate", spec});
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, spec +
                       ":7:25: error: 'in' must be path, query, header or cookie "
                       "(at /paths/~1a/get/parameters/0/in)\n" +
                       spec + ": 1 error(s), 0 warning(s)\n");
}

TEST_F(CommandLine, PrintsTheRoutesOfADocument) {
  const std::string spec = write("todo.yaml", kTodoDocument);
  Outcome o = run_with({"routes", spec});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out,
            "GET     /todos   not stored: no item path /todos/{id} beside it (or mark its schema "
            "with x-apiserver-table)\n"
            "POST    /todos   not stored: no item path /todos/{id} beside it (or mark its schema "
            "with x-apiserver-table)\n"
            "GET     /health  not stored: no JSON object schema describes the items of /health\n");
}

}  // namespace
}  // namespace apiserver::cli
