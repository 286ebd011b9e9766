// Rate limits end to end, against the real binary (specs/rate_limit.yaml,
// specs/rate_limit_proxies.yaml): the RateLimit-Policy / RateLimit fields counting down, the 429
// problem with a Retry-After that is honest, exempt operations without fields, 404 and 422
// answers of limited operations with fields, X-Forwarded-For believed only from a trusted proxy,
// and the accuracy of a limit under concurrent clients in real time.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// Every answer of a limited operation carries both fields.
void expect_fields(const HttpResponse& response, const std::string& policy,
                   const std::string& state) {
  EXPECT_EQ(response.header("RateLimit-Policy").value_or("<none>"), policy);
  EXPECT_EQ(response.header("RateLimit").value_or("<none>"), state);
}

class RateLimitTest : public ::testing::Test {
 protected:
  TempDir dir_;
  ServerProcess server_{std::vector<std::string>{test_data_path("e2e/specs/rate_limit.yaml"),
                                                 "--db", dir_.file("rate.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(RateLimitTest, FieldsCountDownThenA429WithRetryAfter) {
  // 3 a minute per client: one request every 20 s, all three at once.
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    HttpResponse r = client_.get("/counted");
    ASSERT_EQ(r.status, 200) << r.body;
    expect_fields(r, "\"default\";q=3;w=60",
                  "\"default\";r=" + std::to_string(2 - i) + ";t=" + std::to_string(20 * (i + 1)));
  }
  HttpResponse refused = client_.get("/counted");
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("Content-Type").value_or(""), "application/problem+json");
  // The next request passes in 20 s (less the few milliseconds this test has taken).
  EXPECT_EQ(refused.header("Retry-After").value_or("<none>"), "20");
  expect_fields(refused, "\"default\";q=3;w=60", "\"default\";r=0;t=60");
  json problem = refused.json();
  EXPECT_EQ(problem["type"], "urn:apiserver:problem:rate-limited");
  EXPECT_EQ(problem["status"], 429);
  EXPECT_EQ(problem["title"], "Too many requests");
  EXPECT_EQ(problem["instance"], "/counted");
  EXPECT_EQ(problem["detail"], "rate limit 'default' (3 per 60000 ms) is exhausted; retry in 20 s");
  // The document-level policy is one budget: POST /items is refused too.
  HttpResponse post = client_.post_json("/items", {{"name", "x"}});
  EXPECT_EQ(post.status, 429) << post.body;
  // A path-level policy is a budget of its own.
  EXPECT_EQ(client_.get("/items/1").status, 404);
}

TEST_F(RateLimitTest, RetryAfterIsHonoured) {
  HttpResponse first = client_.get("/slow");
  ASSERT_EQ(first.status, 204);
  expect_fields(first, "\"slow\";q=1;w=1", "\"slow\";r=0;t=1");
  HttpResponse refused = client_.get("/slow");
  ASSERT_EQ(refused.status, 429);
  const std::string retry_after = refused.header("Retry-After").value_or("<none>");
  ASSERT_EQ(retry_after, "1");
  // Waiting out the window the server named is the point of this test: a poll would spend the
  // budget it checks.
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(retry_after)));
  HttpResponse again = client_.get("/slow");
  EXPECT_EQ(again.status, 204) << again.body;
  expect_fields(again, "\"slow\";q=1;w=1", "\"slow\";r=0;t=1");
}

TEST_F(RateLimitTest, ExemptOperationsHaveNoFields) {
  for (int i = 0; i < 10; ++i) {
    HttpResponse r = client_.get("/health");
    ASSERT_EQ(r.status, 204) << i;
    EXPECT_FALSE(r.header("RateLimit")) << i;
    EXPECT_FALSE(r.header("RateLimit-Policy")) << i;
    EXPECT_FALSE(r.header("Retry-After")) << i;
  }
}

TEST_F(RateLimitTest, ErrorsOfLimitedOperationsCarryTheFields) {
  HttpResponse missing = client_.get("/items/42");
  ASSERT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.json()["type"], "urn:apiserver:problem:resource-not-found");
  expect_fields(missing, "\"items\";q=100;w=60", "\"items\";r=99;t=1");

  HttpResponse bad_path = client_.get("/items/0");
  ASSERT_EQ(bad_path.status, 422) << bad_path.body;
  // Two requests hold 1.2 s of the window, less the time between them: t is 2 unless over
  // 0.2 s passed (a slow machine or an instrumented build), then 1.
  std::string state = bad_path.header("RateLimit").value_or("<none>");
  EXPECT_TRUE(state == "\"items\";r=98;t=2" || state == "\"items\";r=98;t=1") << state;
  EXPECT_EQ(bad_path.header("RateLimit-Policy").value_or("<none>"), "\"items\";q=100;w=60");

  HttpResponse invalid = client_.post_json("/items", {{"name", ""}});
  ASSERT_EQ(invalid.status, 422) << invalid.body;
  EXPECT_EQ(invalid.json()["type"], "urn:apiserver:problem:validation-failed");
  expect_fields(invalid, "\"default\";q=3;w=60", "\"default\";r=2;t=20");

  HttpResponse created = client_.post_json("/items", {{"name", "one"}});
  ASSERT_EQ(created.status, 201) << created.body;
  expect_fields(created, "\"default\";q=3;w=60", "\"default\";r=1;t=40");
}

TEST_F(RateLimitTest, XForwardedForFromAnUntrustedPeerDoesNotChangeTheKey) {
  // The client is 127.0.0.1 and nothing is trusted: every request counts against 127.0.0.1.
  for (int i = 0; i < 3; ++i) {
    HttpResponse r =
        client_.get("/counted", {{"X-Forwarded-For", "198.51.100." + std::to_string(i + 1)},
                                 {"Forwarded", "for=203.0.113." + std::to_string(i + 1)}});
    ASSERT_EQ(r.status, 200) << i;
    expect_fields(r, "\"default\";q=3;w=60",
                  "\"default\";r=" + std::to_string(2 - i) + ";t=" + std::to_string(20 * (i + 1)));
  }
  EXPECT_EQ(client_.get("/counted", {{"X-Forwarded-For", "198.51.100.99"}}).status, 429);
  EXPECT_EQ(client_.get("/counted").status, 429);
}

TEST(RateLimitProxiesTest, XForwardedForFromATrustedProxyNamesTheClient) {
  TempDir dir;
  ServerProcess server(
      {test_data_path("e2e/specs/rate_limit_proxies.yaml"), "--db", dir.file("rate.db")});
  HttpClient client(server.port());
  // One request a minute per client; 127.0.0.1 is a trusted proxy.
  auto get = [&](Headers headers) { return client.get("/counted", std::move(headers)).status; };
  EXPECT_EQ(get({{"X-Forwarded-For", "198.51.100.1"}}), 204);
  EXPECT_EQ(get({{"X-Forwarded-For", "198.51.100.2"}}), 204);
  EXPECT_EQ(get({{"X-Forwarded-For", "6.6.6.6, 198.51.100.3"}}), 204);
  EXPECT_EQ(get({{"X-Forwarded-For", "2001:db8::1"}}), 204);
  // Each of those clients has used its budget.
  EXPECT_EQ(get({{"X-Forwarded-For", "198.51.100.1"}}), 429);
  EXPECT_EQ(get({{"X-Forwarded-For", "7.7.7.7, 198.51.100.3"}}), 429);
  EXPECT_EQ(get({{"X-Forwarded-For", "2001:db8::1"}}), 429);
  // The proxy writes X-Forwarded-For (the default forwarded-header); a Forwarded header is the
  // client's own and buys no fresh budget.
  EXPECT_EQ(get({{"X-Forwarded-For", "198.51.100.4"}, {"Forwarded", "for=9.9.9.1"}}), 204);
  EXPECT_EQ(get({{"X-Forwarded-For", "198.51.100.4"}, {"Forwarded", "for=9.9.9.2"}}), 429);
  // Without a forwarded address the proxy itself is the client.
  EXPECT_EQ(get({}), 204);
  EXPECT_EQ(get({}), 429);
}

// Limits by address apply before authentication: guessing keys uses up the budget, and once it
// is gone even the right key gets 429 (the key is not checked at all).
TEST(RateLimitAuthTest, RefusedCredentialsCountAndThe429ComesBeforeAuthentication) {
  TempDir dir;
  ServerProcess server(
      {test_data_path("e2e/specs/rate_limit_auth.yaml"), "--db", dir.file("rate.db")},
      {{"RATE_LIMIT_TEST_KEYS", "tester=right-key-0123456789"}});
  HttpClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    HttpResponse guess = client.get("/secret", {{"X-API-Key", "guess-" + std::to_string(i)}});
    ASSERT_EQ(guess.status, 401) << guess.body;
    expect_fields(guess, "\"guesses\";q=3;w=60",
                  "\"guesses\";r=" + std::to_string(2 - i) + ";t=" + std::to_string(20 * (i + 1)));
  }
  HttpResponse refused = client.get("/secret", {{"X-API-Key", "right-key-0123456789"}});
  ASSERT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(refused.header("Retry-After"), "20");
  EXPECT_FALSE(refused.header("WWW-Authenticate")) << "refused before authentication";
  // Limits by caller come after it: the public operation's per-caller budget is untouched.
  HttpResponse other = client.get("/mine", {{"X-API-Key", "right-key-0123456789"}});
  ASSERT_EQ(other.status, 200) << other.body;
  expect_fields(other, "\"per-caller\";q=1;w=60", "\"per-caller\";r=0;t=60");
  EXPECT_EQ(client.get("/mine", {{"X-API-Key", "right-key-0123456789"}}).status, 429);
  // A wrong key on /mine is a 401 that costs the caller's budget nothing (there is no caller).
  EXPECT_EQ(client.get("/mine", {{"X-API-Key", "wrong"}}).status, 401);
}

TEST_F(RateLimitTest, AdmitsBurstPlusRateTimesElapsedUnderConcurrentClients) {
  // 20 a second, bursts of 5, one budget for everyone; 4 clients ask as fast as they can.
  constexpr double kRate = 20;
  constexpr double kBurst = 5;
  constexpr auto kDuration = std::chrono::milliseconds(2000);
  std::atomic<int> accepted{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      HttpClient client(server_.port());
      while (std::chrono::steady_clock::now() - start < kDuration) {
        const int status = client.get("/fast").status;
        if (status == 204) {
          accepted.fetch_add(1);
        } else if (status == 429) {
          refused.fetch_add(1);
        } else {
          other.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double expected = kBurst + kRate * elapsed;
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(refused.load(), 0) << "the clients never reached the limit";
  EXPECT_GE(accepted.load(), expected - kBurst) << "elapsed " << elapsed << " s";
  EXPECT_LE(accepted.load(), expected + kBurst) << "elapsed " << elapsed << " s";
}

}  // namespace
}  // namespace apiserver::test
