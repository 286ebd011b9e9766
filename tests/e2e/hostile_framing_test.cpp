// Hostile request framing, beyond the malformed requests of http_protocol_test.cpp: request
// lines and header fields that a lenient parser would guess at, the smuggling variants
// (Content-Length and Transfer-Encoding spelled so that two parsers could disagree, repeated
// Host, obs-fold on a framing field), chunked bodies with bad or overflowing sizes, framing
// that would make the server buffer without end (a trailer flood, chunk extensions), and
// header floods. Each is a 4xx (or 501/505) with a JSON body and the connection closed, and
// the server answers a plain request after each table.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/json_body.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using std::chrono::milliseconds;
using namespace std::string_literals;

constexpr char kPost[] = "POST /todos HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n";

// `bytes` on a fresh connection get `status` with a JSON body, and the connection is closed.
Scenario refused(std::string name, std::string bytes, int status) {
  return Scenario(std::move(name))
      .raw(std::move(bytes))
      .expect_status(status)
      .expect("the body is a JSON object", is_json_object)
      .expect_connection_closed();
}

class HostileFramingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(client_.post("/todos", R"({"title":"milk"})").status, 201); }

  // The server still serves, and the todo is as it was.
  void expect_healthy() {
    HttpClient fresh(server_.port());
    HttpResponse r = fresh.get("/todos/1");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, R"({"id":1,"title":"milk","done":false,"due":null})");
  }

  TempDir dir_;
  ServerProcess server_{
      std::vector<std::string>{source_path("examples/todo.yaml"), "--db", dir_.file("f.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(HostileFramingTest, MalformedRequestLinesAreRefused) {
  run_each_scenario(
      client_,
      {
          refused("A tab between method and target.", "GET\t/todos HTTP/1.1\r\nHost: t\r\n\r\n",
                  400),
          refused("Two spaces after the method.", "GET  /todos HTTP/1.1\r\nHost: t\r\n\r\n", 400),
          refused("An HTTP/0.9 request line.", "GET /todos\r\n\r\n", 400),
          refused("A version in lower case.", "GET /todos http/1.1\r\nHost: t\r\n\r\n", 400),
          refused("A version with two minor digits.", "GET /todos HTTP/1.10\r\nHost: t\r\n\r\n",
                  400),
          refused("HTTP/3 on the HTTP/1 port.", "GET /todos HTTP/3.0\r\nHost: t\r\n\r\n", 505),
          refused("A method that is not a token.", "G(T /todos HTTP/1.1\r\nHost: t\r\n\r\n", 400),
          refused("A 40-character method.",
                  std::string(40, 'A') + " /todos HTTP/1.1\r\nHost: t\r\n\r\n", 400),
          refused("CONNECT with an authority target.", "CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n",
                  400),
          refused("A NUL in the target.", "GET /todos\0/1 HTTP/1.1\r\nHost: t\r\n\r\n"s, 400),
          refused("A DEL in the target.", "GET /todos\x7f HTTP/1.1\r\nHost: t\r\n\r\n", 400),
          refused("A bare CR ending the request line.", "GET /todos HTTP/1.1\rHost: t\r\n\r\n",
                  400),
          refused("An empty request line before a header.", "\r\nHost: t\r\n\r\n", 400),
      });
  expect_healthy();
}

TEST_F(HostileFramingTest, MalformedHeaderFieldsAreRefused) {
  run_each_scenario(
      client_,
      {
          refused("A bare CR inside a value.",
                  "GET /todos HTTP/1.1\r\nHost: t\r\nX-A: a\rb\r\n\r\n", 400),
          refused("A NUL inside a value.", "GET /todos HTTP/1.1\r\nHost: t\r\nX-A: a\0b\r\n\r\n"s,
                  400),
          refused("A NUL inside a name.", "GET /todos HTTP/1.1\r\nHost: t\r\nX\0A: b\r\n\r\n"s,
                  400),
          refused("An empty field name.", "GET /todos HTTP/1.1\r\nHost: t\r\n: b\r\n\r\n", 400),
          refused("A space before the colon.", "GET /todos HTTP/1.1\r\nHost : t\r\n\r\n", 400),
          refused("A name with a slash.", "GET /todos HTTP/1.1\r\nHost: t\r\nX/A: b\r\n\r\n", 400),
          refused("An escape character in a value.",
                  "GET /todos HTTP/1.1\r\nHost: t\r\nX-A: \x1b[31m\r\n\r\n", 400),
          refused("Two Host fields (RFC 9112 3.2).",
                  "GET /todos/1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
      });
  expect_healthy();
}

TEST_F(HostileFramingTest, AmbiguousBodyFramingIsRefused) {
  run_each_scenario(
      client_,
      {
          refused("Transfer-Encoding with a space before the colon, and Content-Length.",
                  std::string(kPost) + "Transfer-Encoding : chunked\r\nContent-Length: 2\r\n\r\n{}",
                  400),
          refused(
              "Transfer-Encoding folded onto a second line (obs-fold), and Content-Length.",
              std::string(kPost) + "Transfer-Encoding:\r\n chunked\r\nContent-Length: 2\r\n\r\n{}",
              400),
          refused("Transfer-Encoding: identity with Content-Length.",
                  std::string(kPost) + "Transfer-Encoding: identity\r\nContent-Length: 2\r\n\r\n{}",
                  400),
          refused("Transfer-Encoding given twice.",
                  std::string(kPost) +
                      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                  400),
          refused("Transfer-Encoding: chunked, chunked.",
                  std::string(kPost) + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 501),
          refused("Transfer-Encoding: xchunked.",
                  std::string(kPost) + "Transfer-Encoding: xchunked\r\n\r\n", 501),
          refused("Content-Length after Transfer-Encoding.",
                  std::string(kPost) + "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
                  400),
          refused("A list of two different lengths.",
                  std::string(kPost) + "Content-Length: 2,3\r\n\r\n{}", 400),
          refused("A length with a plus sign.", std::string(kPost) + "Content-Length: +2\r\n\r\n{}",
                  400),
          refused("A length in hex.", std::string(kPost) + "Content-Length: 0x2\r\n\r\n{}", 400),
          refused("An empty length.", std::string(kPost) + "Content-Length: \r\n\r\n{}", 400),
          refused("A length beyond 64 bits.",
                  std::string(kPost) + "Content-Length: 99999999999999999999999\r\n\r\n", 400),
          refused("A length of 10 MB is refused before the body is read.",
                  std::string(kPost) + "Content-Length: 10485760\r\n\r\n", 413),
      });
  expect_healthy();
}

TEST_F(HostileFramingTest, BadChunkSizesAreRefused) {
  const std::string chunked = std::string(kPost) + "Transfer-Encoding: chunked\r\n\r\n";
  run_each_scenario(
      client_, {
                   refused("A negative chunk size.", chunked + "-1\r\n", 400),
                   refused("A chunk size with 0x.", chunked + "0x2\r\n{}\r\n0\r\n\r\n", 400),
                   refused("An empty chunk-size line.", chunked + "\r\n", 400),
                   refused("Two numbers on a chunk-size line.", chunked + "2 3\r\n", 400),
                   refused("A chunk size of 16 hex digits (past 64 bits).",
                           chunked + "1" + std::string(16, '0') + "\r\n", 400),
                   refused("A chunk size of 15 hex digits (far past the body limit).",
                           chunked + std::string(15, 'f') + "\r\n", 413),
                   refused("A chunk longer than its size.", chunked + "2\r\n{}}\r\n0\r\n\r\n", 400),
                   refused("A chunk followed by a bare CR.", chunked + "2\r\n{}\rX0\r\n\r\n", 400),
                   refused("A 2 KiB chunk-size line that ends.",
                           chunked + "2;" + std::string(2048, 'e') + "\r\n{}\r\n0\r\n\r\n", 400),
               });
  expect_healthy();
}

// Writes `head` and then `unit` over and over, up to 64 MiB, until the server answers; returns
// its answer. A server that kept it all would answer only at its body timeout, if ever.
HttpResponse flood(uint16_t port, const std::string& head, const std::string& unit) {
  RawConnection raw(port, "127.0.0.1", milliseconds(10000));
  raw.write(head);
  std::string block;
  while (block.size() < 64 * 1024) block += unit;
  std::string answer;
  for (size_t sent = 0; sent < (64u << 20) && answer.empty(); sent += block.size()) {
    if (!raw.try_write(block)) break;  // refused and closed
    answer += raw.read_available(milliseconds(0));
  }
  answer += raw.read_until_close(milliseconds(5000));
  std::vector<HttpResponse> responses = HttpClient::parse_responses(answer);
  if (responses.size() != 1) ADD_FAILURE() << "expected one answer, got: " << answer;
  return responses.empty() ? HttpResponse{} : responses.front();
}

TEST_F(HostileFramingTest, ChunkedFramingCannotGrowTheInputWithoutEnd) {
  const std::string head = std::string(kPost) + "Transfer-Encoding: chunked\r\n\r\n";
  // Trailer fields are dropped, so one field at a time was never too large.
  HttpResponse trailers = flood(server_.port(), head + "2\r\n{}\r\n0\r\n",
                                "X-Trailer: " + std::string(1000, 't') + "\r\n");
  EXPECT_EQ(trailers.status, 431) << trailers.body;
  // One byte of body per kilobyte of chunk extensions.
  HttpResponse extensions =
      flood(server_.port(), head, "1;ext=" + std::string(1000, 'e') + "\r\n{\r\n");
  EXPECT_EQ(extensions.status, 413) << extensions.body;
  expect_healthy();
}

TEST_F(HostileFramingTest, HeaderFloodsAre431) {
  std::string many = "GET /todos/1 HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  std::string tiny = "GET /todos/1 HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 5000; ++i) tiny += "X: v\r\n";
  run_each_scenario(
      client_,
      {
          refused("101 header fields.", many + "\r\n", 431),
          refused("5,000 tiny header fields (past 16 KiB).", tiny + "\r\n", 431),
          refused("One 1 MiB header value.",
                  "GET /todos/1 HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(1 << 20, 'b') +
                      "\r\n\r\n",
                  431),
          refused("One 64 KiB header name.",
                  "GET /todos/1 HTTP/1.1\r\nHost: t\r\n" + std::string(65536, 'N') + ": v\r\n\r\n",
                  431),
      });
  expect_healthy();
}

}  // namespace
}  // namespace apiserver::test
