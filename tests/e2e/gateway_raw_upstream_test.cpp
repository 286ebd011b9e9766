// Answers no framework sends, from an upstream that writes its bytes by hand
// (upstreams/raw_upstream.py): interim answers, a trailer, a body framed by the close, a head
// in many pieces, broken answers, and a kept-alive connection the upstream closes just as the
// next request comes. Each is forwarded three times: to the upstream by its address and by its
// name (resolved as the document loads), both through the loop's own client, and over TLS with
// the upstream's certificate signed by a CA of the test's own (ca-file, through libcurl). All
// must give the same answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

const char* const kDocument = R"(openapi: 3.0.3
info: {title: Raw upstream, version: "1"}
x-apiserver:
  upstream: {url: "${RAW_URL}", strip-prefix: /raw}
paths:
  /raw/{what}:
    parameters: [{name: what, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        "200": {description: The upstream's answer, content: {application/json: {schema: {type: object}}}}
    post:
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses:
        "200": {description: The upstream's answer, content: {application/json: {schema: {type: object}}}}
)";

// A self-signed certificate for "localhost" in `dir` (cert.pem, key.pem): its own CA.
std::vector<std::string> tls_arguments(const TempDir& dir) {
  RunResult made = ServerProcess::run_binary(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                           "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout",
                           dir.file("key.pem"), "-out", dir.file("cert.pem")});
  if (made.exit_code != 0) throw std::runtime_error("openssl req failed: " + made.out + made.err);
  return {"--tls", dir.file("cert.pem"), dir.file("key.pem")};
}

// The upstream by address ("127.0.0.1"), by name ("localhost"), or over TLS ("https").
class GatewayRawUpstreamTest : public ::testing::TestWithParam<const char*> {
 protected:
  GatewayRawUpstreamTest()
      : upstream_(ServerProcess::with_binary("/usr/bin/python3", upstream_arguments())),
        server_({write_file(dir_, "raw.yaml", document()), "--db", dir_.file("raw.db"), "--threads",
                 "1"},
                {{"RAW_URL", upstream_url()}, {"RAW_CA", dir_.file("cert.pem")}}),
        client_(server_.port()) {}

  bool over_tls() const { return std::string(GetParam()) == "https"; }

  std::vector<std::string> upstream_arguments() const {
    std::vector<std::string> arguments{test_data_path("e2e/upstreams/raw_upstream.py")};
    if (over_tls())
      for (std::string& argument : tls_arguments(dir_)) arguments.push_back(std::move(argument));
    return arguments;
  }

  std::string document() const {
    std::string text = kDocument;
    if (over_tls()) text.replace(text.find("strip-prefix"), 0, "ca-file: \"${RAW_CA}\", ");
    return text;
  }

  std::string upstream_url() const {
    std::string url = upstream_.url();
    if (std::string(GetParam()) == "localhost") url.replace(url.find("127.0.0.1"), 9, "localhost");
    if (over_tls()) {
      std::string log = upstream_.log();
      size_t at = log.find("tls on https://127.0.0.1:");
      if (at == std::string::npos) throw std::runtime_error("no TLS port in: " + log);
      at += std::string("tls on https://127.0.0.1:").size();
      url = "https://localhost:" + log.substr(at, log.find('\n', at) - at);
    }
    return url;
  }

  int upstream_connections() {
    HttpClient direct(upstream_.port());
    return direct.get("/stats").json()["accepted"].get<int>();
  }

  TempDir dir_;
  ServerProcess upstream_;
  ServerProcess server_;
  HttpClient client_;
};

TEST_P(GatewayRawUpstreamTest, InterimAnswersAreReadPast) {
  HttpResponse r = client_.get("/raw/interim");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), nlohmann::json({{"ok", true}}));
  EXPECT_FALSE(r.header("link")) << "fields of an interim answer are not the answer's";
}

TEST_P(GatewayRawUpstreamTest, AChunkedAnswerArrivesWithoutItsFramingOrTrailer) {
  HttpResponse r = client_.get("/raw/trailer");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), nlohmann::json({{"ok", true}}));
  EXPECT_FALSE(r.header("x-sum"));
}

TEST_P(GatewayRawUpstreamTest, AnAnswerFramedByTheCloseArrivesWhole) {
  HttpResponse r = client_.get("/raw/close-framed");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), nlohmann::json({{"ok", true}}));
  EXPECT_EQ(client_.get("/raw/close-framed").status, 200) << "and the next one on a new connection";
}

TEST_P(GatewayRawUpstreamTest, AHeadWrittenInManyPiecesIsReadWhole) {
  HttpResponse r = client_.get("/raw/split");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-long").value_or("").size(), 3000U);
  EXPECT_EQ(r.json(), nlohmann::json({{"ok", true}}));
}

TEST_P(GatewayRawUpstreamTest, AnAnswerThatIsNotHttpOrIsCutShortIsA502) {
  for (const char* path : {"/raw/broken", "/raw/cut"}) {
    HttpResponse r = client_.get(path);
    EXPECT_EQ(r.status, 502) << path << ": " << r.body;
    EXPECT_EQ(r.json()["detail"], "the upstream's answer could not be read") << path;
  }
  EXPECT_EQ(client_.get("/raw/interim").status, 200) << "the gateway goes on";
}

TEST_P(GatewayRawUpstreamTest, AKeptConnectionClosedAsARequestComesIsReplacedUnseen) {
  // Each connection answers one request and closes as the next arrives on it.
  for (int i = 0; i < 3; ++i) {
    HttpResponse get = client_.get("/raw/once");
    EXPECT_EQ(get.status, 200) << i << ": " << get.body;
    HttpResponse post = client_.post("/raw/once", "{}");
    EXPECT_EQ(post.status, 200) << i << ": " << post.body;
  }
  EXPECT_GE(upstream_connections(), 6) << "one connection per answer, as the upstream wants";
}

// A name that does not resolve does not stop the server: it says so, and its requests are 502s
// (they go through libcurl, which tries the name again for each).
TEST(GatewayUnresolvedUpstream, IsSaidAtLoadAndAnswersBadGateway) {
  TempDir dir;
  ServerProcess server({write_file(dir, "raw.yaml", kDocument), "--db", dir.file("raw.db")},
                       {{"RAW_URL", "http://no-such-host.invalid:9000"}});
  EXPECT_TRUE(server.wait_for_log("host 'no-such-host.invalid' does not resolve yet"));
  HttpResponse r = HttpClient(server.port()).get("/raw/interim");
  EXPECT_EQ(r.status, 502) << r.body;
  EXPECT_EQ(r.json()["detail"], "the upstream could not be reached") << r.body;
}

INSTANTIATE_TEST_SUITE_P(ByAddressByNameAndOverTls, GatewayRawUpstreamTest,
                         ::testing::Values("address", "localhost", "https"));

}  // namespace
}  // namespace apiserver::test
