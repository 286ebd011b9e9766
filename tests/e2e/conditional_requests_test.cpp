// Optimistic concurrency on examples/todo.yaml: every stored item answer carries a strong ETag
// from the row's version; If-None-Match on a read answers 304; If-Match on PUT, PATCH and
// DELETE answers 412 once the row has changed, so two clients editing one todo cannot
// overwrite each other unawares.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// The ETag of `r`, "" when it has none.
std::string etag(const HttpResponse& r) {
  return r.header("etag").value_or("");
}

class ConditionalRequests : public ::testing::Test {
 protected:
  std::string etag_of(const std::string& target) {
    HttpResponse r = client_.get(target);
    EXPECT_EQ(r.status, 200) << r.body;
    return etag(r);
  }

  TempDir dir_;
  ServerProcess server_{
      std::vector<std::string>{source_path("examples/todo.yaml"), "--db", dir_.file("todo.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(ConditionalRequests, EveryItemAnswerCarriesAStrongETagThatChangesWithTheItem) {
  HttpResponse created = client_.post("/todos", R"({"title":"milk"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string first = etag(created);
  ASSERT_EQ(first.size() > 2 && first.front() == '"' && first.back() == '"', true) << first;
  EXPECT_EQ(etag_of("/todos/1"), first) << "the read gives the tag the create gave";
  EXPECT_EQ(etag_of("/todos/1"), first) << "and again: it is the row's, not the moment's";

  HttpResponse patched = client_.patch("/todos/1", R"({"done":true})",
                                       {{"Content-Type", "application/merge-patch+json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_NE(etag(patched), first);
  EXPECT_EQ(etag_of("/todos/1"), etag(patched));
  HttpResponse put = client_.put("/todos/1", R"({"title":"milk","done":true})",
                                 {{"Content-Type", "application/json"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_NE(etag(put), etag(patched)) << "even a write of the same values";

  HttpResponse selected = client_.get("/todos/1?fields=title");
  ASSERT_EQ(selected.status, 200);
  EXPECT_EQ(etag(selected), "") << "a selection is another representation";
  EXPECT_EQ(etag(client_.get("/todos")), "") << "a list has no tag of its own";
}

TEST_F(ConditionalRequests, IfNoneMatchAnswers304WhileTheCopyIsCurrent) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk"})").status, 201);
  const std::string tag = etag_of("/todos/1");
  HttpResponse same = client_.get("/todos/1", {{"If-None-Match", tag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(etag(same), tag);
  EXPECT_EQ(client_.get("/todos/1", {{"If-None-Match", "W/" + tag}}).status, 304);
  EXPECT_EQ(client_.get("/todos/1", {{"If-None-Match", "*"}}).status, 304);
  EXPECT_EQ(client_.head("/todos/1", {{"If-None-Match", tag}}).status, 304);
  EXPECT_EQ(client_.get("/todos/1", {{"If-None-Match", R"("other")"}}).status, 200);
  ASSERT_EQ(
      client_
          .patch("/todos/1", R"({"done":true})", {{"Content-Type", "application/merge-patch+json"}})
          .status,
      200);
  HttpResponse changed = client_.get("/todos/1", {{"If-None-Match", tag}});
  EXPECT_EQ(changed.status, 200) << "changed since: the new item, with its new tag";
  EXPECT_EQ(changed.json()["done"], true);
}

// Alice and Bob read the same todo; Bob writes first; Alice's write, made on what she read,
// is refused instead of silently undoing Bob's.
TEST_F(ConditionalRequests, IfMatchRefusesALostUpdate) {
  ASSERT_EQ(client_.post("/todos", R"({"title":"milk"})").status, 201);
  HttpClient alice(server_.port());
  HttpClient bob(server_.port());
  const std::string read_by_alice = etag(alice.get("/todos/1"));
  const std::string read_by_bob = etag(bob.get("/todos/1"));
  ASSERT_EQ(read_by_alice, read_by_bob);
  const Headers patch = {{"Content-Type", "application/merge-patch+json"}};

  Headers bob_writes = patch;
  bob_writes.push_back({"If-Match", read_by_bob});
  HttpResponse bobs = bob.patch("/todos/1", R"({"title":"oat milk"})", bob_writes);
  ASSERT_EQ(bobs.status, 200) << bobs.body;

  Headers alice_writes = patch;
  alice_writes.push_back({"If-Match", read_by_alice});
  HttpResponse alices = alice.patch("/todos/1", R"({"title":"soy milk"})", alice_writes);
  EXPECT_EQ(alices.status, 412) << alices.body;
  EXPECT_EQ(alices.header("content-type"), "application/problem+json");
  EXPECT_EQ(alices.json()["type"], "urn:apiserver:problem:precondition-failed");
  EXPECT_EQ(client_.get("/todos/1").json()["title"], "oat milk") << "Bob's write stands";

  const Headers json_body = {{"Content-Type", "application/json"}};
  Headers stale_put = json_body;
  stale_put.push_back({"If-Match", read_by_alice});
  EXPECT_EQ(alice.put("/todos/1", R"({"title":"soy milk"})", stale_put).status, 412);
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", read_by_alice}}).status, 412);
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", "W/" + etag(bobs)}}).status, 412)
      << "If-Match compares strongly";

  // Alice reads again and writes on the current version.
  Headers current = json_body;
  current.push_back({"If-Match", etag(alice.get("/todos/1"))});
  HttpResponse retried = alice.put("/todos/1", R"({"title":"soy milk"})", current);
  EXPECT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", etag(retried)}}).status, 204);
  EXPECT_EQ(alice.del("/todos/1", {{"If-Match", "*"}}).status, 404)
      << "no item: not found, condition or not";
}

// examples/todo.yaml with x-apiserver-if-match: required on its item schema.
std::string todo_requiring_if_match(const TempDir& dir) {
  std::ifstream in(source_path("examples/todo.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string schema = "    Todo:\n      type: object\n";
  size_t at = yaml.find(schema);
  EXPECT_NE(at, std::string::npos);
  if (at != std::string::npos)
    yaml.insert(at + schema.size(), "      x-apiserver-if-match: required\n");
  return write_file(dir, "todo.yaml", yaml);
}

TEST(ConditionalRequestsRequired, AWriteWithoutIfMatchIs428BeforeTheRowIsRead) {
  TempDir dir;
  ServerProcess server({todo_requiring_if_match(dir), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  HttpResponse created = client.post("/todos", R"({"title":"milk"})");
  ASSERT_EQ(created.status, 201) << created.body << server.log();
  const Headers patch = {{"Content-Type", "application/merge-patch+json"}};
  for (const char* target : {"/todos/1", "/todos/999"}) {
    SCOPED_TRACE(target);
    HttpResponse r = client.patch(target, R"({"done":true})", patch);
    EXPECT_EQ(r.status, 428) << r.body;
    EXPECT_EQ(r.json()["type"], "urn:apiserver:problem:precondition-required");
    EXPECT_EQ(client.put(target, R"({"title":"x"})", {{"Content-Type", "application/json"}}).status,
              428);
    EXPECT_EQ(client.del(target).status, 428);
  }
  Headers conditional = patch;
  conditional.push_back({"If-Match", etag(created)});
  EXPECT_EQ(client.patch("/todos/1", R"({"done":true})", conditional).status, 200);
  EXPECT_EQ(client.get("/todos/1").status, 200) << "reads need no condition";
}

}  // namespace
}  // namespace apiserver::test
