// multipart/form-data bodies read, checked and validated in every mode: a mocked upload whose
// parts break the schema is one 422 naming each (a file too large or of a type the encoding
// does not list included), a forwarded one reaches its upstream byte for byte, a stored create
// stores its text parts; what is not multipart is a 400.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Uploads, version: "1"}
x-apiserver:
  upstream: "${ECHO_URL}"
paths:
  /avatars:
    x-apiserver-upstream: false
    post:
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [user, file]
              properties:
                user: {type: integer, minimum: 1}
                caption: {type: string, maxLength: 10}
                tags: {type: array, items: {type: string}}
                file: {type: string, format: binary, maxLength: 1024}
            encoding:
              file: {contentType: "image/png, image/jpeg"}
      responses:
        "201":
          description: Taken
          content: {application/json: {schema: {type: object}, example: {ok: true}}}
  /echo/upload:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                note: {type: string}
                file: {type: string, format: binary, maxLength: 100000}
      responses:
        "200": {description: What reached the upstream, content: {application/json: {schema: {type: object}}}}
  /notes:
    x-apiserver-upstream: false
    post:
      requestBody:
        content:
          multipart/form-data: {schema: {$ref: "#/components/schemas/Note"}}
      responses:
        "201": {description: Stored, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    x-apiserver-upstream: false
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
components:
  schemas:
    Note:
      type: object
      required: [text]
      properties:
        id: {type: integer, readOnly: true}
        text: {type: string}
        stars: {type: integer}
)";

struct PartSpec {
  PartSpec(std::string name_, std::string content_, std::string filename_ = "",
           std::string content_type_ = "")
      : name(std::move(name_)),
        content(std::move(content_)),
        filename(std::move(filename_)),
        content_type(std::move(content_type_)) {}
  std::string name;
  std::string content;
  std::string filename;      // empty: a text part
  std::string content_type;  // empty: none
};

const std::string kBoundary = "----apiserver-test-7d1f";

std::string multipart(const std::vector<PartSpec>& parts, bool close = true) {
  std::string body;
  for (const PartSpec& p : parts) {
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\n";
    if (!p.content_type.empty()) body += "Content-Type: " + p.content_type + "\r\n";
    body += "\r\n" + p.content + "\r\n";
  }
  if (close) body += "--" + kBoundary + "--\r\n";
  return body;
}

const Headers kMultipart = {{"Content-Type", "multipart/form-data; boundary=" + kBoundary}};

std::string errors_of(const HttpResponse& r) {
  std::string out;
  const json body = r.json();  // held: a range over a temporary's member would dangle
  for (const json& e : body["errors"])
    out += e["pointer"].get<std::string>() + ": " + e["detail"].get<std::string>() + "\n";
  return out;
}

class MultipartBodiesTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess upstream_ = ServerProcess::with_binary(
      "/usr/bin/python3", {test_data_path("e2e/upstreams/echo_upstream.py")});
  ServerProcess server_{{write_file(dir_, "uploads.yaml", kDocument), "--db", dir_.file("u.db")},
                        {{"ECHO_URL", upstream_.url()}}};
  HttpClient client_{server_.port()};
};

TEST_F(MultipartBodiesTest, AValidUploadIsAccepted) {
  std::string png(600, '\x89');
  HttpResponse r = client_.post(
      "/avatars",
      multipart(
          {{"user", "7"}, {"tags", "a"}, {"tags", "b"}, {"file", png, "me.png", "image/png"}}),
      kMultipart);
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(MultipartBodiesTest, OneAnswerListsEveryErrorOfTheParts) {
  std::string big(2000, 'x');
  HttpResponse r = client_.post("/avatars",
                                multipart({{"user", "0"},
                                           {"caption", "far too long a caption"},
                                           {"file", big, "notes.txt", "text/plain"}}),
                                kMultipart);
  ASSERT_EQ(r.status, 422) << r.body;
  const std::string errors = errors_of(r);
  EXPECT_NE(errors.find("/file: is 2000 bytes; at most 1024 are accepted"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/file: is text/plain; the document accepts only image/png"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("/user: must be >= 1"), std::string::npos) << errors;
  EXPECT_NE(errors.find("/caption:"), std::string::npos) << errors;
  HttpResponse missing = client_.post("/avatars", multipart({{"user", "3"}}), kMultipart);
  ASSERT_EQ(missing.status, 422) << missing.body;
  EXPECT_NE(errors_of(missing).find("/file"), std::string::npos) << missing.body;
}

TEST_F(MultipartBodiesTest, WhatIsNotMultipartIsA400) {
  const std::string part = multipart({{"user", "7"}, {"file", "x", "a.png", "image/png"}});
  HttpResponse no_boundary =
      client_.post("/avatars", part, {{"Content-Type", "multipart/form-data"}});
  EXPECT_EQ(no_boundary.status, 400) << no_boundary.body;
  HttpResponse unclosed = client_.post("/avatars", multipart({{"user", "7"}}, false), kMultipart);
  EXPECT_EQ(unclosed.status, 400) << unclosed.body;
  HttpResponse other_boundary = client_.post(
      "/avatars", part, {{"Content-Type", "multipart/form-data; boundary=something-else"}});
  EXPECT_EQ(other_boundary.status, 400) << other_boundary.body;
}

TEST_F(MultipartBodiesTest, AForwardedUploadReachesTheUpstreamAsSent) {
  const std::string body =
      multipart({{"note", "hello"}, {"file", "line one\nline two", "a.txt", "text/plain"}});
  HttpResponse r = client_.post("/echo/upload", body, kMultipart);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["body"], body);
  EXPECT_EQ(r.json()["headers"]["content-type"], "multipart/form-data; boundary=" + kBoundary);
  HttpResponse too_big = client_.post(
      "/echo/upload", multipart({{"file", std::string(300000, 'x'), "big.bin", ""}}), kMultipart);
  EXPECT_EQ(too_big.status, 422) << "refused here, never forwarded: "
                                 << too_big.body.substr(0, 300);
}

TEST_F(MultipartBodiesTest, AStoredCreateStoresItsTextParts) {
  HttpResponse r =
      client_.post("/notes", multipart({{"text", "from a form"}, {"stars", "4"}}), kMultipart);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(client_.get("/notes/1").json(),
            json::parse(R"({"id":1,"text":"from a form","stars":4})"));
}

TEST(MultipartDocument, AnOperationWithFilePartsIsNeverStored) {
  TempDir dir;
  const std::string spec = write_file(dir, "files.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /photos:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties: {title: {type: string}, image: {type: string, format: binary}}
      responses:
        "201": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Photo"}}}}
    get:
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Photo"}}}}}
components:
  schemas:
    Photo: {type: object, properties: {id: {type: integer}, title: {type: string}}}
)");
  RunResult r = ServerProcess::run({"routes", spec});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("its body has file parts (multipart/form-data), never stored"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace apiserver::test
