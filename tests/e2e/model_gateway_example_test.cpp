// examples/model-gateway.yaml in front of the model server it documents
// (examples/model-server/app.py, FastAPI under uvicorn), as the README runs them: only valid,
// authenticated requests within their rate limit reach the model, and its answers keep the
// document. A generation (server-sent events) reaches the client token by token as the model
// writes it; an upload is checked (size, type) before the model sees a byte of it. The model
// server prints one line per request it receives, which is how these tests tell what reached it.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const char* const kKey = "demo-key-0123456789abcdef";
const std::string kBoundary = "----model-gateway-test-3b9e";

// The model server and the gateway in front of it, as the README starts them.
struct ModelDeployment {
  explicit ModelDeployment(const std::string& spec)
      : gateway({spec},
                {{"MODEL_URL", model.url()}, {"MODEL_API_KEYS", std::string("demo=") + kKey}}) {}

  ServerProcess model =
      ServerProcess::with_binary("/usr/bin/python3", {source_path("examples/model-server/app.py")});
  ServerProcess gateway;
};

class ModelGatewayExampleTest : public ::testing::Test {
 protected:
  // Waits until the model has logged a request to `path` it is sure to get (health), so that
  // anything forwarded before it has been logged too; then tells whether `path` was.
  bool model_saw(const std::string& path) {
    EXPECT_EQ(client_.get("/api/v1/health").status, 200);
    EXPECT_TRUE(model_.wait_for_log("GET /v1/health")) << model_.log();
    return model_.log().find("POST " + path + " ") != std::string::npos;
  }

  ModelDeployment deployment_{source_path("examples/model-gateway.yaml")};
  ServerProcess& model_ = deployment_.model;
  ServerProcess& gateway_ = deployment_.gateway;
  HttpClient client_{gateway_.port()};
  const Headers key_ = {{"X-Api-Key", kKey}};
};

TEST_F(ModelGatewayExampleTest, TheModelAnswersValidAuthenticatedRequests) {
  HttpResponse r = client_.post("/api/v1/predict", R"({"text":"I love it, great work"})", key_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["label"], "positive");
  EXPECT_EQ(r.json()["model"], "words-v1");
  EXPECT_FALSE(r.header("apiserver-response-violations")) << "the model keeps the document";
  EXPECT_TRUE(r.header("ratelimit"));
  EXPECT_EQ(client_.get("/api/v1/health").json()["status"], "ok") << "public";
}

TEST_F(ModelGatewayExampleTest, WhatTheDocumentRefusesNeverReachesTheModel) {
  EXPECT_EQ(client_.post("/api/v1/predict", R"({"text":"fine"})").status, 401);
  HttpResponse invalid = client_.post("/api/v1/predict", R"({"text":"","extra":1})", key_);
  ASSERT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_EQ(invalid.json()["errors"].size(), 2u) << invalid.body;
  int limited = 0;
  for (int i = 0; i < 30; ++i)
    limited += client_.post("/api/v1/predict", R"({"text":"fine"})", key_).status == 429;
  EXPECT_GT(limited, 0) << "5 a second, bursts of 10";
}

// ---- /generate: server-sent events ----

bool starts_with(const std::string& text, const std::string& start) {
  return text.compare(0, start.size(), start) == 0;
}

bool ends_with(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The events of a text/event-stream body, each without the blank line that ends it; what
// follows the last blank line (an unfinished event) is returned last.
std::vector<std::string> events_of(const std::string& body) {
  std::vector<std::string> events;
  std::size_t at = 0;
  for (std::size_t end; (end = body.find("\n\n", at)) != std::string::npos; at = end + 2)
    events.push_back(body.substr(at, end - at));
  if (at < body.size()) events.push_back(body.substr(at));
  return events;
}

// The body of an answer as far as it has arrived: of a chunked one, its complete chunks.
std::string body_so_far(const std::string& raw) {
  std::size_t at = raw.find("\r\n\r\n");
  if (at == std::string::npos) return "";
  std::string head = raw.substr(0, at);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("\r\ntransfer-encoding: chunked") == std::string::npos) return raw.substr(at + 4);
  std::string body;
  for (at += 4;;) {
    const std::size_t eol = raw.find("\r\n", at);
    if (eol == std::string::npos || eol == at) break;
    const std::size_t size = std::stoul(raw.substr(at, eol - at), nullptr, 16);
    if (size == 0 || raw.size() < eol + 2 + size + 2) break;
    body += raw.substr(eol + 2, size);
    at = eol + 2 + size + 2;
  }
  return body;
}

struct Streamed {
  std::string raw;               // every byte received
  milliseconds first_event{-1};  // after the request, when the first whole event was in
  milliseconds done{-1};         // when the `done` event was in
  milliseconds ended{-1};        // when the reading stopped (done, closed, or 10 s)
};

// POSTs `body` to /generate on a connection of its own and reads the answer as it arrives,
// noting when the first event and the last one came, until the last one or the end of the
// connection.
Streamed generate_streamed(uint16_t port, const std::string& body) {
  RawConnection connection(port);
  connection.write(
      "POST /api/v1/generate HTTP/1.1\r\nHost: model.test\r\nX-Api-Key: " + std::string(kKey) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body);
  const Clock::time_point start = Clock::now();
  Streamed s;
  while (Clock::now() - start < std::chrono::seconds(10) && s.done.count() < 0) {
    const std::string piece = connection.read_available(milliseconds(100));
    if (piece.empty()) {
      if (connection.is_closed_by_peer(milliseconds(0))) break;
      continue;
    }
    s.raw += piece;
    const auto now = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    const std::string so_far = body_so_far(s.raw);
    const std::vector<std::string> events = events_of(so_far);
    const std::size_t whole =
        events.empty() || ends_with(so_far, "\n\n") ? events.size() : events.size() - 1;
    if (s.first_event.count() < 0 && whole >= 1) s.first_event = now;
    if (whole >= 1 && starts_with(events[whole - 1], "event: done\n")) s.done = now;
  }
  s.ended = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  if (s.done.count() >= 0) s.raw += connection.read_available(milliseconds(200));  // "0\r\n\r\n"
  return s;
}

TEST_F(ModelGatewayExampleTest, AGenerationStreamsThroughTokenByToken) {
  // 40 tokens, 20 ms apart: the model takes about 800 ms to write them all.
  const Streamed s = generate_streamed(
      gateway_.port(), R"({"prompt":"streams arrive token by token","max_tokens":40})");
  ASSERT_GE(s.done.count(), 0) << "no done event within 10 s:\n" << s.raw;
  EXPECT_LT(s.first_event.count() + 400, s.done.count())
      << "the first event came at " << s.first_event.count() << " ms, the last at "
      << s.done.count() << " ms: the answer was held back instead of streamed";

  const std::vector<HttpResponse> answers = HttpClient::parse_responses(s.raw);
  ASSERT_EQ(answers.size(), 1u) << s.raw;
  const HttpResponse& r = answers[0];
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("transfer-encoding").value_or(""), "chunked");
  EXPECT_FALSE(r.header("content-length"));
  EXPECT_TRUE(starts_with(r.header("content-type").value_or(""), "text/event-stream"))
      << r.header("content-type").value_or("(none)");
  EXPECT_TRUE(r.header("ratelimit")) << "finished like every answer";
  EXPECT_TRUE(r.header("x-request-id"));
  EXPECT_FALSE(r.header("apiserver-response-violations"));

  // Whole events, in order: the prompt's words, last first, then `done`.
  const std::vector<std::string> events = events_of(r.body);
  ASSERT_EQ(events.size(), 41u) << r.body;
  ASSERT_TRUE(ends_with(r.body, "\n\n")) << r.body;
  const std::vector<std::string> words = {"streams", "arrive", "token", "by", "token"};
  for (std::size_t i = 0; i < 40; ++i) {
    ASSERT_TRUE(starts_with(events[i], "data: ")) << events[i];
    const json data = json::parse(events[i].substr(6), nullptr, false);
    ASSERT_TRUE(data.is_object()) << "event " << i << " is not whole: " << events[i];
    EXPECT_EQ(data["index"], i) << events[i];
    EXPECT_EQ(data["token"], words[words.size() - 1 - i % words.size()]) << events[i];
  }
  EXPECT_EQ(events[40], "event: done\ndata: {\"tokens\": 40}");
  EXPECT_TRUE(model_.wait_for_log("POST /v1/generate caller=demo")) << model_.log();
}

TEST_F(ModelGatewayExampleTest, AGenerationReadWholeByAClientHasEveryEvent) {
  HttpResponse r = client_.post("/api/v1/generate", R"({"prompt":"Hello, world!"})", key_);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<std::string> events = events_of(r.body);
  ASSERT_EQ(events.size(), 17u) << "16 tokens by default, then done:\n" << r.body;
  EXPECT_EQ(events[0], R"(data: {"token": "world", "index": 0})");
  EXPECT_EQ(events[15], R"(data: {"token": "hello", "index": 15})");
  EXPECT_EQ(events[16], "event: done\ndata: {\"tokens\": 16}");
  // The connection is still good for the next request.
  EXPECT_EQ(client_.get("/api/v1/health").status, 200);
  EXPECT_TRUE(client_.last_reused());
}

// The example's limits scaled down (10 s for the head, 60 s for the stream: 1 s and 2 s).
std::string example_with_shorter_limits() {
  std::ifstream in(source_path("examples/model-gateway.yaml"));
  std::string document((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"timeout: 10s", "timeout: 1s"},
                                 {"max-stream-duration: 60s", "max-stream-duration: 2s"}}) {
    const std::size_t at = document.find(from);
    if (at == std::string::npos) return "the example has no " + from;
    document.replace(at, from.size(), to);
  }
  return document;
}

TEST(ModelGatewayExampleStreamLimit, AGenerationOutlastingMaxStreamDurationIsCut) {
  const std::string document = example_with_shorter_limits();
  ASSERT_EQ(document.find("the example has no"), std::string::npos) << document;
  TempDir dir;
  ModelDeployment deployment(write_file(dir, "model-gateway.yaml", document));

  // 250 tokens take the model about 5 s: longer than `timeout` (which bounds only the wait
  // for the head), cut at max-stream-duration.
  const Streamed s =
      generate_streamed(deployment.gateway.port(), R"({"prompt":"a long story","max_tokens":250})");
  EXPECT_GE(s.first_event.count(), 0) << "what came before the cut was passed on:\n" << s.raw;
  EXPECT_LT(s.done.count(), 0) << "the done event came at " << s.done.count() << " ms: not cut";
  EXPECT_GE(s.ended.count(), 1900) << "cut before max-stream-duration:\n" << s.raw;
  EXPECT_LT(s.ended.count(), 4000) << "the connection was not closed at max-stream-duration";
  EXPECT_EQ(s.raw.find("\r\n0\r\n\r\n"), std::string::npos)
      << "no terminating chunk, so that the client can tell the answer was cut";
  EXPECT_TRUE(deployment.gateway.wait_for_log("the stream was cut")) << deployment.gateway.log();
}

TEST_F(ModelGatewayExampleTest, AnInvalidGenerationNeverReachesTheModel) {
  EXPECT_EQ(client_.post("/api/v1/generate", R"({"prompt":"hi"})").status, 401);
  HttpResponse empty = client_.post("/api/v1/generate", R"({"prompt":""})", key_);
  ASSERT_EQ(empty.status, 422) << empty.body;
  EXPECT_EQ(empty.json()["errors"][0]["pointer"], "/prompt") << empty.body;
  HttpResponse invalid =
      client_.post("/api/v1/generate", R"({"max_tokens":257,"temperature":0.5})", key_);
  ASSERT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_EQ(invalid.json()["errors"].size(), 3u)
      << "prompt missing, max_tokens too large, temperature undeclared: " << invalid.body;
  EXPECT_FALSE(model_saw("/v1/generate")) << model_.log();
}

// ---- /transcribe: a file upload ----

std::string multipart(const std::string& audio, const std::string& audio_type,
                      const std::string& language = "") {
  std::string body = "--" + kBoundary +
                     "\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.wav\"\r\n";
  if (!audio_type.empty()) body += "Content-Type: " + audio_type + "\r\n";
  body += "\r\n" + audio + "\r\n";
  if (!language.empty()) {
    body += "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\n" +
            language + "\r\n";
  }
  return body + "--" + kBoundary + "--\r\n";
}

const Headers kUpload = {{"X-Api-Key", kKey},
                         {"Content-Type", "multipart/form-data; boundary=" + kBoundary}};

TEST_F(ModelGatewayExampleTest, ARecordingIsTranscribed) {
  HttpResponse r = client_.post("/api/v1/transcribe",
                                multipart(std::string(32000, '\x7f'), "audio/wav", "fr"), kUpload);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["bytes"], 32000) << "the upload reached the model byte for byte";
  EXPECT_EQ(r.json()["content_type"], "audio/wav");
  EXPECT_EQ(r.json()["language"], "fr");
  EXPECT_EQ(r.json()["model"], "bytes-v1");
  EXPECT_FALSE(r.header("apiserver-response-violations"));
  EXPECT_TRUE(model_.wait_for_log("POST /v1/transcribe caller=demo")) << model_.log();
}

TEST_F(ModelGatewayExampleTest, AnUploadTheDocumentRefusesNeverReachesTheModel) {
  HttpResponse untyped = client_.post("/api/v1/transcribe", multipart("RIFF", ""), kUpload);
  ASSERT_EQ(untyped.status, 422) << untyped.body;
  EXPECT_EQ(untyped.json()["errors"][0]["pointer"], "/audio") << untyped.body;
  HttpResponse language =
      client_.post("/api/v1/transcribe", multipart("RIFF", "audio/wav", "xx"), kUpload);
  ASSERT_EQ(language.status, 422) << language.body;
  EXPECT_EQ(language.json()["errors"][0]["pointer"], "/language") << language.body;

  // Over the part's maxLength (1 MiB) but within the document's max-body (2 MiB): 422.
  HttpResponse large = client_.post(
      "/api/v1/transcribe", multipart(std::string(1536 * 1024, '\x7f'), "audio/wav"), kUpload);
  ASSERT_EQ(large.status, 422) << large.body.substr(0, 300);
  EXPECT_EQ(large.json()["errors"][0]["pointer"], "/audio") << large.body;
  EXPECT_NE(large.body.find("at most 1048576"), std::string::npos) << large.body;

  // 10 MB: over max-body, refused as it arrives (the gateway may stop reading it).
  const std::string huge = multipart(std::string(10 * 1000 * 1000, '\x7f'), "audio/wav");
  RawConnection raw(gateway_.port(), "127.0.0.1", milliseconds(5000));
  raw.write("POST /api/v1/transcribe HTTP/1.1\r\nHost: model.test\r\nX-Api-Key: " +
            std::string(kKey) + "\r\nContent-Type: multipart/form-data; boundary=" + kBoundary +
            "\r\nContent-Length: " + std::to_string(huge.size()) + "\r\n\r\n");
  raw.try_write(huge);
  HttpResponse too_large = raw.read_response(milliseconds(5000));
  EXPECT_EQ(too_large.status, 413) << too_large.body;

  EXPECT_FALSE(model_saw("/v1/transcribe")) << model_.log();
}

}  // namespace
}  // namespace apiserver::test
