// Unit tests of RateLimiter on compiled documents and a clock the test controls: which
// declaration applies (nearest wins, false exempts), one budget per declaration, the keys (ip,
// identity with its fallback to ip, header, global, trusted proxies), several policies with
// refunds, the exact RateLimit-Policy / RateLimit fields and the 429; and the compile errors
// for malformed policies.
#include "ratelimit/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "unit/compile/compiled_document.hpp"

namespace apiserver::ratelimit {
namespace {

using compile::testing::Compiled;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kT0 = 7000 * kSecond;

const char* const kOk = "      responses:\n        '200': {description: ok}\n";

Compiled compile(const std::string& rest) {
  return compile::testing::compile_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + rest);
}

// What admit() made of one request.
struct Answer {
  std::optional<Problem> problem;
  HeaderList headers;

  bool allowed() const { return !problem; }
  std::optional<std::string> field(const std::string& name) const {
    std::optional<std::string> out;
    for (const auto& [key, value] : headers) {
      if (key != name) continue;
      EXPECT_FALSE(out) << name << " sent twice";
      out = value;
    }
    return out;
  }
  std::string policy() const { return field("RateLimit-Policy").value_or("<none>"); }
  std::string state() const { return field("RateLimit").value_or("<none>"); }
  std::string retry_after() const {
    if (!problem) return "<allowed>";
    for (const auto& [key, value] : problem->headers)
      if (key == "Retry-After") return value;
    return "<none>";
  }
};

// A compiled document, its limiter, and the clock the limiter reads.
class Limited {
 public:
  explicit Limited(const std::string& rest) : compiled_(compile(rest)) {
    if (compiled_.api)
      limiter_ = std::make_unique<RateLimiter>(*compiled_.api, [this] { return now_; });
  }
  Limited(const Limited&) = delete;
  Limited& operator=(const Limited&) = delete;

  bool ok() const { return limiter_ != nullptr; }
  std::string messages() const { return compiled_.messages(); }
  const Compiled& compiled() const { return compiled_; }
  RateLimiter& limiter() { return *limiter_; }
  void advance(int64_t ns) { now_ += ns; }

  Answer call(const std::string& method, const std::string& path,
              const std::string& peer = "192.0.2.1", HeaderList request_headers = {},
              const model::Identity& identity = {}) {
    Answer answer;
    const model::Operation* op = compiled_.op(method, path);
    EXPECT_NE(op, nullptr) << method << " " << path;
    if (op == nullptr) return answer;
    http::Request request;
    request.method = method;
    request.path = path;
    request.peer_address = peer;
    request.headers = std::move(request_headers);
    answer.problem = limiter_->admit(*op, request, identity, answer.headers);
    return answer;
  }

 private:
  Compiled compiled_;
  int64_t now_ = kT0;
  std::unique_ptr<RateLimiter> limiter_;
};

model::Identity caller(const std::string& subject) {
  model::Identity identity;
  identity.authenticated = true;
  identity.subject = subject;
  return identity;
}

// Document default, a path-level policy with one operation overriding it and one exempt, and
// an exempt path with one limited operation.
const std::string kLevels = std::string(
                                "x-apiserver:\n"
                                "  rate-limit: {requests: 3, per: 1m}\n"
                                "paths:\n"
                                "  /doc:\n"
                                "    get:\n") +
                            kOk + "    post:\n" + kOk +
                            "  /path:\n"
                            "    x-apiserver-rate-limit: {requests: 5, per: 1m}\n"
                            "    get:\n" +
                            kOk + "    put:\n" + kOk +
                            "    post:\n"
                            "      x-apiserver-rate-limit: {requests: 2, per: 1m, name: writes}\n" +
                            kOk +
                            "    delete:\n"
                            "      x-apiserver-rate-limit: false\n" +
                            kOk +
                            "  /free:\n"
                            "    x-apiserver-rate-limit: false\n"
                            "    get:\n" +
                            kOk +
                            "    post:\n"
                            "      operationId: postFree\n"
                            "      x-apiserver-rate-limit: {requests: 1, per: 1s}\n" +
                            kOk;

TEST(RateLimiter, TheNearestDeclarationWinsWhole) {
  Limited l(kLevels);
  ASSERT_TRUE(l.ok()) << l.messages();
  Answer doc = l.call("GET", "/doc");
  EXPECT_EQ(doc.policy(), "\"default\";q=3;w=60");
  EXPECT_EQ(doc.state(), "\"default\";r=2;t=20");
  Answer path = l.call("GET", "/path");
  EXPECT_EQ(path.policy(), "\"/path\";q=5;w=60");
  EXPECT_EQ(path.state(), "\"/path\";r=4;t=12");
  Answer op = l.call("POST", "/path");
  EXPECT_EQ(op.policy(), "\"writes\";q=2;w=60");
  EXPECT_EQ(op.state(), "\"writes\";r=1;t=30");
  // An operation's policy applies even where its path is exempt; unnamed, it is named after
  // the operation.
  Answer free_post = l.call("POST", "/free");
  EXPECT_EQ(free_post.policy(), "\"postFree\";q=1;w=1");
  EXPECT_EQ(free_post.state(), "\"postFree\";r=0;t=1");
}

TEST(RateLimiter, FalseExemptsWithoutAnyField) {
  Limited l(kLevels);
  ASSERT_TRUE(l.ok()) << l.messages();
  for (int i = 0; i < 20; ++i) {
    for (const auto& [method, path] :
         std::vector<std::pair<std::string, std::string>>{{"DELETE", "/path"}, {"GET", "/free"}}) {
      Answer a = l.call(method, path);
      EXPECT_TRUE(a.allowed()) << method << " " << path << " #" << i;
      EXPECT_TRUE(a.headers.empty()) << method << " " << path;
    }
  }
  EXPECT_TRUE(l.compiled().op("DELETE", "/path")->rate_limits.empty());
}

TEST(RateLimiter, ADeclarationIsOneBudgetForEveryOperationItCovers) {
  Limited l(kLevels);
  ASSERT_TRUE(l.ok()) << l.messages();
  // The document's 3 a minute, across GET and POST /doc.
  EXPECT_EQ(l.call("GET", "/doc").state(), "\"default\";r=2;t=20");
  EXPECT_EQ(l.call("POST", "/doc").state(), "\"default\";r=1;t=40");
  EXPECT_EQ(l.call("GET", "/doc").state(), "\"default\";r=0;t=60");
  EXPECT_FALSE(l.call("POST", "/doc").allowed());
  EXPECT_FALSE(l.call("GET", "/doc").allowed());
  // The path's 5 a minute, across GET and PUT /path, untouched by /doc's exhaustion.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(l.call(i % 2 ? "PUT" : "GET", "/path").allowed()) << i;
  EXPECT_FALSE(l.call("PUT", "/path").allowed());
  EXPECT_FALSE(l.call("GET", "/path").allowed());
  // The operation's own policy is its own budget.
  EXPECT_TRUE(l.call("POST", "/path").allowed());
  // Four policies in all: the document's, the path's, POST /path's, POST /free's.
  EXPECT_EQ(l.compiled().api->rate_limits.size(), 4u);
  EXPECT_EQ(l.compiled().op("GET", "/doc")->rate_limits,
            l.compiled().op("POST", "/doc")->rate_limits);
  EXPECT_EQ(l.compiled().op("GET", "/path")->rate_limits,
            l.compiled().op("PUT", "/path")->rate_limits);
}

TEST(RateLimiter, RefusesWith429AndRetryAfter) {
  Limited l(kLevels);
  ASSERT_TRUE(l.ok()) << l.messages();
  ASSERT_TRUE(l.call("POST", "/path").allowed());
  ASSERT_TRUE(l.call("POST", "/path").allowed());
  l.advance(kSecond / 2);
  Answer refused = l.call("POST", "/path");
  ASSERT_FALSE(refused.allowed());
  EXPECT_EQ(refused.problem->status(), 429);
  EXPECT_EQ(refused.problem->type(), "urn:apiserver:problem:rate-limited");
  EXPECT_EQ(refused.problem->detail,
            "rate limit 'writes' (2 per 60000 ms) is exhausted; retry in 30 s");
  // 29.5 s to go, rounded up.
  EXPECT_EQ(refused.retry_after(), "30");
  // The refusal still carries the fields: nothing left, full again in 59.5 s.
  EXPECT_EQ(refused.policy(), "\"writes\";q=2;w=60");
  EXPECT_EQ(refused.state(), "\"writes\";r=0;t=60");
  // After Retry-After has passed, the next request goes through.
  l.advance(29 * kSecond);
  EXPECT_FALSE(l.call("POST", "/path").allowed()) << "half a second early";
  l.advance(kSecond / 2);
  Answer again = l.call("POST", "/path");
  EXPECT_TRUE(again.allowed());
  EXPECT_EQ(again.state(), "\"writes\";r=0;t=60");
}

TEST(RateLimiter, RetryAfterIsAtLeastOneSecond) {
  Limited l(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit: {requests: 10, per: 1s, "
      "burst: 1}\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  ASSERT_TRUE(l.call("GET", "/a").allowed());
  l.advance(kSecond / 10 - 1);  // one nanosecond short of the next request
  Answer refused = l.call("GET", "/a");
  ASSERT_FALSE(refused.allowed());
  EXPECT_EQ(refused.retry_after(), "1");
  EXPECT_EQ(refused.state(), "\"GET /a\";r=0;t=1");
  l.advance(1);
  EXPECT_TRUE(l.call("GET", "/a").allowed());
}

TEST(RateLimiter, CountsByPeerAddress) {
  Limited l("x-apiserver:\n  rate-limit: {requests: 2, per: 1m}\npaths:\n  /a:\n    get:\n" +
            std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1").allowed());
  EXPECT_EQ(l.call("GET", "/a", "192.0.2.2").state(), "\"default\";r=1;t=30");
  // Without trusted proxies, X-Forwarded-For is the client's own word and changes nothing.
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1", {{"x-forwarded-for", "198.51.100.9"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1", {{"forwarded", "for=198.51.100.9"}}).allowed());
  // An identity does not change an ip key.
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1", {}, caller("alice")).allowed());
  EXPECT_EQ(l.compiled().api->rate_limits[0].key, model::RateLimitKey::kIp);
}

TEST(RateLimiter, BelievesForwardedAddressesOnlyFromTrustedProxies) {
  Limited l(
      "x-apiserver:\n  rate-limit: {requests: 1, per: 1m}\n  trusted-proxies: [10.0.0.0/8]\n"
      "paths:\n  /a:\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  // Behind the proxy: one budget per forwarded client.
  EXPECT_TRUE(l.call("GET", "/a", "10.0.0.1", {{"x-forwarded-for", "198.51.100.1"}}).allowed());
  EXPECT_TRUE(l.call("GET", "/a", "10.0.0.1", {{"x-forwarded-for", "198.51.100.2"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "10.0.0.2", {{"x-forwarded-for", "198.51.100.1"}}).allowed())
      << "the same client through another proxy";
  // The forwarded client and the same address connecting directly are one client.
  EXPECT_FALSE(l.call("GET", "/a", "198.51.100.2").allowed());
  // An untrusted peer cannot buy fresh budgets by varying X-Forwarded-For.
  EXPECT_TRUE(l.call("GET", "/a", "203.0.113.5", {{"x-forwarded-for", "198.51.100.3"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "203.0.113.5", {{"x-forwarded-for", "198.51.100.4"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "203.0.113.5").allowed());
  EXPECT_EQ(l.compiled().api->trusted_proxies.ranges.size(), 1u);
}

TEST(RateLimiter, BelievesTheForwardedHeaderWhenTheProxiesWriteThatOne) {
  Limited l(
      "x-apiserver:\n  rate-limit: {requests: 1, per: 1m}\n  trusted-proxies: [10.0.0.0/8]\n"
      "  forwarded-header: Forwarded\n"
      "paths:\n  /a:\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  EXPECT_TRUE(l.call("GET", "/a", "10.0.0.1", {{"forwarded", "for=198.51.100.1"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "10.0.0.1", {{"forwarded", "for=198.51.100.1"}}).allowed());
  // X-Forwarded-For passes through such a proxy as the client wrote it: not a fresh budget.
  EXPECT_TRUE(l.call("GET", "/a", "10.0.0.1",
                     {{"forwarded", "for=198.51.100.2"}, {"x-forwarded-for", "6.6.6.6"}})
                  .allowed());
  EXPECT_FALSE(l.call("GET", "/a", "10.0.0.1",
                      {{"forwarded", "for=198.51.100.2"}, {"x-forwarded-for", "6.6.6.7"}})
                   .allowed());
}

// Before authentication only the policies that do not count by caller apply; the fields then
// list those alone, and a refusal after authentication gives back what the first stage took.
TEST(RateLimiter, AppliesPoliciesByAddressBeforeAuthenticationAndByCallerAfter) {
  Limited l(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n"
      "        - {requests: 3, per: 1m, name: by-ip}\n"
      "        - {requests: 1, per: 1m, key: sub, name: by-caller}\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  const model::Operation& op = *l.compiled().op("GET", "/a");
  http::Request request;
  request.method = "GET";
  request.path = "/a";
  request.peer_address = "192.0.2.1";

  // A caller whose credentials are refused: counted by address only.
  Admission refused_credentials(op);
  EXPECT_FALSE(l.limiter().admit(refused_credentials, request, nullptr));
  HeaderList fields;
  l.limiter().add_fields(refused_credentials, fields);
  EXPECT_EQ(fields, (HeaderList{{"RateLimit-Policy", "\"by-ip\";q=3;w=60, \"by-caller\";q=1;w=60"},
                                {"RateLimit", "\"by-ip\";r=2;t=20"}}));

  model::Identity alice = caller("alice");
  Admission first(op);
  EXPECT_FALSE(l.limiter().admit(first, request, nullptr));
  EXPECT_FALSE(l.limiter().admit(first, request, &alice));
  Admission second(op);
  EXPECT_FALSE(l.limiter().admit(second, request, nullptr));
  std::optional<Problem> refused = l.limiter().admit(second, request, &alice);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->detail, "rate limit 'by-caller' (1 per 60000 ms) is exhausted; retry in 60 s");
  fields.clear();
  l.limiter().add_fields(second, fields);
  EXPECT_EQ(fields.back(), (std::pair<std::string, std::string>{
                               "RateLimit", "\"by-ip\";r=1;t=40, \"by-caller\";r=0;t=60"}));
  // The refused request took nothing from by-ip: one request is left there.
  model::Identity bob = caller("bob");
  Answer third = l.call("GET", "/a", "192.0.2.1", {}, bob);
  EXPECT_TRUE(third.allowed());
  EXPECT_EQ(third.state(), "\"by-ip\";r=0;t=60, \"by-caller\";r=0;t=60");
}

TEST(RateLimiter, AdvertisesSubSecondPeriodsInWholeSecondsWithoutPromisingMore) {
  Limited l(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n"
      "        - {requests: 5, per: 500ms, name: half}\n"
      "        - {requests: 5, per: 1500ms, name: one-and-a-half}\n"
      "        - {requests: 1, per: 300ms, name: fast}\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  EXPECT_EQ(l.call("GET", "/a").policy(),
            "\"half\";q=10;w=1, \"one-and-a-half\";q=6;w=2, \"fast\";q=3;w=1");
}

TEST(RateLimiter, CountsIdentitiesAndAnonymousCallersByAddress) {
  for (const char* key : {"sub", "identity", "api-key"}) {
    SCOPED_TRACE(key);
    Limited l("x-apiserver:\n  rate-limit: {requests: 2, per: 1m, key: " + std::string(key) +
              "}\npaths:\n  /a:\n    get:\n" + std::string(kOk));
    ASSERT_TRUE(l.ok()) << l.messages();
    EXPECT_EQ(l.compiled().api->rate_limits[0].key, model::RateLimitKey::kIdentity);
    // alice from two addresses: one budget.
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1", {}, caller("alice")).allowed());
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.2", {}, caller("alice")).allowed());
    EXPECT_FALSE(l.call("GET", "/a", "192.0.2.3", {}, caller("alice")).allowed());
    // bob from alice's address: his own budget.
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1", {}, caller("bob")).allowed());
    // Anonymous callers fall back to their address, apart from any identity.
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
    EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1").allowed());
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.9").allowed());
    // A subject that looks like an address is still not that address.
    EXPECT_TRUE(l.call("GET", "/a", "192.0.2.7", {}, caller("192.0.2.1")).allowed());
    // Not authenticated: the subject is ignored.
    model::Identity unverified;
    unverified.subject = "alice";
    EXPECT_FALSE(l.call("GET", "/a", "192.0.2.1", {}, unverified).allowed());
  }
}

TEST(RateLimiter, CountsByAHeader) {
  Limited l(
      "x-apiserver:\n  rate-limit: {requests: 1, per: 1m, key: 'header:X-Tenant'}\n"
      "paths:\n  /a:\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  EXPECT_EQ(l.compiled().api->rate_limits[0].key, model::RateLimitKey::kHeader);
  EXPECT_EQ(l.compiled().api->rate_limits[0].header, "x-tenant");
  // One budget per value, whatever the address.
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1", {{"x-tenant", "acme"}}).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.2", {{"x-tenant", "acme"}}).allowed());
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1", {{"x-tenant", "globex"}}).allowed());
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1", {{"x-tenant", ""}}).allowed());
  // Callers without the header share one budget (apart from any value's).
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  EXPECT_FALSE(l.call("GET", "/a", "192.0.2.2").allowed());
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.2", {{"x-tenant", "absent"}}).allowed());
}

TEST(RateLimiter, CountsEveryoneTogetherWithAGlobalKey) {
  Limited l(
      "x-apiserver:\n  rate-limit: {requests: 2, per: 1m, key: global}\n"
      "paths:\n  /a:\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  EXPECT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  EXPECT_TRUE(l.call("GET", "/a", "198.51.100.1", {}, caller("alice")).allowed());
  EXPECT_FALSE(l.call("GET", "/a", "203.0.113.1").allowed());
  EXPECT_EQ(l.limiter().store(0).tracked_keys(), 1u);
}

// Two policies: 10 a minute for everyone together, 2 a minute per client.
const std::string kTwoPolicies =
    "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n"
    "        - {requests: 10, per: 1m, key: global, name: everyone}\n"
    "        - {requests: 2, per: 1m, name: per-client}\n" +
    std::string(kOk);

TEST(RateLimiter, ListsEveryPolicyInTheFields) {
  Limited l(kTwoPolicies);
  ASSERT_TRUE(l.ok()) << l.messages();
  Answer a = l.call("GET", "/a");
  EXPECT_TRUE(a.allowed());
  EXPECT_EQ(a.policy(), "\"everyone\";q=10;w=60, \"per-client\";q=2;w=60");
  EXPECT_EQ(a.state(), "\"everyone\";r=9;t=6, \"per-client\";r=1;t=30");
  EXPECT_EQ(a.headers.size(), 2u);
}

TEST(RateLimiter, ARequestRefusedByTheSecondPolicyTakesNothingFromTheFirst) {
  Limited l(kTwoPolicies);
  ASSERT_TRUE(l.ok()) << l.messages();
  ASSERT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  ASSERT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  for (int i = 0; i < 5; ++i) {
    Answer refused = l.call("GET", "/a", "192.0.2.1");
    ASSERT_FALSE(refused.allowed());
    EXPECT_EQ(refused.problem->detail,
              "rate limit 'per-client' (2 per 60000 ms) is exhausted; retry in 30 s");
    EXPECT_EQ(refused.retry_after(), "30");
    EXPECT_EQ(refused.state(), "\"everyone\";r=8;t=12, \"per-client\";r=0;t=60");
  }
  // The shared budget still has 8: another client takes the third.
  EXPECT_EQ(l.call("GET", "/a", "192.0.2.2").state(),
            "\"everyone\";r=7;t=18, \"per-client\";r=1;t=30");
}

TEST(RateLimiter, ARequestRefusedByTheFirstPolicyTakesNothingFromTheSecond) {
  // One request a minute for everyone; 5 an hour per client (one every 12 minutes).
  Limited l(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n"
      "        - {requests: 1, per: 1m, key: global}\n"
      "        - {requests: 5, per: 1h}\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  ASSERT_TRUE(l.call("GET", "/a", "192.0.2.1").allowed());
  Answer refused = l.call("GET", "/a", "192.0.2.2");
  ASSERT_FALSE(refused.allowed());
  // Unnamed list members are named after the operation and their place.
  EXPECT_EQ(refused.state(), "\"GET /a-1\";r=0;t=60, \"GET /a-2\";r=5;t=0");
  EXPECT_EQ(refused.retry_after(), "60");
  l.advance(60 * kSecond);
  // 192.0.2.2's hourly budget is whole: this is its first request.
  EXPECT_EQ(l.call("GET", "/a", "192.0.2.2").state(),
            "\"GET /a-1\";r=0;t=60, \"GET /a-2\";r=4;t=720");
}

TEST(RateLimiter, RetryAfterIsTheLongestWaitWhenSeveralPoliciesRefuse) {
  Limited l(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n"
      "        - {requests: 1, per: 10s, name: short}\n"
      "        - {requests: 1, per: 1m, name: long}\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  ASSERT_TRUE(l.call("GET", "/a").allowed());
  Answer refused = l.call("GET", "/a");
  ASSERT_FALSE(refused.allowed());
  EXPECT_EQ(refused.retry_after(), "60");
  EXPECT_EQ(refused.problem->detail,
            "rate limit 'short' (1 per 10000 ms) is exhausted; retry in 60 s");
}

TEST(RateLimiter, AdmitsExactlyTheBurstFromManyThreads) {
  Limited l(
      "x-apiserver:\n  rate-limit: {requests: 10, per: 1m, burst: 50, key: global}\n"
      "paths:\n  /a:\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(l.ok()) << l.messages();
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&l, &accepted, t] {
      for (int i = 0; i < 200; ++i)
        if (l.call("GET", "/a", "192.0.2." + std::to_string(t)).allowed()) accepted.fetch_add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 50);
}

// --- compile errors ---

Compiled compile_policy(const std::string& policy) {
  return compile("paths:\n  /a:\n    get:\n      x-apiserver-rate-limit: " + policy + "\n" + kOk);
}

void expect_error(const std::string& policy, const std::string& message) {
  SCOPED_TRACE(policy);
  Compiled c = compile_policy(policy);
  EXPECT_FALSE(c.api);
  EXPECT_NE(c.error(message), nullptr) << "expected: " << message << "\ngot:\n" << c.messages();
}

TEST(CompileRateLimits, RefusesIncompletePolicies) {
  expect_error("{per: 1s}", "rate limit needs 'requests'");
  expect_error("{requests: 5}",
               "rate limit needs 'per': a duration such as 1s, 1m, 1h (at most 7 days)");
  expect_error("{}", "rate limit needs 'requests'");
}

TEST(CompileRateLimits, RefusesOutOfRangeNumbers) {
  const std::string requests = "rate-limit 'requests' must be an integer from 1 to 1000000000";
  expect_error("{requests: 0, per: 1s}", requests);
  expect_error("{requests: -3, per: 1s}", requests);
  expect_error("{requests: 1.5, per: 1s}", requests);
  expect_error("{requests: ten, per: 1s}", requests);
  expect_error("{requests: 1000000001, per: 1s}", requests);
  expect_error("{requests: 5, per: 1s, burst: 0}",
               "rate-limit 'burst' must be an integer from 1 to 1000000000");
  expect_error("{requests: 5, per: 1s, max-keys: 0}",
               "rate-limit 'max-keys' must be an integer from 1 to 10000000");
  const std::string per = "rate limit needs 'per': a duration such as 1s, 1m, 1h (at most 7 days)";
  expect_error("{requests: 5, per: fast}", per);
  expect_error("{requests: 5, per: 0s}", per);
  expect_error("{requests: 5, per: 8d}", per);
}

TEST(CompileRateLimits, RefusesUnknownKeysAndKeyKinds) {
  expect_error("{requests: 5, per: 1s, rate: 3}",
               "unknown rate-limit key 'rate' (known: requests, per, burst, key, name, max-keys)");
  const std::string kinds = "is not ip, sub, identity, api-key, global or header:NAME";
  expect_error("{requests: 5, per: 1s, key: user}", "rate-limit key 'user' " + kinds);
  expect_error("{requests: 5, per: 1s, key: 'header:'}", "rate-limit key 'header:' " + kinds);
  expect_error("{requests: 5, per: 1s, key: IP}", "rate-limit key 'IP' " + kinds);
}

TEST(CompileRateLimits, RefusesMalformedDeclarations) {
  const std::string shape =
      "a rate limit is a policy {requests, per, burst, key}, a list of them, or false";
  expect_error("true", shape);
  expect_error("[]", shape);
  expect_error("10", shape);
  expect_error("'10/s'", shape);
  expect_error("[{requests: 5, per: 1s}, 7]",
               "a rate-limit policy must be a mapping {requests, per, ...}");
  expect_error("[{requests: 5, per: 1s}, {requests: 0, per: 1s}]",
               "rate-limit 'requests' must be an integer from 1 to 1000000000");
}

TEST(CompileRateLimits, RefusesNonStringKeysAndNamesWithoutThrowing) {
  // Easy mistakes by hand; they must be errors, not exceptions.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{requests: 5, per: 1s, key: 5}", "rate-limit 'key' must be a string"},
      {"{requests: 5, per: 1s, key: [ip]}", "rate-limit 'key' must be a string"},
      {"{requests: 5, per: 1s, name: 5}", "rate-limit 'name' must be a string"},
      {"{requests: 5, per: 1s, name: {a: b}}", "rate-limit 'name' must be a string"}};
  for (const auto& [policy, message] : cases) {
    SCOPED_TRACE(policy);
    Compiled c;
    ASSERT_NO_THROW(c = compile_policy(policy));
    EXPECT_FALSE(c.api);
    EXPECT_NE(c.error(message), nullptr) << c.messages();
  }
}

TEST(CompileRateLimits, ReportsWhereTheErrorIs) {
  Compiled c = compile_policy("{requests: 0, per: 1s}");
  const spec::Diagnostic* d = c.error("'requests' must be");
  ASSERT_NE(d, nullptr) << c.messages();
  EXPECT_EQ(d->pointer, "/paths/~1a/get/x-apiserver-rate-limit/requests");
  EXPECT_EQ(d->line, 6);
}

TEST(CompileRateLimits, RefusesBadTrustedProxies) {
  auto with_proxies = [](const std::string& proxies) {
    return compile("x-apiserver:\n  trusted-proxies: " + proxies + "\npaths: {}\n");
  };
  for (const char* bad : {"10.0.0.0/33", "localhost", "10.0.0.0/", "::/129"}) {
    Compiled c = with_proxies(std::string("['") + bad + "']");
    EXPECT_FALSE(c.api) << bad;
    EXPECT_NE(c.error(std::string("trusted-proxies: '") + bad +
                      "' is not an address or CIDR range (10.0.0.0/8, ::1/128)"),
              nullptr)
        << c.messages();
  }
  Compiled number = with_proxies("[127.0.0.1/32, 5]");
  EXPECT_FALSE(number.api);
  EXPECT_NE(number.error("trusted-proxies: '5' is not an address or CIDR range"), nullptr)
      << number.messages();
  Compiled scalar = with_proxies("10.0.0.0/8");
  EXPECT_FALSE(scalar.api);
  EXPECT_NE(scalar.error("trusted-proxies must be a list of addresses or CIDR ranges"), nullptr)
      << scalar.messages();
  Compiled good = with_proxies("[127.0.0.1/32, '::1', 10.0.0.0/8]");
  ASSERT_TRUE(good.api) << good.messages();
  EXPECT_EQ(good.api->trusted_proxies.ranges.size(), 3u);
}

TEST(CompileRateLimits, RefusesABadForwardedHeaderNamesAndLongLists) {
  Compiled header = compile("x-apiserver:\n  forwarded-header: x-real-ip\npaths: {}\n");
  EXPECT_FALSE(header.api);
  EXPECT_NE(header.error("forwarded-header must be x-forwarded-for or forwarded"), nullptr)
      << header.messages();
  Compiled name = compile(
      "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit: {requests: 1, per: 1s, "
      "name: 'say \"hi\"'}\n" +
      std::string(kOk));
  EXPECT_FALSE(name.api);
  EXPECT_NE(name.error("rate-limit 'name' must be printable ASCII"), nullptr) << name.messages();
  std::string nine = "paths:\n  /a:\n    get:\n      x-apiserver-rate-limit:\n";
  for (int i = 0; i < 9; ++i) nine += "        - {requests: 1, per: 1s}\n";
  Compiled long_list = compile(nine + kOk);
  EXPECT_FALSE(long_list.api);
  EXPECT_NE(long_list.error("a rate-limit list holds at most 8 policies"), nullptr)
      << long_list.messages();
  // A default name from a path with characters a quoted string cannot hold is made safe.
  Compiled unicode = compile(
      "x-apiserver:\n  rate-limit: {requests: 1, per: 1s}\npaths:\n  /caf\u00e9:\n"
      "    x-apiserver-rate-limit: {requests: 2, per: 1s}\n    get:\n" +
      std::string(kOk));
  ASSERT_TRUE(unicode.api) << unicode.messages();
  EXPECT_EQ(unicode.api->rate_limits.back().name, "/caf__");
}

TEST(CompileRateLimits, ReadsDefaultsAndEveryField) {
  Compiled c = compile_policy(
      "{requests: 100, per: 500ms, burst: 7, key: 'header:X-Api-Key', name: n, max-keys: 42}");
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_EQ(c.api->rate_limits.size(), 1u);
  const model::RateLimitPolicy& p = c.api->rate_limits[0];
  EXPECT_EQ(p.name, "n");
  EXPECT_EQ(p.requests, 100);
  EXPECT_EQ(p.per, std::chrono::milliseconds(500));
  EXPECT_EQ(p.burst, 7);
  EXPECT_EQ(p.key, model::RateLimitKey::kHeader);
  EXPECT_EQ(p.header, "x-api-key");
  EXPECT_EQ(p.max_keys, 42u);

  Compiled defaults = compile_policy("{requests: 5, per: 1h}");
  ASSERT_TRUE(defaults.api) << defaults.messages();
  const model::RateLimitPolicy& d = defaults.api->rate_limits[0];
  EXPECT_EQ(d.name, "GET /a");
  EXPECT_EQ(d.burst, 5) << "burst defaults to requests";
  EXPECT_EQ(d.key, model::RateLimitKey::kIp);
  EXPECT_EQ(d.max_keys, 100000u);
}

}  // namespace
}  // namespace apiserver::ratelimit
