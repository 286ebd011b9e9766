// Rate limits shared through Redis (x-apiserver.rate-limit-store), end to end: two real
// instances on one scratch Redis admit one budget between them, exactly, in sequence and under
// concurrency; Redis stopped, frozen or flushed leaves every request answered as declared
// (admitted uncounted by default, 503 when `when-unreachable: refuse`), counted in /metrics,
// logged once, and limits apply again once it is back; the password never reaches the log; and
// a store the server cannot use is refused at start-up with the file and line.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/scratch_redis.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

// GET /counted shares one global budget of `requests` an hour (no refill during a test);
// GET /free has none.
std::string document(const std::string& store, int requests = 10) {
  return R"(openapi: 3.0.3
info: {title: Shared limits, version: 1.0.0}
x-apiserver:
  rate-limit-store: )" +
         store + R"(
paths:
  /counted:
    get:
      x-apiserver-rate-limit: {requests: )" +
         std::to_string(requests) + R"(, per: 1h, key: global, name: shared}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object}
              example: {ok: true}
  /free:
    get:
      responses:
        "204": {description: ok}
)";
}

class SharedRateLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ScratchRedis::available()) GTEST_SKIP() << ScratchRedis::kMissing;
  }

  ServerProcess serve(const std::string& store, int requests = 10,
                      std::map<std::string, std::string> env = {}) {
    static int count = 0;
    const std::string spec =
        write_file(dir_, "spec" + std::to_string(++count) + ".yaml", document(store, requests));
    return ServerProcess({spec, "--mock"}, std::move(env));
  }

  // The value of the metric `name` in `server`'s /metrics, or "<absent>".
  static std::string metric(const ServerProcess& server, const std::string& name) {
    HttpClient client(server.port());
    const std::string text = client.get("/metrics").body;
    const size_t at = text.find("\n" + name + " ");
    if (at == std::string::npos) return "<absent>";
    const size_t start = at + name.size() + 2;
    return text.substr(start, text.find('\n', start) - start);
  }

  TempDir dir_;
};

TEST_F(SharedRateLimitTest, TwoInstancesAdmitOneBudgetBetweenThem) {
  ScratchRedis redis;
  ServerProcess a = serve(redis.url());
  ServerProcess b = serve(redis.url());
  HttpClient to_a(a.port());
  HttpClient to_b(b.port());
  int admitted = 0;
  for (int i = 0; i < 30; ++i) {
    SCOPED_TRACE(i);
    HttpResponse r = (i % 2 == 0 ? to_a : to_b).get("/counted");
    ASSERT_TRUE(r.status == 200 || r.status == 429) << r.status << " " << r.body;
    if (r.status == 200) {
      ++admitted;
      // The remaining budget counts down across both instances; each request moves the
      // full-again time 6 minutes on.
      EXPECT_EQ(
          r.header("RateLimit").value_or("<none>"),
          "\"shared\";r=" + std::to_string(10 - admitted) + ";t=" + std::to_string(360 * admitted));
    } else {
      EXPECT_EQ(r.header("Retry-After").value_or("<none>"), "360");
    }
  }
  EXPECT_EQ(admitted, 10);
  // The state is one key, which expires when the budget would be whole again (1 h).
  const std::string ttl = redis.command({"PTTL", "apiserver:rl:shared:"});
  EXPECT_GT(std::stoll(ttl), 3500000) << ttl;
  EXPECT_LE(std::stoll(ttl), 3600000) << ttl;
  EXPECT_EQ(metric(a, "apiserver_rate_limit_store_up"), "1");
  EXPECT_EQ(metric(b, "apiserver_rate_limit_store_unanswered_total"), "0");
}

TEST_F(SharedRateLimitTest, ConcurrentClientsOnBothInstancesGetExactlyTheBudget) {
  ScratchRedis redis;
  ServerProcess a = serve(redis.url(), 50);
  ServerProcess b = serve(redis.url(), 50);
  std::atomic<int> admitted{0};
  std::atomic<int> refused{0};
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      HttpClient client(t % 2 == 0 ? a.port() : b.port());
      for (int i = 0; i < 25; ++i) {
        const int status = client.get("/counted").status;
        (status == 200 ? admitted : status == 429 ? refused : other).fetch_add(1);
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(admitted.load(), 50);  // not 100: one budget, not one per instance
  EXPECT_EQ(refused.load(), 150);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(SharedRateLimitTest, UnreachableStoreAdmitsByDefaultCountsAndRecovers) {
  ScratchRedis redis;
  ServerProcess server = serve(redis.url(), 3);
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/counted").status, 200);
  redis.stop_for_test();
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = client.get("/counted");
    EXPECT_EQ(r.status, 200) << r.body;
    // The policy is still declared; its state is not known, so it is not told.
    EXPECT_EQ(r.header("RateLimit-Policy").value_or("<none>"), "\"shared\";q=3;w=3600");
    EXPECT_FALSE(r.header("RateLimit").has_value()) << *r.header("RateLimit");
  }
  EXPECT_EQ(client.get("/free").status, 204);
  EXPECT_EQ(metric(server, "apiserver_rate_limit_store_up"), "0");
  EXPECT_EQ(metric(server, "apiserver_rate_limit_store_unanswered_total"), "5");
  EXPECT_TRUE(server.wait_for_log("does not answer")) << server.log();
  EXPECT_TRUE(server.wait_for_log("requests are admitted uncounted")) << server.log();

  // Back (empty: no persistence), the limits apply again within the quiet second.
  redis.start_for_test();
  int admitted = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         metric(server, "apiserver_rate_limit_store_up") != "1") {
    client.get("/counted");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(metric(server, "apiserver_rate_limit_store_up"), "1");
  EXPECT_TRUE(server.wait_for_log("answers again")) << server.log();
  for (int i = 0; i < 6; ++i) admitted += client.get("/counted").status == 200 ? 1 : 0;
  EXPECT_LE(admitted, 3);  // whatever the probing above took, never more than the budget
  EXPECT_EQ(client.get("/counted").status, 429);
}

TEST_F(SharedRateLimitTest, UnreachableStoreRefusesWhenDeclared) {
  ScratchRedis redis;
  ServerProcess server = serve("{url: \"" + redis.url() + "\", when-unreachable: refuse}");
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/counted").status, 200);
  redis.stop_for_test();
  HttpResponse r = client.get("/counted");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.header("Retry-After").value_or("<none>"), "1");
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/problem+json");
  EXPECT_NE(r.body.find("rate-limit store does not answer"), std::string::npos) << r.body;
  EXPECT_EQ(client.get("/free").status, 204);  // operations without limits do not ask it
  EXPECT_TRUE(server.wait_for_log("requests are refused with 503")) << server.log();
}

TEST_F(SharedRateLimitTest, FrozenStoreCostsOneTimeoutNotOnePerRequest) {
  ScratchRedis redis;
  ServerProcess server = serve("{url: \"" + redis.url() + "\", timeout: 200ms}");
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/counted").status, 200);
  redis.freeze();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(client.get("/counted").status, 200);
  const auto took = std::chrono::steady_clock::now() - start;
  redis.resume();
  // 20 timeouts would be 4 s; one timeout and the quiet second after it are far less.
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(metric(server, "apiserver_rate_limit_store_unanswered_total"), "20");
}

TEST_F(SharedRateLimitTest, FlushedScriptCacheIsReloaded) {
  ScratchRedis redis;
  ServerProcess server = serve(redis.url(), 4);
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/counted").status, 200);
  ASSERT_EQ(redis.command({"SCRIPT", "FLUSH"}), "OK");
  ASSERT_EQ(client.get("/counted").status, 200);  // NOSCRIPT: sent whole, counted all the same
  ASSERT_EQ(client.get("/counted").status, 200);
  ASSERT_EQ(client.get("/counted").status, 200);
  EXPECT_EQ(client.get("/counted").status, 429);
  EXPECT_EQ(metric(server, "apiserver_rate_limit_store_unanswered_total"), "0");
}

TEST_F(SharedRateLimitTest, PasswordIsUsedAndNeverLogged) {
  ScratchRedis redis("s3cret-pass");
  const std::string address = "127.0.0.1:" + std::to_string(redis.port());
  ServerProcess in_url = serve("\"redis://:s3cret-pass@" + address + "\"", 2);
  ServerProcess by_reference =
      serve("{url: \"redis://" + address + "\", password: \"${REDIS_TEST_PASSWORD}\"}", 2,
            {{"REDIS_TEST_PASSWORD", "s3cret-pass"}});
  ServerProcess wrong = serve("\"redis://:wrong-pass@" + address + "\"", 2);
  HttpClient first(in_url.port());
  HttpClient second(by_reference.port());
  EXPECT_EQ(first.get("/counted").status, 200);
  EXPECT_EQ(second.get("/counted").status, 200);
  EXPECT_EQ(first.get("/counted").status, 429);  // one budget: both authenticated
  EXPECT_EQ(metric(in_url, "apiserver_rate_limit_store_up"), "1");
  EXPECT_TRUE(in_url.wait_for_log("rate limits are kept in redis://:***@" + address))
      << in_url.log();
  // A refused password: the server runs, admits, and says why.
  EXPECT_EQ(HttpClient(wrong.port()).get("/counted").status, 200);
  EXPECT_TRUE(wrong.wait_for_log("AUTH")) << wrong.log();
  EXPECT_EQ(metric(wrong, "apiserver_rate_limit_store_up"), "0");
  for (const ServerProcess* server : {&in_url, &by_reference, &wrong}) {
    EXPECT_EQ(server->log().find("s3cret-pass"), std::string::npos) << server->log();
    EXPECT_EQ(server->log().find("wrong-pass"), std::string::npos) << server->log();
  }
}

// A store the server cannot use is an error at start-up, at its line; no Redis is needed.
TEST(SharedRateLimitStartup, UnusableStoresAreRefusedWithTheirLine) {
  TempDir dir;
  struct Case {
    std::string store;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"rediss://cache:6380", "rediss:// (Redis over TLS) is not supported"},
      {"http://cache", "a Redis URL"},
      {"redis://cache:99999", "the port must be a number from 1 to 65535"},
      {"redis://cache/x", "database number"},
      {"\"redis://${APISERVER_UNSET_REDIS_URL_VARIABLE}\"", "APISERVER_UNSET_REDIS_URL_VARIABLE"},
      {"{url: redis://cache, password: hunter2}", "must be a reference"},
      {"{url: redis://cache, when-unreachable: maybe}", "'when-unreachable' must be"},
      {"{url: redis://cache, timeout: 1h}", "'timeout' must be a duration"},
      {"{url: redis://cache, pool: 3}", "pool"},
      {"{password: file:/nonexistent}", "needs 'url'"},
  };
  int n = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.store);
    const std::string spec =
        write_file(dir, "bad" + std::to_string(++n) + ".yaml", document(c.store));
    RunResult r = ServerProcess::run({spec, "--mock"});
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_LT(r.exit_code, 128) << r.err;
    EXPECT_NE(r.err.find("bad" + std::to_string(n) + ".yaml:4"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
  }
}

TEST(SharedRateLimitStartup, PoliciesSharingANameAreRefusedWithAStore) {
  TempDir dir;
  std::string text = document("redis://cache");
  text += R"(  /other:
    get:
      x-apiserver-rate-limit: {requests: 5, per: 1m, name: shared}
      responses:
        "204": {description: ok}
)";
  RunResult r = ServerProcess::run({write_file(dir, "names.yaml", text), "--mock"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("rate-limit policy name 'shared' is also used at"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace apiserver::test
