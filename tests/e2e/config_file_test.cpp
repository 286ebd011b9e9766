// The settings file (--config / APISERVER_CONFIG): its `name = value` lines fill what neither
// the command line nor the environment gave, so flags beat the environment, which beats the
// file, which beats the document's x-apiserver; a bad file stops start-up with exit 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The database a server on `args` created its table in, by serving one write.
void write_one_todo(ServerProcess& server) {
  HttpClient client(server.port());
  HttpResponse created = client.post_json("/todos", {{"title", "where am I stored?"}});
  ASSERT_EQ(created.status, 201) << created.body;
}

TEST(ConfigFile, FillsWhatFlagsAndEnvironmentLeaveOpenInThatOrder) {
  if (testing_on_postgres())
    GTEST_SKIP() << "checks which SQLite file (flag, environment, config file) is created; --db is "
                    "redirected to PostgreSQL";
  TempDir dir;
  const std::string conf = write_file(dir, "apiserver.conf",
                                      "# the server's settings\n"
                                      "spec = \"" +
                                          source_path("examples/todo.yaml") +
                                          "\"\n"
                                          "db = \"" +
                                          dir.file("from-file.db") +
                                          "\"\n"
                                          "access-log = \"off\"\n");
  {
    ServerProcess server({"--config", conf});
    write_one_todo(server);
    EXPECT_EQ(server.log().find("\"request_id\""), std::string::npos) << "access-log = off";
  }
  EXPECT_TRUE(fs::exists(dir.file("from-file.db")));
  {
    ServerProcess server({"--config", conf}, {{"APISERVER_DB", dir.file("from-env.db")}});
    write_one_todo(server);
  }
  EXPECT_TRUE(fs::exists(dir.file("from-env.db"))) << "the environment beats the file";
  {
    ServerProcess server({"--config", conf, "--db", dir.file("from-flag.db")},
                         {{"APISERVER_DB", dir.file("from-env-2.db")}});
    write_one_todo(server);
  }
  EXPECT_TRUE(fs::exists(dir.file("from-flag.db"))) << "the flag beats both";
  EXPECT_FALSE(fs::exists(dir.file("from-env-2.db")));
  // APISERVER_CONFIG names the file too.
  {
    ServerProcess server({}, {{"APISERVER_CONFIG", conf}, {"APISERVER_DB", dir.file("e.db")}});
    write_one_todo(server);
  }
  EXPECT_TRUE(fs::exists(dir.file("e.db")));
}

TEST(ConfigFile, BeatsTheDocumentsOwnSettings) {
  TempDir dir;
  // The todo example with x-apiserver.database set.
  std::string text = read_file(source_path("examples/todo.yaml"));
  const std::string anchor = "x-apiserver:\n";
  ASSERT_NE(text.find(anchor), std::string::npos);
  text.insert(text.find(anchor) + anchor.size(),
              "  database: " + dir.file("from-document.db") + "\n");
  const std::string doc = write_file(dir, "doc.yaml", text);
  const std::string conf =
      write_file(dir, "apiserver.conf", "db = \"" + dir.file("from-file.db") + "\"\n");
  {
    ServerProcess server({doc, "--config", conf});
    write_one_todo(server);
  }
  EXPECT_TRUE(fs::exists(dir.file("from-file.db")));
  EXPECT_FALSE(fs::exists(dir.file("from-document.db")));
  // Without the file, the document's setting holds.
  {
    ServerProcess server({doc});
    write_one_todo(server);
  }
  EXPECT_TRUE(fs::exists(dir.file("from-document.db")));
}

TEST(ConfigFile, ABadFileStopsStartUpWithAClearMessage) {
  TempDir dir;
  const std::string todo = source_path("examples/todo.yaml");
  struct Case {
    const char* contents;
    const char* message;
  } cases[] = {
      {"prot = 8080\n", "unknown setting 'prot'"},
      {"port = 99999\n", "port: --port: Value 99999 not in range 0 to 65535"},
      {"access-log = \"loud\"\n", "access-log: --access-log: loud not in {json,off}"},
      {"[server]\nport = 1\n", "sections are not used; 'server.port' is unknown"},
      {"config = \"/etc/other.conf\"\n", "unknown setting 'config'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.contents);
    const std::string conf = write_file(dir, "bad.conf", c.contents);
    RunResult r = ServerProcess::run({todo, "--config", conf});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  RunResult missing = ServerProcess::run({todo, "--config", dir.file("none.conf")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "error: " + dir.file("none.conf") + ": no such file\n");
}

}  // namespace
}  // namespace apiserver::test
