// A stored list that reads longer than x-apiserver limits.query-time answers 503 with a problem
// saying what to do, and the server thread is free again at once: a sort of 20,000 rows by a
// property without an index under a 1 ms limit is interrupted; the same server answers other
// requests; a bad limit is refused at start-up.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

std::string notes_document(const std::string& query_time) {
  return R"(openapi: 3.0.3
info: {title: Notes, version: "1"}
x-apiserver:
  limits: {query-time: )" +
         query_time + R"(}
paths:
  /notes:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Notes"}}}}
      responses:
        "201": {description: Stored, content: {application/json: {schema: {$ref: "#/components/schemas/Notes"}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
components:
  schemas:
    Notes:
      oneOf:
        - {$ref: "#/components/schemas/Note"}
        - {type: array, items: {$ref: "#/components/schemas/Note"}}
    Note:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
)";
}

TEST(QueryTimeLimit, AListPastItsTimeLimitAnswers503AndFreesTheThread) {
  TempDir dir;
  ServerProcess server({write_file(dir, "notes.yaml", notes_document("1ms")), "--db",
                        dir.file("notes.db"), "--threads", "1"});
  HttpClient client(server.port());
  for (int batch = 0; batch < 20; ++batch) {
    json notes = json::array();
    for (int i = 0; i < 1000; ++i)
      notes.push_back({{"text", "note " + std::to_string((batch * 7919 + i * 104729) % 100000)}});
    ASSERT_EQ(client.post_json("/notes", notes).status, 201);
  }
  // Sorting every row by a property without an index takes well over a millisecond.
  HttpResponse slow = client.get("/notes?sort=text&offset=19990");
  ASSERT_EQ(slow.status, 503) << slow.body;
  EXPECT_EQ(slow.header("content-type"), "application/problem+json");
  EXPECT_NE(slow.json()["detail"].get<std::string>().find("took longer than its time limit"),
            std::string::npos)
      << slow.body;
  // The one server thread is free again: a read by key answers at once. (On PostgreSQL the limit
  // bounds every statement of a read connection, so 1 ms may cut a read by key short too: it
  // then answers 503 as well, at once.)
  const HttpResponse read = client.get("/notes/1");
  if (testing_on_postgres())
    EXPECT_TRUE(read.status == 200 || read.status == 503) << read.status << " " << read.body;
  else
    EXPECT_EQ(read.status, 200);
}

TEST(QueryTimeLimit, ABadLimitIsRefusedAtStartUp) {
  TempDir dir;
  RunResult run =
      ServerProcess::run({"validate", write_file(dir, "notes.yaml", notes_document("soon"))},
                         std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err).find("'query-time' must be a duration such as 5s or 500ms"),
            std::string::npos)
      << run.out << run.err;
}

}  // namespace
}  // namespace apiserver::test
