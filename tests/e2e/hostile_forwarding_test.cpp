// Spoofed forwarding headers against per-address rate limits, beyond the two cases of
// rate_limit_test.cpp: every header a client might use to claim another address, sent by an
// untrusted peer, leaves the limit's key at the peer's address; behind a trusted proxy, only
// the address the proxy appended counts, whatever the client wrote to its left or in other
// headers. Once the budget is spent, every such request is a 429 with a JSON body.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/json_body.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

Scenario spoofed(std::string name, Headers headers) {
  return Scenario(std::move(name))
      .get("/counted")
      .headers(headers)
      .expect_status(429)
      .expect("the body is a JSON object", is_json_object);
}

TEST(HostileForwardingTest, NoHeaderFromAnUntrustedPeerBuysAFreshBudget) {
  // Three requests a minute per client address; nothing is trusted.
  TempDir dir;
  ServerProcess server({test_data_path("e2e/specs/rate_limit.yaml"), "--db", dir.file("rate.db")});
  HttpClient client(server.port());
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(client.get("/counted", {{"X-Real-IP", "192.0.2." + std::to_string(i)}}).status, 200);
  std::string long_chain;  // 600 addresses, about 8 KiB
  for (int i = 0; i < 600; ++i) long_chain += "198.51.100." + std::to_string(i % 250) + ", ";
  long_chain += "192.0.2.58";
  run_each_scenario(
      client,
      {
          spoofed("X-Real-IP.", {{"X-Real-IP", "192.0.2.50"}}),
          spoofed("True-Client-IP.", {{"True-Client-IP", "192.0.2.51"}}),
          spoofed("CF-Connecting-IP.", {{"CF-Connecting-IP", "192.0.2.52"}}),
          spoofed("X-Client-IP.", {{"X-Client-IP", "192.0.2.53"}}),
          spoofed("X-Forwarded-For with one address.", {{"X-Forwarded-For", "192.0.2.54"}}),
          spoofed("X-Forwarded-For with a chain.",
                  {{"X-Forwarded-For", "192.0.2.55, 10.0.0.1, 127.0.0.2"}}),
          spoofed("X-Forwarded-For on two lines.",
                  {{"X-Forwarded-For", "192.0.2.56"}, {"X-Forwarded-For", "192.0.2.57"}}),
          spoofed("X-Forwarded-For of 8 KiB.", {{"X-Forwarded-For", long_chain}}),
          spoofed("X-Forwarded-For that is not an address.", {{"X-Forwarded-For", "unknown"}}),
          spoofed("Forwarded with a quoted IPv6 and a port.",
                  {{"Forwarded", "for=\"[2001:db8::7]:4711\";proto=https"}}),
          spoofed("Forwarded naming an obfuscated node.", {{"Forwarded", "for=_hidden"}}),
          spoofed("Forwarded with two elements.",
                  {{"Forwarded", "for=192.0.2.60, for=192.0.2.61"}}),
          spoofed("Every header at once.", {{"X-Forwarded-For", "192.0.2.62"},
                                            {"Forwarded", "for=192.0.2.63"},
                                            {"X-Real-IP", "192.0.2.64"},
                                            {"X-Forwarded-Host", "elsewhere"}}),
      });
  EXPECT_EQ(client.get("/health").status, 204);
}

TEST(HostileForwardingTest, BehindATrustedProxyOnlyTheAddressItAppendedCounts) {
  // One request a minute per client; 127.0.0.1 (this test) is the trusted proxy, and the
  // client it saw is 198.51.100.7.
  TempDir dir;
  ServerProcess server(
      {test_data_path("e2e/specs/rate_limit_proxies.yaml"), "--db", dir.file("rate.db")});
  HttpClient client(server.port());
  ASSERT_EQ(client.get("/counted", {{"X-Forwarded-For", "198.51.100.7"}}).status, 204);
  run_each_scenario(
      client, {
                  spoofed("An address the client wrote before the proxy's.",
                          {{"X-Forwarded-For", "192.0.2.1, 198.51.100.7"}}),
                  spoofed("A trusted address the client wrote before the proxy's.",
                          {{"X-Forwarded-For", "127.0.0.1, 198.51.100.7"}}),
                  spoofed("Garbage the client wrote before the proxy's.",
                          {{"X-Forwarded-For", "not-an-address, 198.51.100.7"}}),
                  spoofed("The client's own X-Forwarded-For line before the proxy's.",
                          {{"X-Forwarded-For", "192.0.2.2"}, {"X-Forwarded-For", "198.51.100.7"}}),
                  spoofed("A Forwarded header the proxy does not write.",
                          {{"X-Forwarded-For", "198.51.100.7"}, {"Forwarded", "for=192.0.2.3"}}),
                  spoofed("X-Real-IP beside the proxy's header.",
                          {{"X-Forwarded-For", "198.51.100.7"}, {"X-Real-IP", "192.0.2.4"}}),
              });
}

}  // namespace
}  // namespace apiserver::test
