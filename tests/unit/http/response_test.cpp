// Unit tests of response serialization: status line, Date, Content-Type, Content-Length, bodies
// that must not be sent (204, 304, 1xx, HEAD) and the Connection header.
#include "http/response.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace apiserver::http {
namespace {

struct Wire {
  std::string status_line;
  std::vector<std::string> headers;
  std::string body;
  bool has_blank_line = false;
};

Wire split(const std::string& out) {
  Wire wire;
  size_t end = out.find("\r\n\r\n");
  wire.has_blank_line = end != std::string::npos;
  std::string head = out.substr(0, end);
  if (wire.has_blank_line) wire.body = out.substr(end + 4);
  size_t start = 0;
  bool first = true;
  while (start <= head.size()) {
    size_t nl = head.find("\r\n", start);
    std::string line = head.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (first) {
      wire.status_line = line;
      first = false;
    } else {
      wire.headers.push_back(line);
    }
    if (nl == std::string::npos) break;
    start = nl + 2;
  }
  return wire;
}

int count_prefix(const Wire& wire, const std::string& prefix) {
  int n = 0;
  for (const std::string& h : wire.headers) n += h.rfind(prefix, 0) == 0 ? 1 : 0;
  return n;
}

std::string header(const Wire& wire, const std::string& name) {
  for (const std::string& h : wire.headers) {
    if (h.rfind(name + ": ", 0) == 0) return h.substr(name.size() + 2);
  }
  return "<absent>";
}

Wire serialize(const Response& response, bool omit_body = false, const char* connection = "") {
  std::string out;
  serialize_response(response, omit_body, connection, out);
  return split(out);
}

TEST(SerializeResponse, WritesStatusLineHeadersAndBody) {
  Response r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = "{\"a\":1}";
  Wire wire = serialize(r);
  EXPECT_EQ(wire.status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(header(wire, "Content-Type"), "application/json");
  EXPECT_EQ(header(wire, "Content-Length"), "7");
  EXPECT_TRUE(wire.has_blank_line);
  EXPECT_EQ(wire.body, "{\"a\":1}");
}

TEST(SerializeResponse, WritesAnImfFixdateDateHeader) {
  Wire wire = serialize(Response{});
  std::string date = header(wire, "Date");
  EXPECT_TRUE(std::regex_match(
      date,
      std::regex(
          R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)")))
      << date;
}

TEST(SerializeResponse, OmitsContentTypeWhenEmpty) {
  Wire wire = serialize(Response{});
  EXPECT_EQ(count_prefix(wire, "Content-Type"), 0);
  EXPECT_EQ(header(wire, "Content-Length"), "0");
}

TEST(SerializeResponse, WritesExtraHeadersInOrder) {
  Response r;
  r.status = 201;
  r.add_header("Location", "/todos/1");
  r.add_header("Link", "<a>");
  r.add_header("Link", "<b>");
  std::string out;
  serialize_response(r, false, "", out);
  EXPECT_EQ(out.rfind("HTTP/1.1 201 Created\r\n", 0), 0u);
  size_t location = out.find("Location: /todos/1\r\n");
  size_t a = out.find("Link: <a>\r\n");
  size_t b = out.find("Link: <b>\r\n");
  ASSERT_NE(location, std::string::npos);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  EXPECT_LT(location, a);
  EXPECT_LT(a, b);
}

TEST(SerializeResponse, SendsNoBodyAndNoContentLengthFor204And304) {
  for (int status : {204, 304}) {
    Response r;
    r.status = status;
    r.body = "should not be sent";
    std::string out;
    serialize_response(r, false, "", out);
    Wire wire = split(out);
    EXPECT_EQ(wire.body, "") << status;
    EXPECT_EQ(count_prefix(wire, "Content-Length"), 0) << status;
    EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n") << status;
  }
}

TEST(SerializeResponse, SendsNoBodyForInformationalResponses) {
  Response r;
  r.status = 100;
  r.body = "x";
  Wire wire = serialize(r);
  EXPECT_EQ(wire.status_line, "HTTP/1.1 100 Continue");
  EXPECT_EQ(wire.body, "");
  EXPECT_EQ(count_prefix(wire, "Content-Length"), 0);
}

TEST(SerializeResponse, KeepsContentLengthButOmitsTheBodyForHead) {
  Response r;
  r.content_type = "application/json";
  r.body = "[1,2,3]";
  std::string out;
  serialize_response(r, true, "keep-alive", out);
  Wire wire = split(out);
  EXPECT_EQ(header(wire, "Content-Length"), "7");
  EXPECT_EQ(header(wire, "Content-Type"), "application/json");
  EXPECT_EQ(wire.body, "");
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(SerializeResponse, WritesTheConnectionHeaderOnlyWhenGiven) {
  EXPECT_EQ(header(serialize(Response{}, false, "close"), "Connection"), "close");
  EXPECT_EQ(header(serialize(Response{}, false, "keep-alive"), "Connection"), "keep-alive");
  EXPECT_EQ(count_prefix(serialize(Response{}, false, ""), "Connection"), 0);
  EXPECT_EQ(count_prefix(serialize(Response{}, false, nullptr), "Connection"), 0);
}

TEST(SerializeResponse, AppendsToExistingOutput) {
  std::string out = "previous";
  serialize_response(Response{}, false, "", out);
  EXPECT_EQ(out.rfind("previousHTTP/1.1 200 OK\r\n", 0), 0u);
}

TEST(SerializeResponse, CountsBodyBytesNotCharacters) {
  Response r;
  r.body = "\xC3\xA9\xC3\xA9";  // two characters, four bytes
  EXPECT_EQ(header(serialize(r), "Content-Length"), "4");
}

TEST(ReasonPhrase, NamesCommonStatusesAndFallsBackForUnknownOnes) {
  EXPECT_STREQ(reason_phrase(200), "OK");
  EXPECT_STREQ(reason_phrase(404), "Not Found");
  EXPECT_STREQ(reason_phrase(413), "Content Too Large");
  EXPECT_STREQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_STREQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_STREQ(reason_phrase(505), "HTTP Version Not Supported");
  EXPECT_STREQ(reason_phrase(599), "Unknown");
  Response r;
  r.status = 599;
  EXPECT_EQ(serialize(r).status_line, "HTTP/1.1 599 Unknown");
}

}  // namespace
}  // namespace apiserver::http

namespace apiserver::http {
namespace {

TEST(StreamedResponse, HeadIsChunkedForHttp11AndUnframedOtherwise) {
  Response head;
  head.status = 200;
  head.content_type = "text/event-stream";
  head.add_header("X-Request-Id", "abc");
  std::string chunked;
  serialize_stream_head(head, true, "", chunked);
  EXPECT_NE(chunked.find("\r\nTransfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(chunked.find("Content-Length"), std::string::npos);
  EXPECT_NE(chunked.find("\r\nX-Request-Id: abc\r\n"), std::string::npos);
  EXPECT_TRUE(chunked.size() > 4 && chunked.compare(chunked.size() - 4, 4, "\r\n\r\n") == 0);
  std::string closing;
  serialize_stream_head(head, false, "close", closing);
  EXPECT_EQ(closing.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(closing.find("Content-Length"), std::string::npos);
  EXPECT_NE(closing.find("\r\nConnection: close\r\n\r\n"), std::string::npos);
}

TEST(StreamedResponse, PiecesAreChunksInHexAndNeverAnEmptyOne) {
  std::string out;
  append_stream_piece("data: 1\n\n", true, out);
  append_stream_piece(std::string(300, 'x'), true, out);
  append_stream_piece("", true, out);  // would end the body: nothing is written
  EXPECT_EQ(out, "9\r\ndata: 1\n\n\r\n12c\r\n" + std::string(300, 'x') + "\r\n");
  std::string raw;
  append_stream_piece("abc", false, raw);
  EXPECT_EQ(raw, "abc");
}

}  // namespace
}  // namespace apiserver::http

namespace apiserver::http {
namespace {

TEST(HeadAnswer, TellsTheLengthGetsBodyWouldHaveWhenTheBodyIsNotAtHand) {
  Response response;
  response.content_type = "application/json";
  response.head_length = 1234;
  std::string head;
  serialize_response(response, true, "", head);
  EXPECT_NE(head.find("\r\nContent-Length: 1234\r\n"), std::string::npos);
  response.body = "{}";
  std::string get;
  serialize_response(response, false, "", get);  // a body to send: its own length
  EXPECT_NE(get.find("\r\nContent-Length: 2\r\n"), std::string::npos);
}

}  // namespace
}  // namespace apiserver::http
