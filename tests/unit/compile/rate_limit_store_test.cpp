// x-apiserver.rate-limit-store as compiled: the URL forms Redis clients accept (host, port,
// database, credentials with %-escapes, IPv6, a Unix socket), the long form's settings, and the
// logged form of the URL, which never holds the password.
#include "compile/rate_limit_store.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "unit/compile/compiled_document.hpp"

namespace apiserver::compile {
namespace {

const model::SharedRateLimitStore& store_of(const testing::Compiled& compiled) {
  static const model::SharedRateLimitStore none;
  EXPECT_TRUE(compiled.api && compiled.api->rate_limit_store) << compiled.messages();
  return compiled.api && compiled.api->rate_limit_store ? *compiled.api->rate_limit_store : none;
}

testing::Compiled compile(const std::string& store) {
  return testing::compile_text(
      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nx-apiserver:\n  rate-limit-store: " + store +
      "\npaths: {}\n");
}

TEST(RateLimitStore, AbsentMeansInProcess) {
  testing::Compiled compiled =
      testing::compile_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
  ASSERT_TRUE(compiled.api) << compiled.messages();
  EXPECT_FALSE(compiled.api->rate_limit_store);
}

TEST(RateLimitStore, HostAloneTakesTheDefaults) {
  testing::Compiled compiled = compile("redis://cache.internal");
  const model::SharedRateLimitStore& store = store_of(compiled);
  EXPECT_EQ(store.host, "cache.internal");
  EXPECT_EQ(store.port, 6379);
  EXPECT_EQ(store.database, 0);
  EXPECT_EQ(store.password, "");
  EXPECT_EQ(store.timeout.count(), 250);
  EXPECT_TRUE(store.admit_when_unreachable);
  EXPECT_EQ(store.key_prefix, "apiserver:rl:");
  EXPECT_EQ(store.shown, "redis://cache.internal");
}

TEST(RateLimitStore, CredentialsPortAndDatabase) {
  testing::Compiled compiled = compile("\"redis://limiter:p%40ss%3Aword@10.0.0.5:6380/3\"");
  const model::SharedRateLimitStore& store = store_of(compiled);
  EXPECT_EQ(store.user, "limiter");
  EXPECT_EQ(store.password, "p@ss:word");
  EXPECT_EQ(store.host, "10.0.0.5");
  EXPECT_EQ(store.port, 6380);
  EXPECT_EQ(store.database, 3);
  EXPECT_EQ(store.shown, "redis://limiter:***@10.0.0.5:6380/3");
}

TEST(RateLimitStore, PasswordWithoutUser) {
  for (const char* url : {"redis://:secret@cache", "redis://secret@cache"}) {
    SCOPED_TRACE(url);
    testing::Compiled compiled = compile(std::string("\"") + url + "\"");
    const model::SharedRateLimitStore& store = store_of(compiled);
    EXPECT_EQ(store.user, "");
    EXPECT_EQ(store.password, "secret");
    EXPECT_EQ(store.shown, "redis://:***@cache");
  }
}

TEST(RateLimitStore, Ipv6AndUnixSocket) {
  testing::Compiled v6 = compile("\"redis://[::1]:7000\"");
  EXPECT_EQ(store_of(v6).host, "::1");
  EXPECT_EQ(store_of(v6).port, 7000);
  testing::Compiled unix_socket = compile("\"unix:///run/redis/redis.sock?db=2\"");
  EXPECT_EQ(store_of(unix_socket).socket, "/run/redis/redis.sock");
  EXPECT_EQ(store_of(unix_socket).host, "");
  EXPECT_EQ(store_of(unix_socket).database, 2);
}

TEST(RateLimitStore, LongFormWithEnvironmentAndReference) {
  ::setenv("APISERVER_TEST_REDIS_HOST", "redis.example", 1);
  ::setenv("APISERVER_TEST_REDIS_PASSWORD", "from-env", 1);
  testing::Compiled compiled = compile(
      "{url: \"redis://${APISERVER_TEST_REDIS_HOST}:6390\", password: "
      "\"${APISERVER_TEST_REDIS_PASSWORD}\", timeout: 40ms, when-unreachable: refuse, "
      "key-prefix: \"shop:\"}");
  const model::SharedRateLimitStore& store = store_of(compiled);
  EXPECT_EQ(store.host, "redis.example");
  EXPECT_EQ(store.port, 6390);
  EXPECT_EQ(store.password, "from-env");
  EXPECT_EQ(store.timeout.count(), 40);
  EXPECT_FALSE(store.admit_when_unreachable);
  EXPECT_EQ(store.key_prefix, "shop:");
  EXPECT_EQ(store.shown.find("from-env"), std::string::npos);
}

TEST(RateLimitStore, MalformedUrlsAreErrors) {
  for (const char* url :
       {"redis://", "redis://:6379", "redis://cache:0", "redis://cache:port", "redis://[::1",
        "redis://cache/zero", "unix://relative.sock", "unix:///s.sock?database=1",
        "\"redis://bad%zzescape@cache\"", "tcp://cache", "42", "{timeout: 1s}"}) {
    SCOPED_TRACE(url);
    testing::Compiled compiled = compile(url);
    EXPECT_NE(compiled.find(spec::Diagnostic::Severity::kError, ""), nullptr);
    if (compiled.api) {
      EXPECT_FALSE(compiled.api->rate_limit_store);
    }
  }
}

}  // namespace
}  // namespace apiserver::compile
