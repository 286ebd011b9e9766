// The server's own HTTP/1.1 layer, spoken to byte by byte: keep-alive by default,
// Connection: close, HTTP/1.0, pipelining, chunked request bodies, Expect: 100-continue,
// malformed requests (400/417/501/505, then close), oversized heads (431), a stalled head
// (408 after the 10 s header timeout), percent-decoding of paths, absolute-form targets and
// repeated query keys (specs/unstored.yaml declares an exploded array query parameter).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kTodo1[] = R"({"id":1,"title":"milk","done":false,"due":null})";

class HttpProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpClient client(server_.port());
    ASSERT_EQ(client.post("/todos", R"({"title":"milk"})").status, 201);
  }

  uint16_t port() const { return server_.port(); }

  TempDir dir_;
  ServerProcess server_{
      std::vector<std::string>{source_path("examples/todo.yaml"), "--db", dir_.file("http.db")}};
};

TEST_F(HttpProtocolTest, ConnectionsAreKeptAliveByDefault) {
  HttpClient client(port());
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = client.get("/todos/1");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, kTodo1);
    EXPECT_FALSE(r.header("connection").has_value());
    EXPECT_EQ(client.last_reused(), i > 0);
  }
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpProtocolTest, ConnectionCloseIsHonored) {
  RawConnection raw(port());
  raw.write("GET /todos/1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kTodo1);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));

  HttpClient client(port());
  EXPECT_EQ(client.get("/todos/1", {{"Connection", "close"}}).status, 200);
  EXPECT_EQ(client.get("/todos/1").status, 200);
  EXPECT_FALSE(client.last_reused());
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(HttpProtocolTest, Http10ClosesUnlessAskedToKeepAlive) {
  RawConnection plain(port());
  plain.write("GET /todos/1 HTTP/1.0\r\n\r\n");
  HttpResponse r = plain.read_response();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kTodo1);
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(plain.is_closed_by_peer(milliseconds(3000)));

  RawConnection kept(port());
  kept.write("GET /todos/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  HttpResponse first = kept.read_response();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("connection"), "keep-alive");
  EXPECT_FALSE(kept.is_closed_by_peer(milliseconds(200)));
  kept.write("GET /todos/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  HttpResponse second = kept.read_response();
  EXPECT_EQ(second.status, 404) << second.body;
}

TEST_F(HttpProtocolTest, PipelinedRequestsAreAllAnsweredInOrder) {
  const std::string post_body = R"({"title":"bread"})";
  const std::string patch_body = R"({"done":true})";
  std::string bytes =
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(post_body.size()) + "\r\n\r\n" + post_body +
      "GET /todos/2 HTTP/1.1\r\nHost: test\r\n\r\n"
      "HEAD /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: test\r\n\r\n"
      "PATCH /todos/2 HTTP/1.1\r\nHost: test\r\nContent-Type: application/merge-patch+json\r\n"
      "Content-Length: " +
      std::to_string(patch_body.size()) + "\r\n\r\n" + patch_body +
      "GET /todos?done=true HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
  RawConnection raw(port());
  raw.write(bytes);
  std::string received = raw.read_until_close(milliseconds(5000));
  std::vector<HttpResponse> responses =
      HttpClient::parse_responses(received, {"POST", "GET", "HEAD", "GET", "PATCH", "GET"});
  ASSERT_EQ(responses.size(), 6u) << received;
  const std::string bread = R"({"id":2,"title":"bread","done":false,"due":null})";
  const std::string done_bread = R"({"id":2,"title":"bread","done":true,"due":null})";
  EXPECT_EQ(responses[0].status, 201);
  EXPECT_EQ(responses[0].body, bread);
  EXPECT_EQ(responses[1].status, 200);
  EXPECT_EQ(responses[1].body, bread);
  EXPECT_EQ(responses[2].status, 200);
  EXPECT_EQ(responses[2].body, "");
  EXPECT_EQ(responses[2].header("content-length"), std::to_string(std::string(kTodo1).size()));
  EXPECT_EQ(responses[3].status, 404);
  EXPECT_EQ(responses[3].json()["instance"], "/nope");
  EXPECT_EQ(responses[4].status, 200);
  EXPECT_EQ(responses[4].body, done_bread);
  EXPECT_EQ(responses[5].status, 200);
  EXPECT_EQ(responses[5].body, "[" + done_bread + "]");
  EXPECT_EQ(responses[5].header("connection"), "close");
}

TEST_F(HttpProtocolTest, ABurstOfPipelinedRequestsWithLargeAnswersIsAnsweredWhole) {
  HttpClient client(port());
  for (int i = 2; i <= 100; ++i) {
    ASSERT_EQ(client.post_json("/todos", {{"title", std::string(200, 'a' + i % 26)}}).status, 201);
  }
  const HttpResponse page = client.get("/todos?limit=100");
  ASSERT_EQ(page.status, 200);
  ASSERT_GT(page.body.size(), 20000u);

  // 60 pages of about 24 KB each, asked for in one write: about 1.4 MB to send back in order.
  constexpr int kRequests = 60;
  std::string bytes;
  std::vector<std::string> methods;
  for (int i = 0; i < kRequests; ++i) {
    bytes += "GET /todos?limit=100 HTTP/1.1\r\nHost: test\r\n\r\n";
    methods.push_back("GET");
  }
  bytes += "GET /todos/1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
  methods.push_back("GET");
  RawConnection raw(port());
  raw.write(bytes);
  std::string received = raw.read_until_close(milliseconds(10000));
  std::vector<HttpResponse> responses = HttpClient::parse_responses(received, methods);
  ASSERT_EQ(responses.size(), static_cast<size_t>(kRequests + 1));
  for (int i = 0; i < kRequests; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(responses[static_cast<size_t>(i)].status, 200);
    EXPECT_EQ(responses[static_cast<size_t>(i)].body, page.body);
  }
  EXPECT_EQ(responses.back().body, kTodo1);
}

// The end of the client's sending may arrive with its request or after it: either way the
// request is answered (a write too, whose answer waits for its commit) and the connection then
// closed at once, not after the idle timeout.
TEST_F(HttpProtocolTest, AClientThatClosesItsSideAfterARequestIsAnsweredThenLetGo) {
  const std::string post_body = R"({"title":"bread"})";
  const std::string post =
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(post_body.size()) + "\r\n\r\n" + post_body;
  for (milliseconds pause : {milliseconds(0), milliseconds(100)}) {
    for (int i = 0; i < 5; ++i) {
      const bool write = i % 2 == 1;
      RawConnection raw(port());
      raw.write(write ? post : "GET /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n");
      std::this_thread::sleep_for(pause);
      raw.shutdown_write();
      HttpResponse r = raw.read_response();
      ASSERT_EQ(r.status, write ? 201 : 200) << r.body;
      if (!write) {
        EXPECT_EQ(r.body, kTodo1);
      }
      EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000))) << "pause " << pause.count() << " ms";
    }
  }
  // Requests pipelined behind a write are answered too, in order, before the close.
  RawConnection raw(port());
  raw.write(post + "GET /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n");
  raw.shutdown_write();
  EXPECT_EQ(raw.read_response().status, 201);
  HttpResponse behind = raw.read_response();
  EXPECT_EQ(behind.status, 200) << behind.body;
  EXPECT_EQ(behind.body, kTodo1);
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));
}

// A request larger than one read of the socket (16 KiB), with another right behind it: both
// are read whole and answered in order.
TEST_F(HttpProtocolTest, ARequestLargerThanOneReadIsReadWhole) {
  const std::string body = R"({"title":")" + std::string(40000, 'x') + R"("})";
  RawConnection raw(port());
  raw.write(
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body +
      "GET /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n");
  HttpResponse refused = raw.read_response();
  EXPECT_EQ(refused.status, 422) << refused.body;  // the title is over its maxLength
  HttpResponse read = raw.read_response();
  EXPECT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.body, kTodo1);
}

TEST_F(HttpProtocolTest, APipelinedMalformedRequestEndsTheConnectionAfterEarlierAnswers) {
  RawConnection raw(port());
  raw.write(
      "GET /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n"
      "GARBAGE\r\n\r\n"
      "GET /todos/1 HTTP/1.1\r\nHost: test\r\n\r\n");
  std::string received = raw.read_until_close(milliseconds(5000));
  std::vector<HttpResponse> responses = HttpClient::parse_responses(received);
  ASSERT_EQ(responses.size(), 2u) << received;
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[0].body, kTodo1);
  EXPECT_EQ(responses[1].status, 400);
  EXPECT_EQ(responses[1].header("connection"), "close");
}

TEST_F(HttpProtocolTest, ChunkedRequestBodiesAreAccepted) {
  RawConnection raw(port());
  // {"title":"chunked milk"} in three chunks, one with an extension, then a trailer field.
  raw.write(
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n"
      "9\r\n{\"title\":\r\n"
      "a;note=ignored\r\n\"chunked m\r\n"
      "5\r\nilk\"}\r\n"
      "0\r\nX-Trailer: dropped\r\n\r\n");
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body, R"({"id":2,"title":"chunked milk","done":false,"due":null})");
  EXPECT_EQ(r.header("location"), "/todos/2");

  // The connection goes on after a chunked request; a chunk written in pieces is waited for.
  raw.write(
      "PATCH /todos/2 HTTP/1.1\r\nHost: test\r\n"
      "Content-Type: application/merge-patch+json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "D\r\n{\"done\":");
  EXPECT_EQ(raw.read_available(milliseconds(200)), "");
  raw.write("true}\r\n0\r\n\r\n");
  HttpResponse patched = raw.read_response();
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.body, R"({"id":2,"title":"chunked milk","done":true,"due":null})");
}

TEST_F(HttpProtocolTest, Expect100ContinueGetsAnInterimResponseFirst) {
  const std::string body = R"({"title":"asked first"})";
  RawConnection raw(port());
  raw.write(
      "POST /todos HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(raw.read_available(milliseconds(3000)), "HTTP/1.1 100 Continue\r\n\r\n");
  raw.write(body);
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.body, R"({"id":2,"title":"asked first","done":false,"due":null})");
}

TEST_F(HttpProtocolTest, MalformedRequestsAreRefusedAndTheConnectionClosed) {
  // `bytes` on a fresh connection are refused with one problem, and the connection closed.
  auto refused = [](std::string name, std::string bytes, int status, const std::string& slug,
                    const std::string& detail) {
    return Scenario(std::move(name))
        .raw(std::move(bytes))
        .expect_status(status)
        .expect_header("content-type", "application/problem+json")
        .expect_header("connection", "close")
        .expect_json_contains(
            {{"type", "urn:apiserver:problem:" + slug}, {"status", status}, {"detail", detail}})
        .expect_connection_closed();
  };
  HttpClient client(port());
  run_scenarios(
      client,
      {
          refused("A garbage request line.", "HELLO\r\n\r\n", 400, "bad-request",
                  "the request line is not 'METHOD target HTTP/1.1'"),
          refused("A request line with a fourth part.", "GET /todos HTTP/1.1 x\r\nHost: t\r\n\r\n",
                  400, "bad-request", "the request line is not 'METHOD target HTTP/1.1'"),
          refused("A version that is not HTTP.", "GET /todos HTTX/1.1\r\nHost: t\r\n\r\n", 400,
                  "bad-request", "the request line does not end with an HTTP version"),
          refused("HTTP/2 on the HTTP/1 port.", "GET /todos HTTP/2.0\r\nHost: t\r\n\r\n", 505,
                  "http-version-not-supported", "only HTTP/1.0 and HTTP/1.1 are served"),
          refused("A target that is not a path.", "GET todos HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                  "bad-request", "the request target is not a path"),
          refused("A negative Content-Length.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n", 400,
                  "bad-request", "Content-Length is not a non-negative decimal number"),
          refused("A non-numeric Content-Length.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Length: 12abc\r\n\r\n", 400,
                  "bad-request", "Content-Length is not a non-negative decimal number"),
          refused(
              "Two different Content-Lengths.",
              "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
              400, "bad-request", "conflicting Content-Length values"),
          refused("Both Content-Length and Transfer-Encoding.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n",
                  400, "bad-request", "both Transfer-Encoding and Content-Length are present"),
          refused("A chunked body on HTTP/1.0.",
                  "POST /todos HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "bad-request",
                  "Transfer-Encoding is not defined for HTTP/1.0"),
          refused("HTTP/1.1 without Host.", "GET /todos/1 HTTP/1.1\r\n\r\n", 400, "bad-request",
                  "an HTTP/1.1 request must have a Host header"),
          refused("A header line without a colon.",
                  "GET /todos HTTP/1.1\r\nHost: t\r\nBroken\r\n\r\n", 400, "bad-request",
                  "a header line has no ':'"),
          refused("Obsolete line folding.",
                  "GET /todos HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  2\r\n\r\n", 400, "bad-request",
                  "obsolete line folding in header fields is not accepted"),
          refused("A transfer coding other than chunked.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
                  "not-implemented", "only the 'chunked' transfer coding is supported"),
          refused("An expectation other than 100-continue.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nExpect: later\r\nContent-Length: 2\r\n\r\n{}",
                  417, "expectation-failed", "only 'Expect: 100-continue' is supported"),
          refused("A chunk size that is not hex.",
                  "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\nzz\r\n",
                  400, "bad-request", "a chunk size is not valid hex"),
      });
  // The server is still serving.
  EXPECT_EQ(client.get("/todos/1").status, 200);
}

TEST_F(HttpProtocolTest, ARequestHeadOver16KiBIs431) {
  HttpClient client(port());
  HttpResponse fits = client.get("/todos/1", {{"X-Padding", std::string(15000, 'p')}});
  EXPECT_EQ(fits.status, 200) << fits.body;

  RawConnection raw(port());
  raw.write("GET /todos/1 HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(17000, 'p') +
            "\r\n\r\n");
  HttpResponse r = raw.read_response(milliseconds(3000));
  ASSERT_EQ(r.status, 431) << r.body;
  EXPECT_EQ(r.json(), json({{"type", "urn:apiserver:problem:headers-too-large"},
                            {"title", "Request header fields too large"},
                            {"status", 431},
                            {"detail", "the request line and header fields exceed 16384 bytes"}}));
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));

  // A head that never ends is refused as soon as it passes the limit, not at the timeout.
  RawConnection endless(port());
  endless.write("GET /todos/1 HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(17000, 'p'));
  HttpResponse cut = endless.read_response(milliseconds(3000));
  EXPECT_EQ(cut.status, 431) << cut.body;
}

TEST_F(HttpProtocolTest, AStalledRequestHeadGets408AfterTheHeaderTimeout) {
  RawConnection raw(port());
  const auto start = std::chrono::steady_clock::now();
  raw.write("GET /todos/1 HTTP/1.1\r\nHost: test\r\n");
  // The deadline is generous (the idle timeout, 60 s, is far): only a server that never answers
  // reaches it. How soon after the header timeout the 408 comes depends on the machine's load.
  HttpResponse r = raw.read_response(milliseconds(30000));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 408) << r.body;
  EXPECT_EQ(r.json(), json({{"type", "urn:apiserver:problem:request-timeout"},
                            {"title", "Request timeout"},
                            {"status", 408},
                            {"detail", "the request did not arrive in time"}}));
  EXPECT_TRUE(raw.is_closed_by_peer(milliseconds(3000)));
  EXPECT_GE(elapsed, milliseconds(9500)) << "a 408 before the 10 s header timeout";
}

TEST_F(HttpProtocolTest, PathsArePercentDecodedSegmentBySegment) {
  HttpClient client(port());
  HttpResponse key = client.get("/todos/%31");
  ASSERT_EQ(key.status, 200) << key.body;
  EXPECT_EQ(key.body, kTodo1);
  HttpResponse literal = client.get("/%74odos/1");
  ASSERT_EQ(literal.status, 200) << literal.body;
  EXPECT_EQ(literal.body, kTodo1);
  HttpResponse trailing_slash = client.get("/todos/1/");
  EXPECT_EQ(trailing_slash.status, 200) << trailing_slash.body;
  HttpResponse bad_escape = client.get("/todos/%3");
  EXPECT_EQ(bad_escape.status, 404) << bad_escape.body;
  EXPECT_EQ(bad_escape.json()["type"], "urn:apiserver:problem:not-found");
}

TEST_F(HttpProtocolTest, AbsoluteFormTargetsAndLeadingEmptyLinesAreAccepted) {
  RawConnection raw(port());
  raw.write("\r\nGET http://test/todos/1 HTTP/1.1\r\nHost: test\r\n\r\n");
  HttpResponse r = raw.read_response();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, kTodo1);
}

TEST(RepeatedQueryKeys, EveryValueOfARepeatedKeyIsKept) {
  ServerProcess server({test_data_path("e2e/specs/unstored.yaml")});
  HttpClient client(server.port());
  auto tag_error = [](const std::string& pointer, const std::string& detail) {
    return json{{"in", "query"}, {"name", "tag"}, {"pointer", pointer}, {"detail", detail}};
  };
  // Two values satisfy maxItems: 2; the operation is not stored, so the mock answers.
  HttpResponse two = client.get("/search?tag=ab&tag=cd");
  ASSERT_EQ(two.status, 200) << two.body;
  EXPECT_TRUE(two.json().is_array()) << two.body;
  // Three values are three items.
  HttpResponse three = client.get("/search?tag=ab&tag=cd&tag=ef");
  ASSERT_EQ(three.status, 422) << three.body;
  EXPECT_EQ(three.json()["errors"], json::array({tag_error("", "must have at most 2 items")}));
  // The second value is checked as the second item.
  HttpResponse second_short = client.get("/search?tag=ab&tag=c");
  ASSERT_EQ(second_short.status, 422) << second_short.body;
  EXPECT_EQ(second_short.json()["errors"],
            json::array({tag_error("/1", "must be at least 2 characters long")}));
}

}  // namespace
}  // namespace apiserver::test
