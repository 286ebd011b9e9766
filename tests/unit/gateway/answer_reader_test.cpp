// Unit tests of the reader of upstream answers: framing by length, chunks or the close,
// interim answers, answers to HEAD, and input split anywhere.
#include "gateway/answer_reader.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace apiserver::gateway {
namespace {

struct Read {
  bool done = false;
  bool failed = false;
  bool keep_alive = false;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string body;
  std::string left;  // bytes after the answer
};

// Feeds `input` the way a connection does: in pieces of `step` bytes, each read given the
// bytes not yet taken; then the end of the connection when `ends`.
Read read_answer(std::string_view input, size_t step, bool to_head = false, bool ends = false) {
  AnswerReader reader(to_head);
  Read out;
  std::string pending;
  bool fields_taken = false;
  for (size_t at = 0; at < input.size() && !reader.done() && !reader.failed();) {
    size_t n = std::min(step, input.size() - at);
    pending.append(input.substr(at, n));
    at += n;
    for (;;) {
      size_t taken = reader.read(pending);
      pending.erase(0, taken);
      if (reader.head_in() && !fields_taken) {
        out.fields = reader.take_fields();
        fields_taken = true;
      }
      out.body += reader.take_body();
      if (taken == 0 || reader.done() || reader.failed()) break;
    }
    if (reader.done()) out.left = pending + std::string(input.substr(at));
  }
  if (ends && !reader.done() && !reader.failed()) {
    reader.read_end();
    out.body += reader.take_body();
  }
  out.done = reader.done();
  out.failed = reader.failed();
  out.keep_alive = reader.keep_alive();
  out.status = reader.status();
  return out;
}

// The same answer read in one piece and split at every point.
std::vector<Read> every_split(std::string_view input, bool to_head = false, bool ends = false) {
  std::vector<Read> reads;
  for (size_t step : {input.size(), size_t{1}, size_t{2}, size_t{7}, input.size() / 2 + 1})
    reads.push_back(read_answer(input, step, to_head, ends));
  return reads;
}

TEST(AnswerReader, ReadsAnAnswerWithALength) {
  std::string answer =
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Trace:  a b \r\n"
      "Content-Length: 9\r\n\r\n{\"id\":17}";
  for (const Read& r : every_split(answer)) {
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(r.body, "{\"id\":17}");
    EXPECT_TRUE(r.keep_alive);
    ASSERT_EQ(r.fields.size(), 3U);
    EXPECT_EQ(r.fields[0].first, "content-type") << "names are lower case";
    EXPECT_EQ(r.fields[1].second, "a b") << "values without surrounding spaces";
  }
}

TEST(AnswerReader, TakesTheChunksOffAndDropsTheTrailer) {
  std::string answer =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: 42\r\n\r\n";
  for (const Read& r : every_split(answer)) {
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.body, "hello, world");
    ASSERT_EQ(r.fields.size(), 1U) << "a trailer field is not a field of the answer";
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST(AnswerReader, ReadsPastInterimAnswers) {
  std::string answer =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  for (const Read& r : every_split(answer)) {
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
    ASSERT_EQ(r.fields.size(), 1U) << "only the final answer's fields";
    EXPECT_EQ(r.fields[0].first, "content-length");
  }
}

TEST(AnswerReader, AnAnswerToHeadHasNoBodyWhateverItsLength) {
  std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
  for (const Read& r : every_split(answer, /*to_head=*/true)) {
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.body, "");
    EXPECT_TRUE(r.keep_alive);
  }
}

TEST(AnswerReader, AnAnswerWithoutLengthEndsWithTheConnection) {
  std::string answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it";
  for (const Read& r : every_split(answer, false, /*ends=*/true)) {
    EXPECT_TRUE(r.done);
    EXPECT_FALSE(r.failed);
    EXPECT_EQ(r.body, "all of it");
    EXPECT_FALSE(r.keep_alive);
  }
  Read open = read_answer(answer, answer.size());
  EXPECT_FALSE(open.done) << "until the connection ends, more may come";
}

TEST(AnswerReader, NoBodyFor204And304) {
  for (const char* answer : {"HTTP/1.1 204 No Content\r\n\r\n",
                             "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"}) {
    for (const Read& r : every_split(answer)) {
      EXPECT_TRUE(r.done) << answer;
      EXPECT_EQ(r.body, "");
    }
  }
}

TEST(AnswerReader, ConnectionCloseEndsTheConnectionsUse) {
  Read r = read_answer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", 100);
  EXPECT_TRUE(r.done);
  EXPECT_FALSE(r.keep_alive);
}

TEST(AnswerReader, StopsAtTheHeadSoTheBodyCanBeDecidedOn) {
  AnswerReader reader(false);
  std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  size_t taken = reader.read(answer);
  EXPECT_TRUE(reader.head_in());
  EXPECT_EQ(reader.body_waiting(), 0U) << "no body is read with the head";
  taken += reader.read(std::string_view(answer).substr(taken));
  EXPECT_EQ(taken, answer.size());
  EXPECT_TRUE(reader.done());
  EXPECT_EQ(reader.take_body(), "abc");
}

TEST(AnswerReader, LeavesWhatFollowsTheAnswer) {
  Read r = read_answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n", 1000);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.left, "HTTP/1.1 200 OK\r\n");
}

TEST(AnswerReader, RefusesWhatIsNotAnHttpAnswer) {
  for (const char* input : {"SSH-2.0-OpenSSH_9.2\r\n", "HTTP/1.1 2000 OK\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                            "HTTP/1.1 200 OK\r\nBad Field\r\n\r\n"}) {
    Read r = read_answer(input, 1000);
    EXPECT_TRUE(r.failed) << input;
    EXPECT_FALSE(r.done) << input;
  }
}

TEST(AnswerReader, AHeadLargerThanTheLimitIsRefused) {
  std::string answer = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(200 * 1024, 'a') + "\r\n\r\n";
  Read r = read_answer(answer, 16 * 1024);
  EXPECT_TRUE(r.failed);
}

TEST(AnswerReader, TheConnectionEndingEarlySaysHowFarItGot) {
  AnswerReader before(false);
  EXPECT_FALSE(before.read_end());
  EXPECT_NE(before.error().find("without answering"), std::string::npos) << before.error();
  AnswerReader midway(false);
  std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  size_t taken = midway.read(answer);
  midway.read(std::string_view(answer).substr(taken));
  EXPECT_FALSE(midway.read_end());
  EXPECT_NE(midway.error().find("mid-answer"), std::string::npos) << midway.error();
}

TEST(AnswerReader, RandomBytesNeverCrashIt) {
  std::mt19937 random(7);
  std::string prefix = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int round = 0; round < 2000; ++round) {
    std::string input = round % 2 == 0 ? prefix : std::string();
    size_t length = random() % 200;
    for (size_t i = 0; i < length; ++i) input += static_cast<char>(random() % 256);
    Read r = read_answer(input, 1 + random() % 17, round % 3 == 0, round % 5 == 0);
    EXPECT_FALSE(r.done && r.failed);
  }
}

}  // namespace
}  // namespace apiserver::gateway
