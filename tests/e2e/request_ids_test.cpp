// Server-made values a client must not guess: request ids and assigned UUID keys come from the
// cryptographic generator, so they are distinct over many requests and UUIDs are version 4.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

constexpr char kSpec[] = R"(openapi: 3.0.3
info: {title: Notes, version: '1'}
paths:
  /notes:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Note'}
      responses:
        '201':
          description: made
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
  /notes/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      responses:
        '200':
          description: one
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Note'}
components:
  schemas:
    Note:
      type: object
      properties:
        id: {type: string, format: uuid, readOnly: true}
        text: {type: string}
)";

TEST(ServerMadeIds, RequestIdsAreDistinct128BitHex) {
  TempDir dir;
  ServerProcess server({write_file(dir, "notes.yaml", kSpec), "--db", dir.file("notes.db")});
  HttpClient client(server.port());
  const std::regex kHex32("[0-9a-f]{32}");
  std::set<std::string> ids;
  const int requests = 300;
  for (int i = 0; i < requests; ++i) {
    HttpResponse r = client.get("/notes/00000000-0000-4000-8000-000000000000");
    std::optional<std::string> id = r.header("x-request-id");
    ASSERT_TRUE(id);
    ASSERT_TRUE(std::regex_match(*id, kHex32)) << *id;
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(requests));
}

TEST(ServerMadeIds, AssignedKeysAreDistinctVersion4Uuids) {
  TempDir dir;
  ServerProcess server({write_file(dir, "notes.yaml", kSpec), "--db", dir.file("notes.db")});
  HttpClient client(server.port());
  const std::regex kVersion4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> keys;
  const int notes = 200;
  for (int i = 0; i < notes; ++i) {
    HttpResponse made = client.post("/notes", R"({"text": "n"})");
    ASSERT_EQ(made.status, 201) << made.body;
    std::string key = made.json()["id"].get<std::string>();
    ASSERT_TRUE(std::regex_match(key, kVersion4)) << key;
    keys.insert(key);
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(notes));
  // Each key names its row.
  EXPECT_EQ(client.get("/notes/" + *keys.begin()).status, 200);
}

}  // namespace
}  // namespace apiserver::test
