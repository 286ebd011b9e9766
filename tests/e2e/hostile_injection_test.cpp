// SQL injection and path traversal in every kind of parameter of a stored resource
// (tests/e2e/specs/hostile_notes.yaml): the item path, the query (a filter, the sort, a
// parameter's name), a header, a cookie and the body. Every statement binds its values, so a
// payload is only ever text: it finds nothing, is refused, or is stored and read back as
// written; afterwards the stored notes are exactly what they were.
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

const std::vector<std::string> kPayloads = {
    // SQL
    "' OR '1'='1",
    "first' --",
    "first'; DROP TABLE notes; --",
    "'); DELETE FROM notes; --",
    "1 OR 1=1",
    "\" OR \"\"=\"",
    "%' OR title LIKE '%",
    "first' UNION SELECT name, title FROM notes --",
    "first\\' OR 1=1 --",
    // Path traversal
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "....//....//etc/passwd",
    "/etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "file:///etc/passwd",
};

// Every byte but the unreserved ones percent-encoded, so a payload stays one path segment or
// one query value.
std::string encoded(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

class HostileInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(client_.post("/notes", R"({"name":"first","title":"one"})").status, 201);
    ASSERT_EQ(client_.post("/notes", R"({"name":"second","title":"two"})").status, 201);
    HttpResponse all = client_.get("/notes");
    ASSERT_EQ(all.status, 200);
    stored_ = all.body;
  }

  // The server still serves, and holds exactly what SetUp stored.
  void expect_unchanged() {
    HttpClient fresh(server_.port());
    HttpResponse r = fresh.get("/notes");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, stored_);
  }

  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{test_data_path("e2e/specs/hostile_notes.yaml"),
                                                 "--db", dir_.file("i.db")}};
  HttpClient client_{server_.port()};
  std::string stored_;
};

TEST_F(HostileInjectionTest, InTheItemPathAPayloadNamesNoNote) {
  std::vector<Scenario> table;
  for (const std::string& payload : kPayloads) {
    const std::string item = "/notes/" + encoded(payload);
    table.push_back(Scenario("GET " + payload)
                        .get(item)
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
    table.push_back(Scenario("PUT " + payload)
                        .put(item, R"({"title":"pwned"})")
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
    table.push_back(Scenario("PATCH " + payload)
                        .patch(item, R"({"title":"pwned"})")
                        .header("Content-Type", "application/merge-patch+json")
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
    table.push_back(Scenario("DELETE " + payload)
                        .del(item)
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
  }
  // Unencoded dot segments are not resolved: they route nowhere.
  for (const std::string target : {"/notes/../../etc/passwd", "/../../etc/passwd",
                                   "/notes/%2e%2e/first", "/notes/x/../first", "/notes/./first"}) {
    table.push_back(Scenario("The target " + target)
                        .get(target)
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
  }
  run_each_scenario(client_, table);
  expect_unchanged();
}

TEST_F(HostileInjectionTest, InTheQueryAPayloadFiltersNothingAndSortsNothing) {
  std::vector<Scenario> table;
  for (const std::string& payload : kPayloads) {
    table.push_back(Scenario("title=" + payload)
                        .get("/notes?title=" + encoded(payload))
                        .expect_status(200)
                        .expect_body("[]"));
    table.push_back(Scenario("sort=" + payload)
                        .get("/notes?sort=" + encoded(payload))
                        .expect_status(422)
                        .expect("the body is a JSON object", is_json_object));
    table.push_back(Scenario("A parameter named " + payload)
                        .get("/notes?" + encoded(payload) + "=1")
                        .expect_status(422)
                        .expect("the body is a JSON object", is_json_object));
  }
  run_each_scenario(client_, table);
  expect_unchanged();
}

TEST_F(HostileInjectionTest, InAHeaderOrACookieAPayloadIsOnlyText) {
  std::vector<Scenario> table;
  for (const std::string& payload : kPayloads) {
    table.push_back(Scenario("X-Trace: " + payload)
                        .get("/notes/first")
                        .header("X-Trace", payload)
                        .expect_status(200)
                        .expect_body(R"({"name":"first","title":"one"})"));
    // A cookie value ends at ';', so the payload may be cut there; it is text either way.
    table.push_back(Scenario("Cookie: session=" + payload)
                        .get("/notes")
                        .header("Cookie", "session=" + payload)
                        .expect_status(200)
                        .expect_body(stored_));
    table.push_back(Scenario("DELETE with X-Trace and a cookie: " + payload)
                        .del("/notes/nothing")
                        .header("X-Trace", payload)
                        .header("Cookie", "session=" + payload + "; other=" + payload)
                        .expect_status(404)
                        .expect("the body is a JSON object", is_json_object));
  }
  run_each_scenario(client_, table);
  expect_unchanged();
}

TEST_F(HostileInjectionTest, InTheBodyAPayloadIsStoredAndReadBackAsWritten) {
  int n = 0;
  for (const std::string& payload : kPayloads) {
    SCOPED_TRACE(payload);
    // As a value.
    const std::string name = "inj-" + std::to_string(++n);
    HttpResponse made = client_.post_json("/notes", {{"name", name}, {"title", payload}});
    ASSERT_EQ(made.status, 201) << made.body;
    HttpResponse read = client_.get("/notes/" + name);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(read.json(), json({{"name", name}, {"title", payload}}));
    EXPECT_EQ(client_.get("/notes?title=" + encoded(payload)).json(),
              json::array({{{"name", name}, {"title", payload}}}));
    EXPECT_EQ(client_.del("/notes/" + name).status, 204);
    // As the key, which then comes back only by its exact (encoded) name.
    HttpResponse keyed = client_.post_json("/notes", {{"name", payload}, {"title", "t"}});
    ASSERT_EQ(keyed.status, 201) << keyed.body;
    HttpResponse by_key = client_.get("/notes/" + encoded(payload));
    ASSERT_EQ(by_key.status, 200) << by_key.body;
    EXPECT_EQ(by_key.json(), json({{"name", payload}, {"title", "t"}}));
    EXPECT_EQ(client_.del("/notes/" + encoded(payload)).status, 204);
    // As a member name nobody declared.
    HttpResponse member = client_.post_json("/notes", {{"title", "x"}, {payload, 1}});
    EXPECT_TRUE(member.status == 201 || member.status == 422) << member.status << member.body;
    if (member.status == 201) {
      const std::string location = member.header("location").value_or("");
      EXPECT_EQ(client_.del(location).status, 204) << location;
    }
  }
  expect_unchanged();
}

}  // namespace
}  // namespace apiserver::test
