// Forwarded operations against a real upstream (a FastAPI app under uvicorn, started here):
// what reaches the upstream (method, rewritten path, query, body, end-to-end headers, the
// forwarding fields, the caller's identity and never its credentials unless declared), what
// comes back (status, end-to-end headers, body), and what the gateway answers itself: the
// request's errors before anything is forwarded, 502 for an upstream that is down, 504 for one
// too slow, 503 past the bound on requests in flight.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Gateway, version: "1"}
x-apiserver:
  upstream: {url: "${ECHO_URL}", identity-header: X-Caller}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key, x-apiserver-keys: "${KEYS}"}
    querykey: {type: apiKey, in: query, name: api_key, x-apiserver-keys: "${KEYS}"}
  schemas:
    Input:
      type: object
      required: [text]
      properties: {text: {type: string, minLength: 1}}
    Note:
      type: object
      required: [text]
      properties: {id: {type: integer, readOnly: true}, text: {type: string}}
paths:
  /api/echo/{rest}:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /api, identity-header: X-Caller}
    parameters: [{name: rest, in: path, required: true, schema: {type: string}}]
    get:
      security: [{key: []}, {querykey: []}]
      responses: {"200": {description: What reached the upstream}}
    post:
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Input"}}}
      responses: {"200": {description: What reached the upstream}}
  /echo/{rest}:
    parameters: [{name: rest, in: path, required: true, schema: {type: string}}]
    get:
      x-apiserver-upstream: {url: "${ECHO_URL}", pass-credentials: true}
      security: [{key: []}]
      responses: {"200": {description: What reached the upstream}}
  /slow:
    x-apiserver-upstream: {url: "${ECHO_URL}", timeout: 800ms, max-in-flight: 1}
    get:
      parameters: [{name: ms, in: query, required: true, schema: {type: integer, maximum: 5000}}]
      responses: {"200": {description: Slept}}
  /status/{code}:
    get:
      parameters: [{name: code, in: path, required: true, schema: {type: integer}}]
      responses:
        "200": {description: The status asked for, content: {application/json: {schema: {type: object}}}}
        "204": {description: Nothing}
  /checked/status/{code}:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get:
      parameters: [{name: code, in: path, required: true, schema: {type: integer}}]
      responses:
        "204": {description: Nothing}
        2XX:
          description: The status asked for
          content:
            application/json:
              schema: {type: object, required: [status], properties: {status: {type: integer, maximum: 200}}}
        "404":
          description: Not there
          headers: {X-Upstream: {required: true, schema: {type: string}}}
          content: {application/json: {schema: {type: object}}}
  /checked/gzip:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get:
      responses:
        "200":
          description: Compressed
          content: {application/json: {schema: {type: object, properties: {status: {type: integer, maximum: 200}}}}}
  /checked/text:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get:
      responses:
        "200": {description: Words, content: {application/json: {schema: {type: string}}}}
  /down:
    get:
      x-apiserver-upstream: {url: "${DOWN_URL}", connect-timeout: 1s}
      responses: {"200": {description: Never}}
  /notes:
    x-apiserver-upstream: false
    get:
      responses:
        "200":
          description: Stored here
          content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "201": {description: Stored, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    x-apiserver-upstream: false
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
)";
// A port nothing listens on: bound, then closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

class GatewayForwardingTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess upstream_ = ServerProcess::with_binary(
      "/usr/bin/python3", {test_data_path("e2e/upstreams/echo_upstream.py")});
  ServerProcess server_{
      {write_file(dir_, "gateway.yaml", kDocument), "--db", dir_.file("gateway.db")},
      {{"ECHO_URL", upstream_.url()},
       {"DOWN_URL", "http://127.0.0.1:" + std::to_string(closed_port())},
       {"KEYS", "alice=secret-alice-0001,bob=secret-bob-00000001"}}};
  HttpClient client_{server_.port()};

  // GET `target` on a connection of its own, answered in the background.
  std::future<HttpResponse> get_in_background(const std::string& target) {
    return std::async(std::launch::async, [this, target] {
      HttpClient other(server_.port());
      return other.get(target);
    });
  }
};

TEST_F(GatewayForwardingTest, ForwardsMethodPathQueryBodyAndEndToEndFields) {
  HttpResponse r = client_.post("/api/echo/one%20two?b=2&a=1", R"({"text":"hello"})",
                                {{"Content-Type", "application/json"},
                                 {"X-Custom", "kept"},
                                 {"Connection", "keep-alive, X-Hop"},
                                 {"X-Hop", "dropped"},
                                 {"X-Forwarded-For", "6.6.6.6"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json seen = r.json();
  EXPECT_EQ(seen["method"], "POST");
  EXPECT_EQ(seen["path"], "/echo/one two") << "the prefix is stripped, the rest goes as sent";
  EXPECT_EQ(seen["query"], "b=2&a=1");
  EXPECT_EQ(seen["body"], R"({"text":"hello"})");
  const json& headers = seen["headers"];
  EXPECT_EQ(headers["x-custom"], "kept");
  EXPECT_EQ(headers["content-type"], "application/json");
  EXPECT_FALSE(headers.contains("x-hop")) << "named by Connection: this hop only";
  EXPECT_EQ(headers["x-forwarded-for"], "127.0.0.1") << "a client cannot write its own";
  EXPECT_EQ(headers["x-forwarded-proto"], "http");
  EXPECT_EQ(headers["x-forwarded-host"], "127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(headers["forwarded"],
            "for=127.0.0.1;proto=http;host=\"127.0.0.1:" + std::to_string(server_.port()) + "\"");
  EXPECT_EQ(headers["host"], upstream_.url().substr(std::string("http://").size()));
  EXPECT_FALSE(headers.contains("x-caller")) << "no caller was authenticated";
  // The upstream's answer comes back with its end-to-end fields only.
  EXPECT_EQ(r.header("x-upstream"), "echo");
  EXPECT_FALSE(r.header("x-secret-hop")) << "the upstream named it in its Connection field";
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header_values("date").size(), 1u);
  ASSERT_TRUE(r.header("x-request-id")) << "the answer is finished like any other";
  EXPECT_EQ(headers["x-request-id"], *r.header("x-request-id")) << "one id on both sides";
}

TEST_F(GatewayForwardingTest, AGetWithABodyStaysAGet) {
  // Its authentication, limits and retries were decided for a GET: the upstream must see one.
  HttpResponse r =
      client_.request("GET", "/api/echo/with-body", R"({"text":"x"})",
                      {{"X-Api-Key", "secret-alice-0001"}, {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["method"], "GET");
}

TEST_F(GatewayForwardingTest, AnswersHeadWithTheLengthOfWhatGetWouldSend) {
  const Headers key = {{"X-Api-Key", "secret-alice-0001"}};
  HttpResponse got = client_.get("/api/echo/length", key);
  ASSERT_EQ(got.status, 200) << got.body;
  HttpResponse head = client_.head("/api/echo/length", key);
  ASSERT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  // The echo tells the method it saw, so HEAD's body would be one byte longer than GET's.
  EXPECT_EQ(head.header("content-length"), std::to_string(got.body.size() + 1));
}

TEST_F(GatewayForwardingTest, RefusesAnInvalidRequestBeforeForwardingIt) {
  HttpResponse r = client_.post("/api/echo/x", R"({"text":""})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["errors"][0]["pointer"], "/text");
  HttpResponse query = client_.get("/slow?ms=many");
  EXPECT_EQ(query.status, 422) << query.body;
}

TEST_F(GatewayForwardingTest, PassesTheCallersIdentityAndKeepsItsCredentials) {
  HttpResponse missing = client_.get("/api/echo/x");
  EXPECT_EQ(missing.status, 401) << "refused here, never forwarded";
  HttpResponse r = client_.get(
      "/api/echo/x?keep=1",
      {{"X-Api-Key", "secret-alice-0001"}, {"X-Caller", "admin"}, {"Cookie", "theme=dark"}});
  ASSERT_EQ(r.status, 200) << r.body;
  json headers = r.json()["headers"];
  EXPECT_FALSE(headers.contains("x-api-key")) << "the credential stays at the gateway";
  EXPECT_EQ(headers["x-caller"], "alice") << "the caller as authenticated, not as claimed";
  EXPECT_EQ(headers["cookie"], "theme=dark");
  HttpResponse by_query = client_.get("/api/echo/x?api_key=secret-bob-00000001&keep=1");
  ASSERT_EQ(by_query.status, 200) << by_query.body;
  EXPECT_EQ(by_query.json()["query"], "keep=1");
  EXPECT_EQ(by_query.json()["headers"]["x-caller"], "bob");
  // Declared: the credential goes on as sent.
  HttpResponse passed = client_.get("/echo/x", {{"X-Api-Key", "secret-alice-0001"}});
  ASSERT_EQ(passed.status, 200) << passed.body;
  EXPECT_EQ(passed.json()["headers"]["x-api-key"], "secret-alice-0001");
}

TEST_F(GatewayForwardingTest, ReportsAnAnswerThatBreaksTheDocumentAndPassesItOn) {
  HttpResponse fine = client_.get("/status/200");
  EXPECT_EQ(fine.status, 200);
  EXPECT_FALSE(fine.header("apiserver-response-violations"));
  HttpResponse teapot = client_.get("/status/418");
  EXPECT_EQ(teapot.status, 418) << "report, the default: passed on as it is";
  EXPECT_EQ(teapot.json()["status"], 418);
  EXPECT_EQ(teapot.header("apiserver-response-violations"), "1");
  EXPECT_TRUE(server_.wait_for_log(
      "GET /status/418: the upstream's answer 418 breaks the document: status: 418 is not "
      "declared"));
  HttpResponse metrics = client_.get("/metrics");
  EXPECT_NE(metrics.body.find("apiserver_response_violations_total{route=\"/status/{code}\","
                              "method=\"GET\"} 1"),
            std::string::npos)
      << metrics.body;
}

TEST_F(GatewayForwardingTest, EnforcesTheDeclaredResponsesWhereDeclared) {
  HttpResponse ok = client_.get("/checked/status/200");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(client_.get("/checked/status/204").status, 204);
  HttpResponse undeclared = client_.get("/checked/status/500");
  ASSERT_EQ(undeclared.status, 502) << undeclared.body;
  EXPECT_EQ(undeclared.header("content-type"), "application/problem+json");
  const json expected_status = {
      {"in", "response"}, {"name", "status"}, {"pointer", ""}, {"detail", "500 is not declared"}};
  EXPECT_EQ(undeclared.json()["errors"], json::array({expected_status}));
  HttpResponse schema = client_.get("/checked/status/202");
  ASSERT_EQ(schema.status, 502) << schema.body;
  EXPECT_EQ(schema.json()["errors"][0]["pointer"], "/status") << schema.body;
  HttpResponse no_header = client_.get("/checked/status/404");
  ASSERT_EQ(no_header.status, 502) << no_header.body;
  EXPECT_EQ(no_header.json()["errors"][0]["name"], "x-upstream") << no_header.body;
  HttpResponse compressed = client_.get("/checked/gzip", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(compressed.status, 200) << "a compressed body is passed on unread";
  EXPECT_EQ(compressed.header("content-encoding"), "gzip");
  HttpResponse text = client_.get("/checked/text");
  ASSERT_EQ(text.status, 502) << text.body;
  EXPECT_EQ(text.json()["errors"][0]["name"], "content-type") << text.body;
}

TEST_F(GatewayForwardingTest, AnUpstreamThatIsDownIsA502) {
  HttpResponse r = client_.get("/down");
  ASSERT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  EXPECT_EQ(r.json()["type"], "urn:apiserver:problem:bad-gateway");
  EXPECT_EQ(r.json()["detail"], "the upstream could not be reached") << "no address leaks";
  EXPECT_TRUE(server_.wait_for_log("GET /down: upstream http://127.0.0.1:"));
}

TEST_F(GatewayForwardingTest, AnUpstreamTooSlowIsA504AndTheLoopKeepsAnswering) {
  auto start = std::chrono::steady_clock::now();
  auto slow = get_in_background("/slow?ms=3000");
  // The event loops do not wait for the upstream: others are answered meanwhile.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client_.get("/notes").status, 200);
  HttpResponse r = slow.get();
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.json()["type"], "urn:apiserver:problem:gateway-timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(GatewayForwardingTest, AnAnswerOnItsWayOutlivesAReloadAndIsGivenBeforeAStop) {
  auto during_reload = get_in_background("/slow?ms=300");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(::kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(server_.wait_for_log("reloaded"));
  HttpResponse reloaded = during_reload.get();
  EXPECT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(reloaded.json()["slept"], 300);

  auto during_stop = get_in_background("/slow?ms=300");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(::kill(server_.pid(), SIGTERM), 0);
  HttpResponse stopped = during_stop.get();
  EXPECT_EQ(stopped.status, 200) << "answered before the server exits: " << stopped.body;
  EXPECT_EQ(server_.wait_for_exit(std::chrono::seconds(10)), 0);
}

TEST_F(GatewayForwardingTest, MoreRequestsInFlightThanTheUpstreamTakesAre503) {
  auto first = get_in_background("/slow?ms=300");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpResponse second = client_.get("/slow?ms=1");
  EXPECT_EQ(second.status, 503) << second.body;
  EXPECT_EQ(second.header("retry-after"), "1");
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(client_.get("/slow?ms=1").status, 200) << "the bound frees as answers come";
}

TEST_F(GatewayForwardingTest, TheBoundOnRequestsInFlightHoldsAcrossAReload) {
  auto first = get_in_background("/slow?ms=600");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(::kill(server_.pid(), SIGHUP), 0);
  ASSERT_TRUE(server_.wait_for_log("reloaded"));
  HttpResponse second = client_.get("/slow?ms=1");
  EXPECT_EQ(second.status, 503) << "the request from before the reload holds the one place; "
                                << second.body;
  EXPECT_EQ(first.get().status, 200);
}

TEST_F(GatewayForwardingTest, AClientThatLeavesFreesItsUpstreamAtOnce) {
  {
    RawConnection leaving(server_.port());
    leaving.write("GET /slow?ms=700 HTTP/1.1\r\nHost: x\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }  // closed: the forwarded request is cancelled, its place in max-in-flight (1) freed
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  HttpResponse next = client_.get("/slow?ms=1");
  EXPECT_EQ(next.status, 200) << "not 503: the request that left holds no place; " << next.body;
}

TEST_F(GatewayForwardingTest, ManyClientsAreEachAnsweredTheirOwn) {
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 8; ++c) {
    clients.push_back(std::async(std::launch::async, [&, c] {
      HttpClient own(server_.port());
      int right = 0;
      for (int i = 0; i < 25; ++i) {
        std::string path = "/api/echo/c" + std::to_string(c) + "-" + std::to_string(i);
        HttpResponse r = own.get(path, {{"X-Api-Key", "secret-alice-0001"}});
        if (r.status == 200 && r.json()["path"] == path.substr(4)) ++right;
      }
      return right;
    }));
  }
  for (auto& client : clients) EXPECT_EQ(client.get(), 25);
}

TEST_F(GatewayForwardingTest, OperationsDeclaredOffStayStored) {
  EXPECT_EQ(client_.post_json("/notes", {{"text", "here"}}).status, 201);
  HttpResponse r = client_.get("/notes/1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["text"], "here");
}

TEST_F(GatewayForwardingTest, APathWithDotSegmentsIsNotForwarded) {
  for (const char* path : {"/api/echo/..", "/api/echo/%2E%2e", "/api/echo/."}) {
    HttpResponse r = client_.get(path, {{"X-Api-Key", "secret-alice-0001"}});
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
  }
}

TEST(ResponseValidation, ChecksStoredAnswersWithValidateResponses) {
  TempDir dir;
  const std::string spec = write_file(dir, "drift.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /notes:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
      responses:
        "201": {description: Stored, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}
  /notes/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200":
          description: One, with the audit trail the server never sends
          headers: {X-Audit: {required: true, schema: {type: string}}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}
components:
  schemas:
    Note:
      type: object
      properties: {id: {type: integer, readOnly: true}, text: {type: string}}
)");
  ServerProcess checked({spec, "--validate-responses", "--db", dir.file("checked.db")});
  HttpClient client(checked.port());
  HttpResponse created = client.post_json("/notes", {{"text", "a"}});
  EXPECT_EQ(created.status, 201);
  EXPECT_FALSE(created.header("apiserver-response-violations")) << "201 keeps the document";
  HttpResponse r = client.get("/notes/1");
  EXPECT_EQ(r.status, 200) << "reported, not refused";
  EXPECT_EQ(r.header("apiserver-response-violations"), "1");
  EXPECT_TRUE(checked.wait_for_log(
      "GET /notes/1: the server's answer 200 breaks the document: x-audit: is required"));
  ServerProcess unchecked({spec, "--db", dir.file("unchecked.db")});
  HttpClient other(unchecked.port());
  EXPECT_EQ(other.post_json("/notes", {{"text", "a"}}).status, 201);
  EXPECT_FALSE(other.get("/notes/1").header("apiserver-response-violations"));
}

TEST(GatewayDocument, AnUpstreamThatCannotBeUsedStopsStartUpWithItsPlace) {
  TempDir dir;
  const std::string unset = write_file(dir, "unset.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /predict:
    post:
      x-apiserver-upstream: "${NO_SUCH_VARIABLE_SET}"
      responses: {"200": {description: ok}}
)");
  RunResult r = ServerProcess::run({"validate", unset});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("unset.yaml:6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("environment variable 'NO_SUCH_VARIABLE_SET' is not set"), std::string::npos)
      << r.out;

  const std::string bad = write_file(dir, "bad.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
x-apiserver: {upstream: {url: "ftp://files", timeout: forever, retries: 3}}
paths:
  /predict:
    post: {responses: {"200": {description: ok}}}
)");
  r = ServerProcess::run({"validate", bad});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("is not an http:// or https:// URL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("must be a duration"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("retries"), std::string::npos) << r.out;

  write_file(dir, "not-a-cert.pem", "hello\n");
  // A bundle is a few hundred KiB: a file this large is refused before it is read.
  write_file(dir, "huge.pem", "-----BEGIN CERTIFICATE-----\n" + std::string(17 << 20, 'A'));
  const std::string certificates = write_file(dir, "certificates.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      x-apiserver-upstream: {url: "https://model:9000", ca-file: missing.pem}
      responses: {"200": {description: ok}}
  /b:
    get:
      x-apiserver-upstream: {url: "https://model:9000", ca-file: not-a-cert.pem}
      responses: {"200": {description: ok}}
  /c:
    get:
      x-apiserver-upstream: {url: "http://model:9000", ca-file: not-a-cert.pem}
      responses: {"200": {description: ok}}
  /d:
    get:
      x-apiserver-upstream: {url: "https://model:9000", ca-file: huge.pem}
      responses: {"200": {description: ok}}
)");
  r = ServerProcess::run({"validate", certificates});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find("certificates.yaml:6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cannot read ca-file " + dir.file("missing.pem")), std::string::npos)
      << "a path is read relative to the document's folder: " << r.out;
  EXPECT_NE(r.out.find("not-a-cert.pem holds no PEM certificate"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ca-file is for https upstreams"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("huge.pem is larger than 16 MiB"), std::string::npos) << r.out;

  const std::string good = write_file(dir, "good.yaml", R"(openapi: 3.0.3
info: {title: T, version: "1"}
x-apiserver: {upstream: "${MODEL_URL:-http://127.0.0.1:9000/v1/}"}
paths:
  /predict:
    post: {responses: {"200": {description: ok}}}
  /local:
    get: {x-apiserver-upstream: false, responses: {"200": {description: ok}}}
)");
  r = ServerProcess::run({"routes", good});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("forwarded to http://127.0.0.1:9000/v1"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("/local    forwarded"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace apiserver::test
