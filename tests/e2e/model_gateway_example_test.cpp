// examples/model-gateway.yaml in front of the model server it documents
// (examples/model-server/app.py, FastAPI under uvicorn), as the README runs them: only valid,
// authenticated requests within their rate limit reach the model, and its answers keep the
// document.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

const char* const kKey = "demo-key-0123456789abcdef";

class ModelGatewayExampleTest : public ::testing::Test {
 protected:
  ServerProcess model_ =
      ServerProcess::with_binary("/usr/bin/python3", {source_path("examples/model-server/app.py")});
  ServerProcess gateway_{
      {source_path("examples/model-gateway.yaml")},
      {{"MODEL_URL", model_.url()}, {"MODEL_API_KEYS", std::string("demo=") + kKey}}};
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

}  // namespace
}  // namespace apiserver::test
