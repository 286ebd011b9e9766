// Hostile but legal bodies: 200 KB strings (well within the 1 MiB body limit) in properties
// that carry a `pattern` (including the catastrophic-backtracking '^(a+)+$') or a `format`
// (email, date-time, uri, uuid, hostname, ipv4, ipv6, date), matching and not matching, and
// long object keys checked by patternProperties. Every request must get its 201 or 422 within
// the client's deadline (a backtracking blow-up would not answer at all) and the server must
// keep serving. How long each takes is a matter for bench/, not for a test that shares the
// machine with others. Fixture: specs/long_strings.yaml.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr size_t kLong = 200 * 1024;

std::string repeat(const std::string& unit, size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

class LongStringsTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{test_data_path("e2e/specs/long_strings.yaml"),
                                                 "--db", dir_.file("long.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(LongStringsTest, LongValuesForPatternsAndFormatsAreAnsweredQuickly) {
  const std::string kPattern = "must match the pattern ";
  const std::string kEmail = "must be an e-mail address, e.g. user@example.com";
  const std::string kDateTime = "must be a date-time as in RFC 3339, e.g. 2024-05-01T12:00:00Z";
  const std::string kUri = "must be an absolute URI as in RFC 3986, e.g. https://example.com/a";
  // Each scenario sets one property to a long value. An accepted one is stored whole under the
  // next key; a refused one has that property's single error.
  int created = 0;
  auto accepted = [&created](std::string name, const std::string& property,
                             const std::string& value) {
    ++created;
    return Scenario(std::move(name))
        .post("/samples", json{{property, value}}.dump())
        .expect_status(201)
        .expect_header("location", "/samples/" + std::to_string(created))
        .expect_json({{"id", created}, {property, value}});
  };
  auto refused = [](std::string name, const std::string& property, const std::string& value,
                    const std::string& detail) {
    return Scenario(std::move(name))
        .post("/samples", json{{property, value}}.dump())
        .expect_status(422)
        .expect_json(validation_problem("/samples", {body_error("/" + property, detail)}));
  };
  // Braced lists are evaluated in order, so `created` counts along the list.
  ASSERT_NO_FATAL_FAILURE(run_scenarios(
      client_,
      {
          accepted("A long matching value for a simple pattern.", "word", std::string(kLong, 'a')),
          refused("A long value that breaks a simple pattern at its end.", "word",
                  std::string(kLong, 'a') + "1", kPattern + "^[a-z]+$"),
          refused("A long value that breaks a simple pattern at its start.", "word",
                  "1" + std::string(kLong, 'a'), kPattern + "^[a-z]+$"),
          accepted("A long matching value for a nested quantifier.", "nested",
                   std::string(kLong, 'a')),
          refused(
              "A long near-miss for a nested quantifier (exponential for a backtracking engine).",
              "nested", std::string(kLong, 'a') + "!", kPattern + "^(a+)+$"),
          refused("A long local part is not an e-mail address.", "email", std::string(kLong, 'a'),
                  kEmail),
          refused("A long host label is not an e-mail domain.", "email",
                  "a@" + std::string(kLong, 'b') + ".com", kEmail),
          refused("A domain of many labels is too long for an e-mail address.", "email",
                  "a@" + repeat("b.", kLong / 2) + "com", kEmail),
          accepted("Long fractional seconds are a valid date-time.", "stamp",
                   "2024-01-01T00:00:00." + std::string(kLong, '1') + "Z"),
          refused("Long garbage inside a date-time is refused.", "stamp",
                  "2024-01-01T00:00:00" + std::string(kLong, '0') + "Z", kDateTime),
          accepted("A long path is a valid URI.", "link",
                   "https://example.com/" + std::string(kLong, 'a')),
          accepted("A long query of escapes is a valid URI.", "link",
                   "http://x/?" + repeat("%41", kLong / 3)),
          refused("A long scheme-less string is not an absolute URI.", "link",
                  std::string(kLong, 'a'), kUri),
          refused("Long spaces make a URI invalid.", "link",
                  "https://example.com/" + std::string(kLong, ' '), kUri),
          refused("A long string is not a UUID.", "uuid", std::string(kLong, '0'),
                  "must be a UUID, e.g. 123e4567-e89b-12d3-a456-426614174000"),
          refused("A long label is not a host name.", "host", std::string(kLong, 'a'),
                  "must be a host name as in RFC 1123, e.g. api.example.com"),
          refused("Many labels make too long a host name.", "host", repeat("a.", kLong / 2) + "com",
                  "must be a host name as in RFC 1123, e.g. api.example.com"),
          refused("Long digits are not an IPv4 address.", "ipv4", std::string(kLong, '1'),
                  "must be an IPv4 address in dotted-quad form, e.g. 192.0.2.1"),
          refused("Many groups are not an IPv6 address.", "ipv6", repeat("1:", kLong / 2),
                  "must be an IPv6 address as in RFC 4291, e.g. 2001:db8::1"),
          refused("Long colons are not an IPv6 address.", "ipv6", std::string(kLong, ':'),
                  "must be an IPv6 address as in RFC 4291, e.g. 2001:db8::1"),
          refused("Long digits are not a date.", "day", std::string(kLong, '2'),
                  "must be a date as in RFC 3339, e.g. 2024-05-01"),
      }));
  // Everything accepted was stored whole, and the server still answers.
  ASSERT_TRUE(server_.running());
  HttpResponse first = client_.get("/samples/1");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.json()["word"].get<std::string>().size(), kLong);
  HttpResponse list = client_.get("/samples?limit=100", {{"Prefer", "count=exact"}});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.header("x-total-count"), std::to_string(created));
}

TEST_F(LongStringsTest, SeveralLongBadValuesAreAllReported) {
  json body = {{"word", std::string(kLong, 'a') + "1"},
               {"email", std::string(kLong, 'a')},
               {"uuid", std::string(kLong, '0')},
               {"day", std::string(kLong, '2')}};
  HttpResponse r = client_.post_json("/samples", body);
  ASSERT_EQ(r.status, 422) << r.body.substr(0, 300);
  const json problem = r.json();
  std::vector<std::string> pointers;
  for (const json& e : problem["errors"]) pointers.push_back(e["pointer"]);
  std::sort(pointers.begin(), pointers.end());
  EXPECT_EQ(pointers, (std::vector<std::string>{"/day", "/email", "/uuid", "/word"}));
  EXPECT_EQ(problem["detail"], "4 errors in the request");
}

TEST_F(LongStringsTest, LongKeysCheckedByPatternPropertiesAreRefusedNotMatched) {
  const std::string limit_key(256, 'a');
  HttpResponse at_limit = client_.post_json("/samples", {{"labels", {{limit_key, "x"}}}});
  ASSERT_EQ(at_limit.status, 201) << at_limit.body.substr(0, 300);
  EXPECT_EQ(at_limit.json()["labels"], json({{limit_key, "x"}}));

  for (const size_t length : {size_t{257}, kLong}) {
    SCOPED_TRACE(length);
    HttpResponse r = client_.post_json("/samples", {{"labels", {{std::string(length, 'a'), "x"}}}});
    ASSERT_EQ(r.status, 422) << r.body.substr(0, 300);
    EXPECT_EQ(r.json()["errors"],
              json::parse(R"([{"in":"body","pointer":"/labels",)"
                          R"("detail":"has a property name longer than 256 characters"}])"));
  }
  HttpResponse unmatched = client_.post_json("/samples", {{"labels", {{"b", "x"}}}});
  ASSERT_EQ(unmatched.status, 422) << unmatched.body;
  EXPECT_EQ(unmatched.json()["errors"], json::parse(R"([{"in":"body","pointer":"/labels/b",)"
                                                    R"("detail":"is not an allowed property"}])"));
}

// patternProperties keys are matched with std::regex (inside valijson), a backtracking engine:
// a short key near '^(a+)+$' would take exponential time. Such patterns are refused when the
// document is compiled, with the line of the pattern.
TEST(LongStringsDocument, ACatastrophicPatternPropertiesPatternIsRefused) {
  TempDir dir;
  std::string spec = write_file(dir, "bad.yaml", R"(openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /samples:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              patternProperties:
                '^(a+)+$': {type: string}
      responses: {'204': {description: ok}}
)");
  RunResult r = ServerProcess::run({"validate", spec});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("bad.yaml:12:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("'^(a+)+$' repeats a group"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace apiserver::test
