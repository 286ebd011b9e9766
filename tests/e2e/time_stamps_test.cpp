// Times the server writes itself (specs/storage.md, "Times"): a readOnly date-time named
// createdAt is stamped on create and kept; a property declared x-apiserver-stamp: updated is
// stamped on every write, whatever the client sends there.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>

#include "support/http_client.hpp"
#include "support/notes_document.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// /notes and /notes/{id} with PUT and PATCH; `updated` is the declaration on Note's `updated`
// property.
std::string notes(const std::string& updated = "x-apiserver-stamp: updated") {
  return notes_document(R"(        createdAt: {type: string, format: date-time, readOnly: true}
        updated:
          type: string
          format: date-time
          )" + updated + "\n",
                        R"(    put:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
    patch:
      requestBody: {content: {application/merge-patch+json: {schema: {type: object}}}}
      responses: {"200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
)");
}

bool is_utc_time(const json& value) {
  static const std::regex kRfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  return value.is_string() && std::regex_match(value.get<std::string>(), kRfc3339);
}

class TimeStampsTest : public ::testing::Test {
 protected:
  TimeStampsTest()
      : server_({write_file(dir_, "notes.yaml", notes()), "--db", dir_.file("n.db")}) {}

  // A millisecond later, the next stamp differs from the last.
  static void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }

  TempDir dir_;
  ServerProcess server_;
  HttpClient client_{server_.port()};
};

TEST_F(TimeStampsTest, ACreateIsStampedWithBothTimes) {
  HttpResponse created =
      client_.post_json("/notes", {{"text", "a"}, {"updated", "2000-01-01T00:00:00Z"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const json note = json::parse(created.body);
  EXPECT_TRUE(is_utc_time(note["createdAt"])) << note;
  EXPECT_EQ(note["updated"], note["createdAt"]) << "the client's time is replaced";
  EXPECT_GT(note["createdAt"].get<std::string>(), "2026-01-01") << note;
  EXPECT_EQ(json::parse(client_.get("/notes/1").body), note) << "stored, not only answered";
}

TEST_F(TimeStampsTest, WritesKeepTheCreatedTimeAndMoveTheUpdatedOne) {
  const json first = json::parse(client_.post_json("/notes", {{"text", "a"}}).body);
  tick();
  HttpResponse patched = client_.patch_json("/notes/1", {{"text", "b"}, {"createdAt", "x"}},
                                            {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  const json second = json::parse(patched.body);
  EXPECT_EQ(second["createdAt"], first["createdAt"]);
  EXPECT_GT(second["updated"].get<std::string>(), first["updated"].get<std::string>());
  tick();
  HttpResponse replaced = client_.put_json("/notes/1", {{"text", "c"}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  const json third = json::parse(replaced.body);
  EXPECT_EQ(third["createdAt"], first["createdAt"]) << "a replace keeps when it was created";
  EXPECT_GT(third["updated"].get<std::string>(), second["updated"].get<std::string>());
  EXPECT_EQ(third["text"], "c");
}

TEST_F(TimeStampsTest, RoutesShowTheStampedColumns) {
  RunResult r = ServerProcess::run({"routes", dir_.file("notes.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("createdAt [time created]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("updated [time updated]"), std::string::npos) << r.out;
}

TEST(TimeStampsStartup, ADeclarationThatCannotBeOneIsRefusedAtItsLine) {
  TempDir dir;
  struct Case {
    std::string declaration;
    std::string says;
  };
  for (const Case& c :
       {Case{"x-apiserver-stamp: sometime", "must be created or updated"},
        Case{"x-apiserver-stamp: created", "would both hold the time an item was"}}) {
    SCOPED_TRACE(c.declaration);
    const std::string document = notes(c.declaration);
    const std::string spec = write_file(dir, "bad.yaml", document);
    // The line of the declaration, 1-based.
    const auto before = document.substr(0, document.find(c.declaration));
    const std::string at =
        "bad.yaml:" + std::to_string(std::count(before.begin(), before.end(), '\n') + 1) + ":";
    RunResult r = ServerProcess::run({"validate", spec});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE((r.out + r.err).find(at), std::string::npos) << r.out << r.err;
    EXPECT_NE((r.out + r.err).find(c.says), std::string::npos) << r.out << r.err;
  }
}

}  // namespace
}  // namespace apiserver::test
