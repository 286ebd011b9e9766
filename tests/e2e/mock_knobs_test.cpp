// Mock knobs, end to end (specs/mock.md "Knobs"): `delay` waits on the event loop's timer
// (another connection is served meanwhile; later responses on the same connection wait behind
// the delayed one), ranged delays, the document-wide `x-apiserver.mock` overridden knob by knob
// by an operation's `x-apiserver-mock`, `error-rate` answering a declared error (5xx, then
// `default` as 500, then 4xx) or 503 `injected-failure`, injected failures delayed like any
// answer, and invalid knobs refused at start-up.
//
// Timing assertions are lower bounds, with generous upper bounds only; the server runs with one
// event-loop thread so that a blocking wait would hold up every other connection.
//
// Fixtures: specs/mock_knobs.yaml (document-wide delay of 400ms) and
// specs/mock_knobs_global.yaml (document-wide error-rate of 1).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kDocumentDelay{400};  // x-apiserver.mock.delay of mock_knobs.yaml
// A deadline for answers: only a server that never answers reaches it, so it can be generous
// for a loaded machine. The delays are checked from below only.
constexpr milliseconds kGenerous{20000};

std::string spec(const std::string& name) {
  return test_data_path("e2e/specs/" + name);
}

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

std::string get_request(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

class MockKnobsTest : public ::testing::Test {
 protected:
  ServerProcess server_{{spec("mock_knobs.yaml"), "--threads", "1"}};
  HttpClient client_{server_.port()};
};

TEST_F(MockKnobsTest, ADelayedAnswerDoesNotHoldUpAnotherConnection) {
  RawConnection slow(server_.port());
  Clock::time_point start = Clock::now();
  slow.write(get_request("/slow"));

  // /fast overrides the document-wide delay with 0: it is answered while /slow still waits.
  HttpResponse fast = client_.get("/fast");
  ASSERT_EQ(fast.status, 200) << fast.body;
  EXPECT_EQ(fast.json(), json::parse(R"({"speed":"fast"})"));
  EXPECT_EQ(slow.read_available(milliseconds(0)), "")
      << "the delayed answer must still be pending when the other connection is answered";

  HttpResponse delayed = slow.read_response(kGenerous);
  milliseconds waited = since(start);
  EXPECT_EQ(delayed.status, 200) << delayed.body;
  EXPECT_EQ(delayed.json(), json::parse(R"({"speed":"slow"})"));
  EXPECT_GE(waited, kDocumentDelay);
}

TEST_F(MockKnobsTest, LaterAnswersOnTheSameConnectionWaitBehindADelayedOne) {
  RawConnection connection(server_.port());
  Clock::time_point start = Clock::now();
  connection.write(get_request("/slow") + get_request("/fast"));
  HttpResponse first = connection.read_response(kGenerous);
  HttpResponse second = connection.read_response(kGenerous);
  milliseconds waited = since(start);
  EXPECT_EQ(first.json(), json::parse(R"({"speed":"slow"})")) << "answers keep request order";
  EXPECT_EQ(second.json(), json::parse(R"({"speed":"fast"})"));
  EXPECT_GE(waited, kDocumentDelay);
}

TEST_F(MockKnobsTest, ARangedDelayWaitsAtLeastItsMinimum) {
  // {min: 500ms, max: 700ms}: longer than the document-wide 400ms, so the override shows.
  std::vector<RawConnection> connections;
  Clock::time_point start = Clock::now();
  for (int i = 0; i < 3; ++i) {
    connections.emplace_back(server_.port());
    connections.back().write(get_request("/ranged"));
  }
  for (RawConnection& c : connections) {
    HttpResponse r = c.read_response(kGenerous);
    milliseconds waited = since(start);
    EXPECT_EQ(r.json(), json::parse(R"({"speed":"ranged"})"));
    EXPECT_GE(waited, milliseconds(500));
  }
}

TEST_F(MockKnobsTest, ADelayOverASecondIsAnsweredOnTime) {
  // The loop's timers count whole seconds above one: the answer is held past the first
  // firing and must still go out, soon after 1.2 s.
  RawConnection connection(server_.port());
  Clock::time_point start = Clock::now();
  connection.write(get_request("/longer"));
  HttpResponse r = connection.read_response(kGenerous);
  milliseconds waited = since(start);
  EXPECT_EQ(r.json(), json::parse(R"({"speed":"longer"})"));
  EXPECT_GE(waited, milliseconds(1200));
}

TEST_F(MockKnobsTest, ErrorRateOneAnswersADeclared5xxFirst) {
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = client_.get("/flaky");
    ASSERT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.json(), json::parse(R"({"error":"down"})"));
    EXPECT_EQ(r.header("retry-after"), "7") << "the error response's declared header";
  }
}

TEST_F(MockKnobsTest, ErrorRateOneAnswersDefaultAs500WithoutA5xx) {
  HttpResponse r = client_.get("/flaky-default");
  ASSERT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"error":"unexpected"})"));
}

TEST_F(MockKnobsTest, ErrorRateOneAnswersA4xxWhenThatIsTheOnlyError) {
  HttpResponse r = client_.get("/flaky-client");
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"error":"conflict"})"));
}

TEST_F(MockKnobsTest, ErrorRateOneWithoutADeclaredErrorIs503InjectedFailure) {
  HttpResponse r = client_.get("/fragile");
  ASSERT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json(), json::parse(R"({"type":"urn:apiserver:problem:injected-failure",
      "title":"Injected failure","status":503,
      "detail":"this failure was injected by the mock error-rate of GET /fragile",
      "instance":"/fragile"})"));
}

TEST_F(MockKnobsTest, InjectedFailuresWaitOutTheDelayToo) {
  // A slow failing backend: {delay: 300ms, error-rate: 1}, without and with a declared error.
  for (const char* path : {"/fragile-slow", "/flaky-slow"}) {
    Clock::time_point start = Clock::now();
    HttpResponse r = client_.get(path);
    milliseconds waited = since(start);
    if (std::string(path) == "/fragile-slow") {
      ASSERT_EQ(r.status, 503) << r.body;
      EXPECT_EQ(r.json().value("type", ""), "urn:apiserver:problem:injected-failure");
    } else {
      ASSERT_EQ(r.status, 502) << r.body;
      EXPECT_EQ(r.json(), json::parse(R"({"error":"upstream"})"));
    }
    EXPECT_GE(waited, milliseconds(300)) << path;
  }
}

TEST_F(MockKnobsTest, ErrorRateZeroNeverFails) {
  for (int i = 0; i < 20; ++i) {
    HttpResponse r = client_.get("/steady");
    ASSERT_EQ(r.status, 200) << r.body;
  }
}

TEST_F(MockKnobsTest, ErrorRateIsTheShareOfFailedAnswers) {
  // error-rate 0.5 over 200 requests: the failures stay within about 5.6 standard deviations
  // of 100, so this fails by chance about once in 10^8 runs.
  int failures = 0;
  for (int i = 0; i < 200; ++i) {
    HttpResponse r = client_.get("/coin");
    ASSERT_TRUE(r.status == 200 || r.status == 500) << r.status << " " << r.body;
    if (r.status == 500) {
      ++failures;
      EXPECT_EQ(r.json(), json::parse(R"({"side":"tails"})"));
    }
  }
  EXPECT_GE(failures, 60);
  EXPECT_LE(failures, 140);
}

TEST(MockKnobsDocumentWide, OperationsOverrideTheDocumentKnobsOneByOne) {
  ServerProcess server({spec("mock_knobs_global.yaml"), "--threads", "1"});
  HttpClient client(server.port());

  HttpResponse inherits = client.get("/inherits");
  EXPECT_EQ(inherits.status, 503) << inherits.body;
  EXPECT_EQ(inherits.json().value("type", ""), "urn:apiserver:problem:injected-failure");

  HttpResponse declared = client.get("/declared");
  EXPECT_EQ(declared.status, 500) << declared.body;
  EXPECT_EQ(declared.json(), json::parse(R"({"error":"broken"})"));

  HttpResponse exempt = client.get("/exempt");
  EXPECT_EQ(exempt.status, 200) << exempt.body;
  EXPECT_EQ(exempt.json(), json::parse(R"({"ok":true})"));

  // Its own delay, the document's error-rate.
  Clock::time_point start = Clock::now();
  HttpResponse delayed = client.get("/delayed");
  milliseconds waited = since(start);
  EXPECT_EQ(delayed.status, 500) << delayed.body;
  EXPECT_EQ(delayed.json(), json::parse(R"({"error":"broken"})"));
  EXPECT_GE(waited, milliseconds(300));
}

// ---------------------------------------------------------------------------------------------
// Invalid knobs stop start-up.

// A document whose x-apiserver.mock is `document_knobs` (flow YAML, "" for none) and whose
// only operation has x-apiserver-mock `operation_knobs` ("" for none).
std::string knobs_document(const std::string& document_knobs, const std::string& operation_knobs) {
  std::string out =
      "openapi: 3.0.3\n"
      "info: {title: Knobs, version: 1.0.0}\n"
      "x-apiserver:\n"
      "  mode: mock\n";
  if (!document_knobs.empty()) out += "  mock: " + document_knobs + "\n";
  out +=
      "paths:\n"
      "  /x:\n"
      "    get:\n";
  if (!operation_knobs.empty()) out += "      x-apiserver-mock: " + operation_knobs + "\n";
  out +=
      "      responses:\n"
      "        \"200\": {description: ok}\n";
  return out;
}

struct BadKnobs {
  std::string document_knobs;
  std::string operation_knobs;
  std::string diagnostic;  // what `validate` prints, after "knobs.yaml:"
};

TEST(MockKnobsStartUp, InvalidKnobsAreRefusedWithAClearMessage) {
  const std::string kDuration =
      "'delay' must be a duration such as 200ms or 2s, or {min: 100ms, max: 1s}, at most 30s";
  const std::vector<BadKnobs> cases = {
      {"{delay: 31s}", "",
       "5:17: error: 'delay' of 31000ms is over the 30s limit (at /x-apiserver/mock/delay)"},
      {"", "{delay: {min: 100ms, max: 45s}}",
       "8:33: error: 'delay' of 45000ms is over the 30s limit "
       "(at /paths/~1x/get/x-apiserver-mock/delay)"},
      {"", "{delay: {min: 2s, max: 1s}}",
       "8:33: error: 'delay' has min 2000ms above max 1000ms "
       "(at /paths/~1x/get/x-apiserver-mock/delay)"},
      {"{delay: soon}", "", "5:17: error: " + kDuration + " (at /x-apiserver/mock/delay)"},
      {"{delay: 1.5s}", "", "5:17: error: " + kDuration + " (at /x-apiserver/mock/delay)"},
      {"{delay: -5}", "", "5:17: error: " + kDuration + " (at /x-apiserver/mock/delay)"},
      {"{delay: {min: 1s}}", "", "5:17: error: " + kDuration + " (at /x-apiserver/mock/delay)"},
      {"{error-rate: 2}", "",
       "5:22: error: 'error-rate' must be a number from 0 to 1 (at /x-apiserver/mock/error-rate)"},
      {"", "{error-rate: -0.5}",
       "8:38: error: 'error-rate' must be a number from 0 to 1 "
       "(at /paths/~1x/get/x-apiserver-mock/error-rate)"},
      {"{jitter: 5ms}", "",
       "5:18: error: unknown setting 'jitter' (known: delay, error-rate) "
       "(at /x-apiserver/mock/jitter)"},
  };
  for (const BadKnobs& c : cases) {
    SCOPED_TRACE("mock: " + c.document_knobs + " x-apiserver-mock: " + c.operation_knobs);
    TempDir dir;
    std::string path =
        write_file(dir, "knobs.yaml", knobs_document(c.document_knobs, c.operation_knobs));

    RunResult validated = ServerProcess::run({"validate", path});
    EXPECT_EQ(validated.exit_code, 1);
    EXPECT_EQ(validated.out,
              path + ":" + c.diagnostic + "\n" + path + ": 1 error(s), 0 warning(s)\n");

    RunResult served = ServerProcess::run({path, "--port", "0"}, std::chrono::seconds(10));
    EXPECT_EQ(served.exit_code, 2) << served.err;
    EXPECT_NE(served.err.find(path + ":" + c.diagnostic), std::string::npos) << served.err;
    EXPECT_NE(served.err.find("nothing is served"), std::string::npos) << served.err;
    EXPECT_EQ(served.err.find("listening"), std::string::npos) << served.err;
  }
}

TEST(MockKnobsStartUp, ThirtySecondsIsTheLongestDelayAccepted) {
  for (std::string knobs :
       {"{delay: 30s}", "{delay: 30000}", "{delay: {min: 0, max: 30s}}", "{error-rate: 0}"}) {
    SCOPED_TRACE(knobs);
    TempDir dir;
    std::string path = write_file(dir, "knobs.yaml", knobs_document(knobs, ""));
    RunResult validated = ServerProcess::run({"validate", path});
    EXPECT_EQ(validated.exit_code, 0) << validated.out;
  }
}

// x-apiserver-mock on an operation that is stored is still a knob: it applies under --mock
// (which turns unseeded resources into mocks), so `validate` must check it like any other.
TEST(MockKnobsStartUp, InvalidKnobsOfAStoredOperationAreRefusedToo) {
  TempDir dir;
  std::string path = write_file(dir, "stored.yaml", R"(openapi: 3.0.3
info: {title: Stored knobs, version: 1.0.0}
paths:
  /things:
    get:
      x-apiserver-mock: {delay: 45s}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Thing"}}
  /things/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties: {id: {type: integer}, name: {type: string}}
)");
  RunResult validated = ServerProcess::run({"validate", path});
  EXPECT_EQ(validated.exit_code, 1) << validated.out;
  EXPECT_NE(validated.out.find("'delay' of 45000ms is over the 30s limit"), std::string::npos)
      << validated.out;
}

}  // namespace
}  // namespace apiserver::test
