// Stored creates are answered once the transaction holding them has committed, and an event
// loop commits the creates of every request it read in one batch of events together. These
// tests hold the server to what that must not change: answers leave in the order their
// requests came on a connection (pipelined creates and reads interleaved), every create of a
// crowd is answered and stored once, one failing create in a shared transaction fails alone,
// and a client that leaves before its answer neither loses the write nor stalls the server.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Notes, version: "1"}
paths:
  /notes:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /tags:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Tag"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Tag"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Tag"}}}}
  /tags/{name}:
    parameters: [{name: name, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Tag"}}}}
components:
  schemas:
    Note:
      type: object
      required: [text]
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
    Tag:
      type: object
      required: [name]
      properties:
        name: {type: string}
)";

std::string post_bytes(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string get_bytes(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

class AnswersLaterTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{{write_file(dir_, "notes.yaml", kDocument), "--db", dir_.file("notes.db")}};
  HttpClient client_{server_.port()};

  // How many items the collection holds, as the list counts them.
  size_t stored(const std::string& collection) {
    HttpResponse r = client_.get(collection + "?limit=1", {{"Prefer", "count=exact"}});
    return std::stoul(r.header("x-total-count").value_or("0"));
  }
};

TEST_F(AnswersLaterTest, PipelinedCreatesAndReadsAreAnsweredInTheirOrder) {
  ASSERT_EQ(client_.post_json("/notes", {{"text", "first"}}).status, 201);
  // One write holds them all: the server reads the creates together, and each read comes
  // after the create before it on the connection.
  RawConnection raw(server_.port());
  raw.write(post_bytes("/notes", R"({"text":"a"})") + get_bytes("/notes/1") +
            post_bytes("/notes", R"({"text":"b"})") + get_bytes("/notes/2") +
            post_bytes("/notes", R"({"text":7})") + post_bytes("/notes", R"({"text":"c"})") +
            get_bytes("/notes/3") + get_bytes("/notes/4"));
  HttpResponse a = raw.read_response();
  EXPECT_EQ(a.status, 201) << a.body;
  EXPECT_EQ(a.json()["text"], "a");
  HttpResponse first = raw.read_response();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.json()["text"], "first");
  HttpResponse b = raw.read_response();
  EXPECT_EQ(b.status, 201);
  EXPECT_EQ(b.json()["text"], "b");
  HttpResponse read_a = raw.read_response();
  EXPECT_EQ(read_a.status, 200);
  EXPECT_EQ(read_a.json(), a.json()) << "the create before it on the connection is visible";
  HttpResponse invalid = raw.read_response();
  EXPECT_EQ(invalid.status, 422) << invalid.body;
  HttpResponse c = raw.read_response();
  EXPECT_EQ(c.status, 201);
  EXPECT_EQ(c.json()["text"], "c");
  EXPECT_EQ(raw.read_response().json(), b.json());
  EXPECT_EQ(raw.read_response().json(), c.json());
  EXPECT_EQ(stored("/notes"), 4u);
}

TEST_F(AnswersLaterTest, EveryCreateOfACrowdIsAnsweredAndStoredOnce) {
  constexpr int kClients = 16;
  constexpr int kEach = 40;
  std::vector<std::thread> clients;
  std::vector<std::vector<long long>> ids(kClients);
  std::atomic<int> failures{0};
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      HttpClient client(server_.port());
      for (int n = 0; n < kEach; ++n) {
        HttpResponse r = client.post_json(
            "/notes", {{"text", "client " + std::to_string(i) + " note " + std::to_string(n)}});
        if (r.status != 201) {
          ++failures;
          continue;
        }
        ids[static_cast<size_t>(i)].push_back(r.json()["id"].get<long long>());
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<long long> distinct;
  for (const auto& each : ids) distinct.insert(each.begin(), each.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kClients * kEach)) << "every key once";
  EXPECT_EQ(stored("/notes"), static_cast<size_t>(kClients * kEach));
  // What each client was told is what is stored.
  HttpResponse one = client_.get("/notes/" + std::to_string(ids[3][7]));
  EXPECT_EQ(one.json()["text"], "client 3 note 7");
}

TEST_F(AnswersLaterTest, AConflictInASharedTransactionFailsAlone) {
  ASSERT_EQ(client_.post_json("/tags", {{"name", "taken"}}).status, 201);
  // Many connections send at once, one of them a conflicting key: the loop reads them in one
  // batch and writes them in one transaction, each in its own savepoint.
  constexpr int kConnections = 12;
  std::vector<RawConnection> connections;
  for (int i = 0; i < kConnections; ++i) connections.emplace_back(server_.port());
  for (int i = 0; i < kConnections; ++i) {
    const std::string name = i == 5 ? "taken" : "tag" + std::to_string(i);
    connections[static_cast<size_t>(i)].write(
        post_bytes("/tags", json{{"name", name}}.dump()) +
        post_bytes("/tags", json{{"name", name + "-again"}}.dump()));
  }
  for (int i = 0; i < kConnections; ++i) {
    HttpResponse r = connections[static_cast<size_t>(i)].read_response();
    EXPECT_EQ(r.status, i == 5 ? 409 : 201) << i << ": " << r.body;
    EXPECT_EQ(connections[static_cast<size_t>(i)].read_response().status, 201) << i;
  }
  EXPECT_EQ(stored("/tags"), 1u + 2u * kConnections - 1u);
}

TEST_F(AnswersLaterTest, AClientThatLeavesBeforeItsAnswerLosesNoWrite) {
  for (int i = 0; i < 20; ++i) {
    RawConnection raw(server_.port());
    raw.write(post_bytes("/notes", json{{"text", "left " + std::to_string(i)}}.dump()));
    // Gone at once: often before the transaction holding its create has committed.
  }
  // The server goes on answering, and the creates it read were made.
  HttpResponse after = client_.post_json("/notes", {{"text", "after"}});
  ASSERT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(stored("/notes"), 21u);
}

}  // namespace
}  // namespace apiserver::test
