// Forwarded answers that stream (no Content-Length, or text/event-stream) against a real
// upstream (tests/e2e/upstreams/echo_upstream.py): each piece reaches the client as it comes,
// chunked for HTTP/1.1 and until the close for HTTP/1.0; a slow client slows the upstream
// rather than filling the gateway's memory; max-stream-duration cuts a stream without its last
// chunk; a client that leaves cancels the upstream's request; `timeout` bounds only the wait for
// the head; response validation checks the head before anything of the stream goes out; the
// connection carries more requests after a complete stream. Other answers with a length are
// buffered as before.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
using std::chrono::milliseconds;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Streaming gateway, version: "1"}
x-apiserver:
  upstream: {url: "${ECHO_URL}", timeout: 1s}
components:
  parameters:
    n: {name: n, in: query, schema: {type: integer, minimum: 0}}
    ms: {name: ms, in: query, schema: {type: integer, minimum: 0}}
    size: {name: size, in: query, schema: {type: integer, minimum: 1}}
    delay: {name: delay, in: query, schema: {type: integer, minimum: 0}}
  responses:
    Events: {description: Server-sent events, content: {text/event-stream: {schema: {type: string}}}}
    Pieces: {description: The pattern in pieces, content: {text/plain: {schema: {type: string}}}}
    Json: {description: Declared JSON, content: {application/json: {schema: {type: object}}}}
paths:
  /stream/sse:
    get:
      parameters: [{$ref: "#/components/parameters/n"}, {$ref: "#/components/parameters/ms"},
                   {$ref: "#/components/parameters/delay"},
                   {name: length, in: query, schema: {type: boolean}}]
      responses: {"200": {$ref: "#/components/responses/Events"}}
  /stream/chunked:
    get:
      parameters: [{$ref: "#/components/parameters/n"}, {$ref: "#/components/parameters/size"},
                   {$ref: "#/components/parameters/ms"}]
      responses: {"200": {$ref: "#/components/responses/Pieces"}}
  /stream/forever:
    get: {responses: {"200": {$ref: "#/components/responses/Events"}}}
  /cut/stream/forever:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /cut, max-stream-duration: 1500ms}
    get: {responses: {"200": {$ref: "#/components/responses/Events"}}}
  /checked/stream/forever:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get: {responses: {"200": {$ref: "#/components/responses/Json"}}}
  /checked/stream/sse:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get:
      parameters: [{$ref: "#/components/parameters/n"}, {$ref: "#/components/parameters/ms"}]
      responses:
        "200":
          description: With a header the upstream never sends
          headers: {X-Missing: {required: true, schema: {type: string}}}
          content: {text/event-stream: {schema: {type: string}}}
  /checked/stream/chunked:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /checked}
    x-apiserver-response-validation: enforce
    get:
      parameters: [{$ref: "#/components/parameters/n"}, {$ref: "#/components/parameters/size"}]
      responses:
        "200":
          description: A body no stream keeps to, never read
          content: {text/plain: {schema: {type: string, maxLength: 4}}}
  /reported/stream/sse:
    x-apiserver-upstream: {url: "${ECHO_URL}", strip-prefix: /reported}
    get:
      parameters: [{$ref: "#/components/parameters/n"}, {$ref: "#/components/parameters/ms"}]
      responses: {"200": {$ref: "#/components/responses/Json"}}
  /echo/{rest}:
    parameters: [{name: rest, in: path, required: true, schema: {type: string}}]
    get: {responses: {"200": {$ref: "#/components/responses/Json"}}}
)";

// The first `length` bytes of /stream/chunked's pattern: records "0000000\n", "0000001\n", ...
// of 131071 (see echo_upstream.py).
std::string pattern(size_t length) {
  std::string out;
  out.reserve(length + 8);
  char record[16];
  for (size_t r = 0; out.size() < length; ++r) {
    std::snprintf(record, sizeof record, "%07zx\n", r % 131071);
    out += record;
  }
  out.resize(length);
  return out;
}

// What /stream/sse sends for `n`: "data: 0\n\n" ...
std::string events(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "data: " + std::to_string(i) + "\n\n";
  return out;
}

// An answer as read off a socket, whole or cut: its head, and its body decoded as far as it
// goes (whole chunks only when chunked; everything after the head when not).
struct RawAnswer {
  HttpResponse head;  // status 0: no complete head
  std::string body;
  bool chunked = false;
  bool complete = false;   // the terminating chunk came (or as many bytes as Content-Length)
  bool malformed = false;  // a chunk's framing is broken
};

RawAnswer parse_raw(const std::string& raw) {
  RawAnswer answer;
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return answer;
  // As an answer to HEAD, the head parses without a body whatever it announces.
  answer.head = HttpClient::parse_responses(raw.substr(0, end + 4), {"HEAD"}).at(0);
  auto te = answer.head.header("transfer-encoding");
  answer.chunked = te && te->find("chunked") != std::string::npos;
  size_t at = end + 4;
  if (!answer.chunked) {
    answer.body = raw.substr(at);
    auto length = answer.head.header("content-length");
    answer.complete = length && answer.body.size() >= std::stoul(*length);
    return answer;
  }
  for (;;) {
    size_t eol = raw.find("\r\n", at);
    if (eol == std::string::npos) break;
    std::string size_line = raw.substr(at, eol - at);
    if (size_line.empty() ||
        size_line.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      answer.malformed = true;
      break;
    }
    size_t size = std::stoul(size_line, nullptr, 16);
    if (size == 0) {
      answer.complete = raw.compare(eol, 4, "\r\n\r\n") == 0;
      break;
    }
    if (raw.size() < eol + 2 + size + 2) break;  // cut inside this chunk
    answer.body.append(raw, eol + 2, size);
    if (raw.compare(eol + 2 + size, 2, "\r\n") != 0) {
      answer.malformed = true;
      break;
    }
    at = eol + 2 + size + 2;
  }
  return answer;
}

// Reads from `connection` until `done(everything read)`, the peer closes or `timeout` passes;
// returns everything read.
std::string read_until(RawConnection& connection,
                       const std::function<bool(const std::string&)>& done, milliseconds timeout) {
  std::string raw;
  auto deadline = Clock::now() + timeout;
  while (!done(raw) && Clock::now() < deadline) {
    std::string more = connection.read_available(milliseconds(50));
    if (more.empty() && connection.is_closed_by_peer(milliseconds(0))) break;
    raw += more;
  }
  return raw;
}

// The start of `raw`, for failure messages.
std::string preview(const std::string& raw) {
  return raw.size() <= 600 ? raw
                           : raw.substr(0, 600) + "...(" + std::to_string(raw.size()) + " bytes)";
}

// The client's end of a connection with a small receive buffer, set before it connects (set
// after, the window scaling agreed for a large buffer stalls the sender in zero-window probes).
class SmallWindowClient {
 public:
  explicit SmallWindowClient(uint16_t port, int receive_buffer = 16384)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("cannot connect to port " + std::to_string(port));
    }
  }
  ~SmallWindowClient() { ::close(fd_); }
  SmallWindowClient(const SmallWindowClient&) = delete;
  SmallWindowClient& operator=(const SmallWindowClient&) = delete;

  void write(const std::string& request) {
    ASSERT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
  }
  // Up to `most` bytes, waiting up to `timeout` for the first: "" at the timeout or the close.
  std::string read(size_t most, milliseconds timeout) {
    pollfd ready{fd_, POLLIN, 0};
    if (closed_ || ::poll(&ready, 1, static_cast<int>(timeout.count())) <= 0) return "";
    std::string bytes(most, '\0');
    ssize_t n = ::recv(fd_, bytes.data(), most, 0);
    closed_ = n <= 0;
    bytes.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return bytes;
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

// A chunked body's end, looked for at the end of what came so far.
bool ends_with_last_chunk(const std::string& raw) {
  return raw.size() >= 7 && raw.compare(raw.size() - 7, 7, "\r\n0\r\n\r\n") == 0;
}

bool ends_complete(const std::string& raw) {
  return parse_raw(raw).complete;
}

long long elapsed_ms(Clock::time_point since) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - since).count();
}

class GatewayStreamingTest : public ::testing::Test {
 protected:
  // The upstream's count of its streams: started, completed, disconnected, bytes.
  json stats() { return upstream_client_.get("/stream/stats").json(); }

  std::string get_line(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: gateway\r\n\r\n";
  }

  TempDir dir_;
  ServerProcess upstream_ = ServerProcess::with_binary(
      "/usr/bin/python3", {test_data_path("e2e/upstreams/echo_upstream.py")});
  ServerProcess server_{
      {write_file(dir_, "streaming.yaml", kDocument), "--db", dir_.file("streaming.db")},
      {{"ECHO_URL", upstream_.url()}}};
  HttpClient client_{server_.port()};
  HttpClient upstream_client_{upstream_.port()};
};

TEST_F(GatewayStreamingTest, EventsReachTheClientAsTheUpstreamSendsThem) {
  // Six events 400 ms apart: 2.4 s in all, longer than the upstream's timeout (1 s), which
  // bounds only the wait for the head.
  RawConnection connection(server_.port());
  auto start = Clock::now();
  connection.write(get_line("/stream/sse?n=6&ms=400"));
  std::vector<long long> arrived;  // ms from the request to each event's arrival
  std::string raw;
  while (!ends_complete(raw) && elapsed_ms(start) < 10000) {
    std::string more = connection.read_available(milliseconds(20));
    if (more.empty() && connection.is_closed_by_peer(milliseconds(0))) break;
    raw += more;
    std::string body = parse_raw(raw).body;
    while (body.find("data: " + std::to_string(arrived.size()) + "\n\n") != std::string::npos)
      arrived.push_back(elapsed_ms(start));
  }
  long long whole = elapsed_ms(start);
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_TRUE(answer.chunked) << preview(raw);
  EXPECT_FALSE(answer.head.header("content-length")) << preview(raw);
  EXPECT_NE(answer.head.header("content-type").value_or("").find("text/event-stream"),
            std::string::npos)
      << preview(raw);
  EXPECT_EQ(answer.head.header("x-stream"), "sse") << "end-to-end fields come along";
  EXPECT_EQ(answer.body, events(6)) << preview(raw);
  EXPECT_TRUE(answer.complete) << "the terminating chunk: " << preview(raw);
  EXPECT_FALSE(answer.malformed) << preview(raw);
  ASSERT_EQ(arrived.size(), 6u) << preview(raw);
  EXPECT_LT(arrived[0], 1200) << "the first event came with the last, buffered";
  EXPECT_GE(arrived[5] - arrived[0], 1400) << "the events came together, buffered";
  EXPECT_GE(whole, 2000);
}

TEST_F(GatewayStreamingTest, AnEventStreamIsStreamedEvenWithALength) {
  RawConnection connection(server_.port());
  auto start = Clock::now();
  connection.write(get_line("/stream/sse?n=4&ms=400&length=true"));
  std::string raw = read_until(
      connection,
      [](const std::string& r) {
        return parse_raw(r).body.find("data: 0\n\n") != std::string::npos;
      },
      milliseconds(10000));
  long long first = elapsed_ms(start);
  raw += read_until(
      connection, [&](const std::string& more) { return ends_complete(raw + more); },
      milliseconds(10000));
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_LT(first, 1000) << "held until the whole (1.6 s) was in: " << preview(raw);
  EXPECT_TRUE(answer.chunked) << preview(raw);
  EXPECT_FALSE(answer.head.header("content-length")) << preview(raw);
  EXPECT_TRUE(answer.complete) << preview(raw);
  EXPECT_EQ(answer.body, events(4));
}

TEST_F(GatewayStreamingTest, AnAnswerWithoutALengthIsPassedOnInChunks) {
  RawConnection connection(server_.port());
  connection.write(get_line("/stream/chunked?n=8&size=1000&ms=20"));
  std::string raw = read_until(connection, ends_complete, milliseconds(10000));
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_EQ(answer.head.header("transfer-encoding"), "chunked") << preview(raw);
  EXPECT_FALSE(answer.head.header("content-length")) << preview(raw);
  EXPECT_EQ(answer.head.header("x-stream"), "chunked");
  EXPECT_TRUE(answer.complete) << preview(raw);
  EXPECT_FALSE(answer.malformed) << preview(raw);
  EXPECT_EQ(answer.body, pattern(8000));
  EXPECT_EQ(raw.substr(raw.size() - 5), "0\r\n\r\n") << "nothing after the last chunk";
  json seen = stats();
  EXPECT_EQ(seen["completed"], 1) << seen;
  EXPECT_EQ(seen["disconnected"], 0) << seen;
}

TEST_F(GatewayStreamingTest, ASlowClientGetsALargeFastStreamWholeAndInOrder) {
  // 8 MiB as fast as the upstream goes, more than the sockets on the way hold: the gateway has
  // to wait for the client, which takes 16 KiB at a time.
  SmallWindowClient slow(server_.port());
  slow.write(get_line("/stream/chunked?n=128&size=65536"));
  std::string raw;
  auto start = Clock::now();
  while (!ends_with_last_chunk(raw) && !slow.closed() && elapsed_ms(start) < 60000) {
    raw += slow.read(16384, milliseconds(100));
    std::this_thread::sleep_for(milliseconds(2));
  }
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_TRUE(answer.chunked);
  EXPECT_TRUE(answer.complete) << "read " << raw.size() << " bytes in " << elapsed_ms(start)
                               << " ms; ends with "
                               << raw.substr(raw.size() > 40 ? raw.size() - 40 : 0);
  EXPECT_FALSE(answer.malformed);
  ASSERT_EQ(answer.body.size(), 128u * 65536);
  EXPECT_TRUE(answer.body == pattern(128 * 65536)) << "a piece lost, doubled or out of order";
}

TEST_F(GatewayStreamingTest, AClientThatDoesNotReadHoldsTheUpstreamBack) {
  // 128 MiB offered as fast as the upstream can; the client reads the head and then nothing.
  SmallWindowClient stalled(server_.port());
  stalled.write(get_line("/stream/chunked?n=2048&size=65536"));
  std::string raw;
  auto start = Clock::now();
  while (raw.find("\r\n\r\n") == std::string::npos && !stalled.closed() &&
         elapsed_ms(start) < 10000)
    raw += stalled.read(1, milliseconds(100));
  ASSERT_EQ(parse_raw(raw).head.status, 200) << preview(raw);
  // The upstream writes until every buffer on the way is full (the sockets', and ~1 MiB in
  // the gateway), then waits: what it handed over stops growing far below the whole.
  long long previous = -1;
  long long handed = 0;
  EXPECT_TRUE(wait_until(
      [&] {
        handed = stats()["bytes"].get<long long>();
        bool still = handed == previous && handed > 0;
        previous = handed;
        return still;
      },
      kWaitDeadline, milliseconds(750)))
      << "the upstream never stopped: " << handed << " bytes";
  EXPECT_LT(handed, 64ll << 20) << "the gateway read on for a client that does not read";
  EXPECT_EQ(stats()["completed"], 0) << "the whole stream was taken from the upstream";
  RecordProperty("upstream_bytes_while_stalled", std::to_string(handed));
  // Reading again lets the stream go on, intact from its first byte.
  start = Clock::now();
  while (raw.size() < (size_t{8} << 20) && !stalled.closed() && elapsed_ms(start) < 30000)
    raw += stalled.read(65536, milliseconds(100));
  RawAnswer answer = parse_raw(raw);
  EXPECT_FALSE(answer.malformed);
  ASSERT_GE(answer.body.size(), size_t{7} << 20) << "the stream did not go on";
  EXPECT_TRUE(answer.body == pattern(answer.body.size())) << "the stream is not intact";
  EXPECT_GT(stats()["bytes"].get<long long>(), handed) << "the upstream did not go on";
}

TEST_F(GatewayStreamingTest, MaxStreamDurationCutsTheStreamWithoutItsLastChunk) {
  RawConnection connection(server_.port());
  auto start = Clock::now();
  connection.write(get_line("/cut/stream/forever"));
  std::string raw = connection.read_until_close(milliseconds(20000));
  long long closed_after = elapsed_ms(start);
  EXPECT_TRUE(connection.is_closed_by_peer(milliseconds(0))) << "still open after 20 s";
  EXPECT_GE(closed_after, 1300) << preview(raw);
  EXPECT_LT(closed_after, 8000) << "max-stream-duration is 1500ms";
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_TRUE(answer.chunked) << preview(raw);
  EXPECT_FALSE(answer.malformed) << preview(raw);
  EXPECT_FALSE(answer.complete) << "a cut stream must not look whole to the client: "
                                << preview(raw);
  EXPECT_NE(answer.body.find("data: tick 3\n\n"), std::string::npos) << "streamed until cut";
  EXPECT_EQ(answer.body.find("data: tick 40\n\n"), std::string::npos) << "cut late";
  // The upstream's side of the exchange ends too.
  EXPECT_TRUE(wait_until([&] { return stats()["disconnected"] == 1; }, milliseconds(5000)))
      << stats();
}

TEST_F(GatewayStreamingTest, AClientThatLeavesMidStreamCancelsTheUpstreamsRequest) {
  {
    RawConnection leaving(server_.port());
    leaving.write(get_line("/stream/forever"));
    std::string raw = read_until(
        leaving,
        [](const std::string& r) { return r.find("data: tick 1\n\n") != std::string::npos; },
        milliseconds(10000));
    ASSERT_NE(raw.find("data: tick 1\n\n"), std::string::npos) << preview(raw);
    json running = stats();
    EXPECT_EQ(running["started"], 1) << running;
    EXPECT_EQ(running["disconnected"], 0) << running;
  }  // closed mid-stream
  auto left = Clock::now();
  EXPECT_TRUE(wait_until([&] { return stats()["disconnected"] == 1; }, milliseconds(5000)))
      << "the upstream still streams to nobody: " << stats();
  EXPECT_LT(elapsed_ms(left), 3000) << "the upstream saw its client go late";
  EXPECT_EQ(client_.get("/echo/after").status, 200) << "the gateway goes on";
}

TEST_F(GatewayStreamingTest, AnHttp10ClientGetsTheStreamUntilTheClose) {
  RawConnection connection(server_.port());
  auto start = Clock::now();
  connection.write("GET /stream/sse?n=4&ms=400 HTTP/1.0\r\nHost: gateway\r\n\r\n");
  std::string raw = read_until(
      connection, [](const std::string& r) { return r.find("data: 0\n\n") != std::string::npos; },
      milliseconds(10000));
  long long first = elapsed_ms(start);
  raw += connection.read_until_close(milliseconds(10000));
  EXPECT_TRUE(connection.is_closed_by_peer(milliseconds(0))) << "the close ends the body";
  RawAnswer answer = parse_raw(raw);
  ASSERT_EQ(answer.head.status, 200) << preview(raw);
  EXPECT_FALSE(answer.head.header("transfer-encoding"))
      << "HTTP/1.0 knows no chunks: " << preview(raw);
  EXPECT_FALSE(answer.head.header("content-length")) << preview(raw);
  EXPECT_EQ(answer.body, events(4)) << preview(raw);
  EXPECT_LT(first, 1000) << "streamed, not buffered: the whole takes 1.6 s";
}

TEST_F(GatewayStreamingTest, TheConnectionCarriesMoreRequestsAfterACompleteStream) {
  HttpResponse streamed = client_.get("/stream/sse?n=3&ms=50");
  ASSERT_EQ(streamed.status, 200) << streamed.body;
  EXPECT_EQ(streamed.body, events(3));
  HttpResponse next = client_.get("/echo/next");
  EXPECT_EQ(next.status, 200) << next.body;
  EXPECT_TRUE(client_.last_reused()) << "the connection was closed after the stream";
  EXPECT_EQ(client_.connections_opened(), 1);

  // Pipelined behind a stream: answered after it, in order, on the same connection.
  RawConnection connection(server_.port());
  connection.write(get_line("/stream/sse?n=3&ms=150") + get_line("/echo/behind") +
                   get_line("/stream/chunked?n=3&size=100"));
  HttpResponse first = connection.read_response();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("transfer-encoding"), "chunked");
  EXPECT_EQ(first.body, events(3));
  HttpResponse second = connection.read_response();
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["path"], "/echo/behind");
  HttpResponse third = connection.read_response();
  ASSERT_EQ(third.status, 200) << third.body;
  EXPECT_EQ(third.body, pattern(300));
  connection.write(get_line("/echo/last"));
  EXPECT_EQ(connection.read_response().json()["path"], "/echo/last");
}

TEST_F(GatewayStreamingTest, AHeadLaterThanTheTimeoutIsA504) {
  auto start = Clock::now();
  HttpResponse r = client_.get("/stream/sse?n=2&ms=10&delay=3000");
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_EQ(r.json()["type"], "urn:apiserver:problem:gateway-timeout") << r.body;
  EXPECT_LT(elapsed_ms(start), 2800) << "timeout is 1s";
}

TEST_F(GatewayStreamingTest, EnforcedValidationChecksTheHeadBeforeAnythingIsStreamed) {
  // text/event-stream where application/json is declared, from a stream without end: refused
  // at its head.
  RawConnection connection(server_.port());
  auto start = Clock::now();
  connection.write(get_line("/checked/stream/forever"));
  HttpResponse media = connection.read_response(milliseconds(10000));
  ASSERT_EQ(media.status, 502) << media.body;
  EXPECT_LT(elapsed_ms(start), 5000);
  EXPECT_EQ(media.header("content-type"), "application/problem+json");
  EXPECT_EQ(media.json()["errors"][0]["name"], "content-type") << media.body;
  EXPECT_EQ(media.body.find("data:"), std::string::npos) << media.body;
  EXPECT_EQ(connection.read_available(milliseconds(500)).find("data:"), std::string::npos)
      << "the stream followed the refusal";
  EXPECT_TRUE(wait_until([&] { return stats()["disconnected"] == 1; }, milliseconds(5000)))
      << "the refused stream still runs upstream: " << stats();

  HttpResponse header = client_.get("/checked/stream/sse?n=3&ms=10");
  ASSERT_EQ(header.status, 502) << header.body;
  EXPECT_EQ(header.json()["errors"][0]["name"], "x-missing") << header.body;

  // The body is not checked: a stream longer than the declared maxLength goes out whole.
  HttpResponse body = client_.get("/checked/stream/chunked?n=4&size=100");
  ASSERT_EQ(body.status, 200) << body.body;
  EXPECT_EQ(body.header("transfer-encoding"), "chunked");
  EXPECT_EQ(body.body, pattern(400));
}

TEST_F(GatewayStreamingTest, AReportedViolationIsCountedAndTheStreamPassedOn) {
  HttpResponse r = client_.get("/reported/stream/sse?n=3&ms=10");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("transfer-encoding"), "chunked");
  EXPECT_EQ(r.body, events(3));
  EXPECT_EQ(r.header("apiserver-response-violations"), "1");
  EXPECT_TRUE(server_.wait_for_log("the upstream's answer 200 breaks the document"));
}

TEST_F(GatewayStreamingTest, AnAnswerWithALengthIsBufferedAsBefore) {
  HttpResponse r = client_.get("/echo/buffered?x=1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.header("transfer-encoding"));
  ASSERT_TRUE(r.header("content-length"));
  EXPECT_EQ(*r.header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.json()["path"], "/echo/buffered");
  EXPECT_EQ(r.json()["query"], "x=1");
  EXPECT_FALSE(r.header("apiserver-response-violations")) << r.body;
}

}  // namespace
}  // namespace apiserver::test
