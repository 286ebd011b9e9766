// Hostile request bodies on a stored resource (tests/e2e/specs/hostile_notes.yaml): 10 MB
// bodies (declared and chunked), 100,000-deep JSON, text that is not UTF-8, objects with a
// member twice, and JSON that is not what the schema wants. Numbers beyond a double and NaN /
// Infinity literals are hostile_numbers_test.cpp's. Each is a 4xx with a JSON body, nothing is
// stored, and the server serves after each table.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/json_body.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kStored[] = R"([{"name":"first","title":"one"}])";

std::string nested_arrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string nested_objects(size_t depth) {
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += "{\"a\":";
  return text + "1" + std::string(depth, '}');
}

Scenario refused_body(std::string name, std::string method, std::string target, std::string body,
                      int status, std::string content_type = "application/json") {
  return Scenario(std::move(name))
      .request(std::move(method), std::move(target), std::move(body))
      .header("Content-Type", std::move(content_type))
      .expect_status(status)
      .expect("the body is a JSON object", is_json_object);
}

class HostileBodiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.post("/notes", R"({"name":"first","title":"one"})").status, 201);
  }

  // The server still serves, and holds exactly what SetUp stored.
  void expect_unchanged() {
    HttpClient fresh(server_.port());
    HttpResponse r = fresh.get("/notes");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, kStored);
  }

  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{test_data_path("e2e/specs/hostile_notes.yaml"),
                                                 "--db", dir_.file("b.db")}};
  HttpClient client_{server_.port()};
};

// Sends a 10 MB body (the limit is 1 MiB) and returns the answer; the server may stop reading
// as soon as it has refused it.
HttpResponse send_ten_megabytes(uint16_t port, const std::string& head, const std::string& body) {
  RawConnection raw(port, "127.0.0.1", milliseconds(5000));
  raw.write(head);
  raw.try_write(body);
  return raw.read_response(milliseconds(5000));
}

TEST_F(HostileBodiesTest, TenMegabyteBodiesAre413) {
  const std::string ten_mb = "{\"title\":\"" + std::string(10 * 1024 * 1024, 'x') + "\"}";
  HttpResponse declared = send_ten_megabytes(
      server_.port(),
      "POST /notes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(ten_mb.size()) + "\r\n\r\n",
      ten_mb);
  EXPECT_EQ(declared.status, 413) << declared.body;
  EXPECT_TRUE(json::parse(declared.body, nullptr, false).is_object()) << declared.body;

  std::string chunks;
  for (size_t at = 0; at < ten_mb.size(); at += 65536) {
    const std::string piece = ten_mb.substr(at, 65536);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunks += size + piece + "\r\n";
  }
  HttpResponse chunked =
      send_ten_megabytes(server_.port(),
                         "POST /notes HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n",
                         chunks + "0\r\n\r\n");
  EXPECT_EQ(chunked.status, 413) << chunked.body;
  EXPECT_TRUE(json::parse(chunked.body, nullptr, false).is_object()) << chunked.body;
  expect_unchanged();
}

TEST_F(HostileBodiesTest, DeeplyNestedJsonIsRefusedWithoutRecursingIntoIt) {
  run_each_scenario(
      client_,
      {
          refused_body("100,000 nested arrays as the body.", "POST", "/notes",
                       nested_arrays(100000), 400),
          refused_body("100,000 nested objects as the body.", "POST", "/notes",
                       nested_objects(100000), 400),
          refused_body("100,000 nested arrays inside a free-form property.", "POST", "/notes",
                       R"({"title":"deep","meta":{"x":)" + nested_arrays(100000) + "}}", 400),
          refused_body("100,000 nested objects in a merge patch.", "PATCH", "/notes/first",
                       nested_objects(100000), 400, "application/merge-patch+json"),
          refused_body("100,000 nested arrays in a replacement.", "PUT", "/notes/first",
                       nested_arrays(100000), 400),
          Scenario("5,000 nested arrays in a JSON-encoded query parameter.")
              .get("/search?filter=" + nested_arrays(5000))
              .expect_status(422)
              .expect("the body is a JSON object", is_json_object),
          Scenario("100,000 nested arrays in a query parameter pass the head limit.")
              .get("/search?filter=" + nested_arrays(100000))
              .expect_status(431)
              .expect("the body is a JSON object", is_json_object),
      });
  expect_unchanged();
}

TEST_F(HostileBodiesTest, BodiesThatAreNotUtf8AreMalformed) {
  run_each_scenario(
      client_, {
                   refused_body("A string with 0xFF 0xFE.", "POST", "/notes",
                                "{\"title\":\"\xff\xfe\"}", 400),
                   refused_body("A member name with 0xFF.", "POST", "/notes",
                                "{\"title\":\"x\",\"\xff\":1}", 400),
                   refused_body("An overlong encoding of '/'.", "POST", "/notes",
                                "{\"title\":\"\xc0\xaf\"}", 400),
                   refused_body("An encoded surrogate (ED A0 80).", "POST", "/notes",
                                "{\"title\":\"\xed\xa0\x80\"}", 400),
                   refused_body("A lone low surrogate escape.", "POST", "/notes",
                                R"({"title":"\udc00"})", 400),
                   refused_body("A lone high surrogate escape.", "POST", "/notes",
                                R"({"title":"\ud800x"})", 400),
                   refused_body("A five-byte sequence.", "POST", "/notes",
                                "{\"title\":\"\xf8\x88\x80\x80\x80\"}", 400),
                   refused_body("A code point past U+10FFFF.", "POST", "/notes",
                                "{\"title\":\"\xf4\x90\x80\x80\"}", 400),
                   refused_body("A sequence cut at the end of the string.", "POST", "/notes",
                                "{\"title\":\"\xe2\x82\"}", 400),
                   refused_body("Latin-1 text in a replacement.", "PUT", "/notes/first",
                                "{\"title\":\"caf\xe9\"}", 400),
                   refused_body("Latin-1 text in a merge patch.", "PATCH", "/notes/first",
                                "{\"title\":\"caf\xe9\"}", 400, "application/merge-patch+json"),
                   refused_body("A UTF-16 body.", "POST", "/notes",
                                std::string("{\0\"\0t\0\"\0:\0\"\0x\0\"\0}\0", 18), 400),
               });
  expect_unchanged();
}

TEST_F(HostileBodiesTest, AnObjectWithAMemberTwiceIsMalformed) {
  run_each_scenario(
      client_,
      {
          refused_body("The title twice.", "POST", "/notes",
                       R"({"name":"dup","title":"a","title":"b"})", 400)
              .expect(
                  "the detail names the member",
                  [](const HttpResponse& r) { return r.body.find("title") != std::string::npos; }),
          refused_body("The key twice, differently.", "POST", "/notes",
                       R"({"name":"first","title":"x","name":"other"})", 400),
          refused_body("A member twice in a nested object.", "POST", "/notes",
                       R"({"name":"n","title":"x","meta":{"a":1,"a":2}})", 400),
          refused_body("A member twice in a merge patch.", "PATCH", "/notes/first",
                       R"({"title":null,"title":"back"})", 400, "application/merge-patch+json"),
          refused_body("A member twice in a replacement.", "PUT", "/notes/first",
                       R"({"title":"a","title":"b"})", 400),
          Scenario("A member twice in a JSON-encoded query parameter.")
              .get("/search?filter=%7B%22a%22%3A1%2C%22a%22%3A2%7D")
              .expect_status(422)
              .expect("the body is a JSON object", is_json_object),
      });
  // The same name in two different objects is no duplicate.
  HttpResponse twice_apart =
      client_.post("/notes", R"({"name":"apart","title":"t","meta":{"title":"m"}})");
  EXPECT_EQ(twice_apart.status, 201) << twice_apart.body;
  EXPECT_EQ(client_.del("/notes/apart").status, 204);
  expect_unchanged();
}

TEST_F(HostileBodiesTest, JsonOfTheWrongShapeIsRefused) {
  // (A byte-order mark before the JSON is ignored, as RFC 8259 8.1 allows.)
  run_each_scenario(
      client_, {
                   refused_body("An array instead of an object.", "POST", "/notes",
                                R"([{"title":"a"}])", 422),
                   refused_body("A bare string.", "POST", "/notes", R"("title")", 422),
                   refused_body("null.", "POST", "/notes", "null", 422),
                   refused_body("Two documents in a row.", "POST", "/notes",
                                R"({"title":"a"}{"title":"b"})", 400),
                   refused_body("A comment inside the JSON.", "POST", "/notes",
                                R"({"title":"a" /* x */})", 400),
                   refused_body("A trailing comma.", "POST", "/notes", R"({"title":"a",})", 400),
                   refused_body("Single quotes.", "POST", "/notes", R"({'title':'a'})", 400),
                   refused_body("A NUL byte after the JSON.", "POST", "/notes",
                                std::string("{\"title\":\"a\"}\0", 14), 400),
                   refused_body("A second document after a NUL byte.", "POST", "/notes",
                                std::string("{\"title\":\"a\"}\0{\"title\":\"b\"}", 27), 400),
                   refused_body("A raw NUL inside a string.", "POST", "/notes",
                                std::string("{\"title\":\"a\0b\"}", 15), 400),
               });
  expect_unchanged();
}

}  // namespace
}  // namespace apiserver::test
