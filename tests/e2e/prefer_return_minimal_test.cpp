// Prefer: return=minimal on stored writes: where the operation declares a 204, create, replace
// and update answer 204 with the item's ETag (and Location for a create) and
// Preference-Applied; where it declares none, the preference is ignored and the item is the
// answer, since the document declares no bodiless one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

const char* const kNotesDocument = R"(openapi: 3.0.3
info: {title: Notes, version: "1"}
paths:
  /notes:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "204": {description: Created, as Prefer return=minimal asks}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: The note, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
    put:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "200": {description: Replaced, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "204": {description: Replaced}
    patch:
      requestBody: {content: {application/merge-patch+json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "200": {description: Updated, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
        "204": {description: Updated}
components:
  schemas:
    Note:
      type: object
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
)";

const Headers kMinimal = {{"Prefer", "return=minimal"}};

TEST(PreferReturnMinimal, ADeclared204AnswersWritesWithTheirHeadersAlone) {
  TempDir dir;
  ServerProcess server(
      {write_file(dir, "notes.yaml", kNotesDocument), "--db", dir.file("notes.db")});
  HttpClient client(server.port());

  HttpResponse created = client.post_json("/notes", {{"text", "one"}}, kMinimal);
  EXPECT_EQ(created.status, 204);
  EXPECT_EQ(created.body, "");
  EXPECT_EQ(created.header("location"), "/notes/1");
  EXPECT_EQ(created.header("preference-applied"), "return=minimal");
  EXPECT_EQ(created.header("content-type"), std::nullopt);
  HttpResponse read = client.get("/notes/1");
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body, R"({"id":1,"text":"one"})");
  ASSERT_TRUE(created.header("etag"));
  EXPECT_EQ(created.header("etag"), read.header("etag"));

  HttpResponse replaced =
      client.put("/notes/1", R"({"text":"two"})",
                 {{"Prefer", "return=minimal"}, {"Content-Type", "application/json"}});
  EXPECT_EQ(replaced.status, 204);
  EXPECT_EQ(replaced.body, "");
  EXPECT_EQ(replaced.header("etag"), client.get("/notes/1").header("etag"));

  HttpResponse updated = client.patch(
      "/notes/1", R"({"text":"three"})",
      {{"Prefer", "return=minimal"}, {"Content-Type", "application/merge-patch+json"}});
  EXPECT_EQ(updated.status, 204);
  EXPECT_EQ(updated.header("etag"), client.get("/notes/1").header("etag"));
  EXPECT_EQ(client.get("/notes/1").body, R"({"id":1,"text":"three"})");

  // Without the preference, or with return=representation, the item is the answer.
  HttpResponse full =
      client.post_json("/notes", {{"text", "four"}}, {{"Prefer", "return=representation"}});
  EXPECT_EQ(full.status, 201);
  EXPECT_EQ(full.body, R"({"id":2,"text":"four"})");
  EXPECT_EQ(full.header("preference-applied"), std::nullopt);
}

TEST(PreferReturnMinimal, IsIgnoredWhereTheDocumentDeclaresNoBodilessAnswer) {
  TempDir dir;
  ServerProcess server({source_path("examples/todo.yaml"), "--db", dir.file("todo.db")});
  HttpClient client(server.port());
  HttpResponse created = client.post_json("/todos", {{"title", "milk"}}, kMinimal);
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(nlohmann::json::parse(created.body)["title"], "milk");
  EXPECT_EQ(created.header("preference-applied"), std::nullopt);
}

}  // namespace
}  // namespace apiserver::test
