// Text that is not UTF-8 in every place a request carries text, on a stored resource
// (tests/e2e/specs/hostile_notes.yaml): the path (percent-encoded and raw), the query (a value
// and a name), a header and a cookie; plus percent-encodings that decode to a NUL or do not
// decode. Bodies are hostile_bodies_test.cpp's. A declared string parameter holds text, so
// bytes that are not UTF-8 are a 4xx (422 naming the parameter) rather than a string a schema
// or the store would take for one; anything else finds nothing. The server serves after each
// table and the stored note is unchanged.
#include <gtest/gtest.h>

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

constexpr char kFirst[] = R"({"name":"first","title":"one"})";

// A 422 naming parameter `name` in `in` with a JSON body.
Scenario not_utf8(std::string scenario, std::string in, std::string name) {
  return Scenario(std::move(scenario))
      .expect_status(422)
      .expect("the body is a JSON object", is_json_object)
      .expect("the error names the parameter", [in, name](const HttpResponse& r) {
        json body = json::parse(r.body, nullptr, false);
        if (!body.is_object() || !body.contains("errors")) return false;
        for (const json& e : body["errors"])
          if (e.value("in", "") == in && e.value("name", "") == name) return true;
        return false;
      });
}

class HostileEncodingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(client_.post("/notes", kFirst).status, 201); }

  void expect_unchanged() {
    HttpClient fresh(server_.port());
    HttpResponse r = fresh.get("/notes");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, std::string("[") + kFirst + "]");
  }

  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{test_data_path("e2e/specs/hostile_notes.yaml"),
                                                 "--db", dir_.file("e.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(HostileEncodingTest, AStringParameterThatIsNotUtf8Is422) {
  run_each_scenario(
      client_,
      {
          not_utf8("A query value of 0xFF 0xFE.", "query", "title").get("/notes?title=%FF%FE"),
          not_utf8("A query value of raw 0xFF.", "query", "title").get("/notes?title=\xff"),
          not_utf8("An overlong '/' in a query value.", "query", "title")
              .get("/notes?title=%C0%AF"),
          not_utf8("An encoded surrogate in a query value.", "query", "title")
              .get("/notes?title=%ED%A0%80"),
          not_utf8("A truncated sequence in a query value.", "query", "title")
              .get("/notes?title=caf%C3"),
          not_utf8("Latin-1 in the sort parameter.", "query", "sort").get("/notes?sort=caf%E9"),
          not_utf8("A header value of 0xFF 0xFE.", "header", "x-trace")
              .get("/notes/first")
              .header("X-Trace", "\xff\xfe"),
          not_utf8("A cookie value of 0xFF 0xFE.", "cookie", "session")
              .get("/notes/first")
              .header("Cookie", "session=\xff\xfe"),
          not_utf8("A path segment of 0xFF 0xFE (percent-encoded).", "path", "name")
              .get("/notes/%FF%FE"),
          not_utf8("A path segment of raw 0xFF.", "path", "name").get("/notes/\xff"),
          not_utf8("Latin-1 in the key of a PUT.", "path", "name")
              .put("/notes/caf%E9", R"({"title":"x"})"),
          not_utf8("Latin-1 in the key of a DELETE.", "path", "name").del("/notes/caf%E9"),
      });
  expect_unchanged();
}

TEST_F(HostileEncodingTest, OtherOddTextFindsNothing) {
  run_each_scenario(client_,
                    {
                        Scenario("A query name that is not UTF-8 is an unknown parameter.")
                            .get("/notes?%FF=1")
                            .expect_status(422)
                            .expect("the body is a JSON object", is_json_object),
                        Scenario("A path that is not UTF-8 outside any template matches nothing.")
                            .get("/n%FFtes/first")
                            .expect_status(404)
                            .expect("the body is a JSON object", is_json_object),
                        Scenario("A NUL in a key names no note.")
                            .get("/notes/first%00")
                            .expect_status(404)
                            .expect("the body is a JSON object", is_json_object),
                        Scenario("A NUL in a filter matches nothing.")
                            .get("/notes?title=one%00")
                            .expect_status(200)
                            .expect_body("[]"),
                        Scenario("A broken escape in a key names no note.")
                            .get("/notes/first%zz")
                            .expect_status(404)
                            .expect("the body is a JSON object", is_json_object),
                        Scenario("Well-formed UTF-8 in a header parameter is accepted.")
                            .get("/notes/first")
                            .header("X-Trace", "caf\xc3\xa9 \xf0\x9f\x8d\xb5")
                            .expect_status(200)
                            .expect_body(kFirst),
                        Scenario("Well-formed UTF-8 in a filter is accepted.")
                            .get("/notes?title=caf%C3%A9")
                            .expect_status(200)
                            .expect_body("[]"),
                        Scenario("A header nobody declared may hold any octets.")
                            .get("/notes/first")
                            .header("X-Other", "\xff\xfe")
                            .expect_status(200)
                            .expect_body(kFirst),
                    });
  expect_unchanged();
}

}  // namespace
}  // namespace apiserver::test
