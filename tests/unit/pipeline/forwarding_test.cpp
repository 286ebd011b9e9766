// What a forwarded request becomes on its way to the upstream, and its answer on the way back
// (pipeline/forwarding.hpp): the rules of an intermediary, field by field.
#include "pipeline/forwarding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace apiserver::pipeline {
namespace {

bool has(const std::vector<std::string>& headers, const std::string& line) {
  return std::find(headers.begin(), headers.end(), line) != headers.end();
}

bool names(const std::vector<std::string>& headers, const std::string& name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const std::string& h) { return h.rfind(name + ":", 0) == 0; });
}

class ForwardingTest : public ::testing::Test {
 protected:
  ForwardingTest() {
    auto upstream = std::make_shared<model::Upstream>();
    upstream->url = "http://10.0.0.5:9000/v1";
    upstream->strip_prefix = "/api";
    upstream->identity_header = "x-caller";
    forwarding_.upstream = upstream;
    forwarding_.credential_headers = {"x-api-key", "authorization"};
    forwarding_.credential_query = {"api_key"};
    forwarding_.credential_cookies = {"session"};
    request_.method = "POST";
    request_.path = "/api/items/a%2Fb";
    request_.query = "api_key=s3cret&x=1&api%5Fkey=again";
    request_.body = R"({"a":1})";
    request_.headers = {{"host", "public.example"},
                        {"content-type", "application/json"},
                        {"content-length", "7"},
                        {"connection", "keep-alive, x-hop"},
                        {"x-hop", "1"},
                        {"te", "trailers"},
                        {"x-api-key", "s3cret"},
                        {"cookie", "theme=dark; session=s3cret; lang=en"},
                        {"x-caller", "admin"},
                        {"x-forwarded-for", "6.6.6.6"},
                        {"x-request-id", "from-client"},
                        {"x-custom", "kept"}};
    identity_.authenticated = true;
    identity_.subject = "alice";
  }

  model::Forwarding forwarding_;
  http::Request request_;
  model::Identity identity_;
  const std::string id_ = "req-1";
};

TEST_F(ForwardingTest, RewritesThePathAndDropsTheCredentialsFromTheQuery) {
  gateway::UpstreamRequest out =
      upstream_request(forwarding_, request_, identity_, "203.0.113.9", &id_);
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.url, "http://10.0.0.5:9000/v1/items/a%2Fb?x=1") << "escapes kept, keys gone";
  EXPECT_EQ(out.body, R"({"a":1})");
  EXPECT_FALSE(out.retry_on_connect_failure) << "a POST is never sent twice";
  request_.method = "PUT";
  EXPECT_TRUE(
      upstream_request(forwarding_, request_, identity_, "1.2.3.4", &id_).retry_on_connect_failure);
}

TEST_F(ForwardingTest, KeepsEndToEndFieldsAndWritesItsOwn) {
  gateway::UpstreamRequest out =
      upstream_request(forwarding_, request_, identity_, "203.0.113.9", &id_);
  EXPECT_TRUE(has(out.headers, "x-custom: kept"));
  EXPECT_TRUE(has(out.headers, "content-type: application/json"));
  for (const char* gone : {"host", "content-length", "connection", "x-hop", "te", "x-api-key"})
    EXPECT_FALSE(names(out.headers, gone)) << gone;
  EXPECT_TRUE(has(out.headers, "cookie: theme=dark; lang=en"));
  EXPECT_TRUE(has(out.headers, "x-caller: alice"));
  EXPECT_FALSE(has(out.headers, "x-caller: admin"));
  EXPECT_TRUE(has(out.headers, "x-forwarded-for: 203.0.113.9"));
  EXPECT_FALSE(has(out.headers, "x-forwarded-for: 6.6.6.6"));
  EXPECT_TRUE(has(out.headers, "x-forwarded-host: public.example"));
  EXPECT_TRUE(has(out.headers, "forwarded: for=203.0.113.9;proto=http;host=\"public.example\""));
  EXPECT_TRUE(has(out.headers, "x-request-id: req-1"));
  EXPECT_FALSE(has(out.headers, "x-request-id: from-client"));
}

TEST_F(ForwardingTest, PassesCredentialsOnlyWhenDeclared) {
  auto upstream = std::make_shared<model::Upstream>(*forwarding_.upstream);
  upstream->pass_credentials = true;
  forwarding_.upstream = upstream;
  gateway::UpstreamRequest out = upstream_request(forwarding_, request_, identity_, "::1", nullptr);
  EXPECT_TRUE(has(out.headers, "x-api-key: s3cret"));
  EXPECT_TRUE(has(out.headers, "cookie: theme=dark; session=s3cret; lang=en"));
  EXPECT_NE(out.url.find("api_key=s3cret"), std::string::npos);
  EXPECT_TRUE(has(out.headers, "forwarded: for=\"[::1]\";proto=http;host=\"public.example\""));
  EXPECT_TRUE(has(out.headers, "x-request-id: from-client")) << "no id of its own: the client's";
}

TEST_F(ForwardingTest, NamesNoCallerThatIsNotAuthenticatedOrNotPlain) {
  identity_.authenticated = false;
  EXPECT_FALSE(names(upstream_request(forwarding_, request_, identity_, "1.2.3.4", &id_).headers,
                     "x-caller"));
  identity_.authenticated = true;
  identity_.subject = "eve\r\nx-admin: yes";
  EXPECT_FALSE(names(upstream_request(forwarding_, request_, identity_, "1.2.3.4", &id_).headers,
                     "x-caller"));
}

TEST(DotSegments, AreFoundPlainOrEscaped) {
  for (const char* path : {"/a/..", "/a/../b", "/./a", "/a/%2e%2E/b", "/a/%2e", "/.."})
    EXPECT_TRUE(has_dot_segment(path)) << path;
  for (const char* path : {"/a/b", "/a/...", "/a/.b", "/a/b.", "/a/%2e%2e%2e", "/"})
    EXPECT_FALSE(has_dot_segment(path)) << path;
}

TEST(ClientAnswer, KeepsEndToEndFieldsAndTurnsFailuresIntoProblems) {
  model::Upstream upstream;
  gateway::UpstreamReply reply;
  reply.status = 201;
  reply.headers = {{"content-type", "application/json"},
                   {"connection", "x-private"},
                   {"x-private", "1"},
                   {"transfer-encoding", "chunked"},
                   {"date", "Mon"},
                   {"set-cookie", "a=1"},
                   {"set-cookie", "b=2"}};
  reply.body = "{}";
  http::Response response;
  EXPECT_FALSE(client_answer(reply, upstream, response));
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, "{}");
  ASSERT_EQ(response.headers.size(), 2u);
  EXPECT_EQ(response.headers[0].second, "a=1");
  EXPECT_EQ(response.headers[1].second, "b=2");

  using Failure = gateway::UpstreamReply::Failure;
  const std::pair<Failure, int> failures[] = {{Failure::kConnect, 502},
                                              {Failure::kBroken, 502},
                                              {Failure::kTimeout, 504},
                                              {Failure::kShutdown, 503}};
  for (const auto& [failure, status] : failures) {
    gateway::UpstreamReply failed;
    failed.failure = failure;
    http::Response untouched;
    std::optional<Problem> problem = client_answer(failed, upstream, untouched);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->status(), status);
  }
}

}  // namespace
}  // namespace apiserver::pipeline

namespace apiserver::pipeline {
namespace {

gateway::UpstreamReply head_with(int status,
                                 std::vector<std::pair<std::string, std::string>> headers) {
  gateway::UpstreamReply head;
  head.status = status;
  head.headers = std::move(headers);
  return head;
}

TEST(StreamedAnswer, IsAnEventStreamOrABodyOfUntoldLength) {
  EXPECT_TRUE(streamed_answer(head_with(200, {{"transfer-encoding", "chunked"}}), "GET"));
  EXPECT_TRUE(streamed_answer(head_with(200, {}), "POST"));  // read until the connection closes
  EXPECT_TRUE(streamed_answer(head_with(200, {{"content-type", "Text/Event-Stream; charset=utf-8"},
                                              {"content-length", "12"}}),
                              "GET"));
  EXPECT_FALSE(streamed_answer(
      head_with(200, {{"content-type", "application/json"}, {"content-length", "12"}}), "GET"));
}

TEST(StreamedAnswer, NeverForHeadOrABodylessStatus) {
  EXPECT_FALSE(streamed_answer(head_with(200, {{"transfer-encoding", "chunked"}}), "HEAD"));
  EXPECT_FALSE(streamed_answer(head_with(204, {}), "GET"));
  EXPECT_FALSE(streamed_answer(head_with(304, {}), "GET"));
}

}  // namespace
}  // namespace apiserver::pipeline
