// Unit tests of how a plain upstream URL's origin is read: which URLs the loop's own client
// calls, at which address or name, and with which Host field.
#include "gateway/plain_origin.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>

namespace apiserver::gateway {
namespace {

TEST(PlainOrigin, ReadsAnIpv4AddressAndPort) {
  auto origin = parse_plain_origin("http://127.0.0.1:9000/v1/predict?x=1");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->authority, "127.0.0.1:9000");
  EXPECT_EQ(origin->host, "127.0.0.1");
  EXPECT_EQ(origin->port, 9000);
  EXPECT_EQ(plain_target_at("http://127.0.0.1:9000/v1/predict?x=1"),
            std::string("http://127.0.0.1:9000").size());
  ASSERT_TRUE(origin->address);
  const auto* v4 = reinterpret_cast<const sockaddr_in*>(&origin->address->storage);
  EXPECT_EQ(v4->sin_family, AF_INET);
  EXPECT_EQ(ntohs(v4->sin_port), 9000);
}

TEST(PlainOrigin, ReadsABracketedIpv6AddressAndThePortEightyByDefault) {
  auto origin = parse_plain_origin("http://[::1]/x");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->host, "::1");
  EXPECT_EQ(origin->authority, "[::1]");
  EXPECT_EQ(origin->port, 80);
  ASSERT_TRUE(origin->address);
  EXPECT_EQ(origin->address->storage.ss_family, AF_INET6);
}

TEST(PlainOrigin, LeavesAHostNameToResolve) {
  auto origin = parse_plain_origin("http://model:8080");
  ASSERT_TRUE(origin);
  EXPECT_EQ(origin->host, "model");
  EXPECT_EQ(origin->port, 8080);
  EXPECT_FALSE(origin->address);
  EXPECT_EQ(plain_target_at("http://model:8080"), std::string("http://model:8080").size())
      << "no target: the URL's end";
}

TEST(PlainOrigin, RefusesWhatTheLoopsClientDoesNotCall) {
  for (const char* url :
       {"https://127.0.0.1:9000", "http://user:secret@127.0.0.1:9000", "http://:9000",
        "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:90x", "http://[::1",
        "http://[model]:80", "http://[::1]x", "ftp://127.0.0.1", "http://"})
    EXPECT_FALSE(parse_plain_origin(url)) << url;
}

TEST(PlainOrigin, ComparesAddressesByTheirBytes) {
  auto a = address_of("10.0.0.7", 80);
  auto b = address_of("10.0.0.7", 80);
  auto c = address_of("10.0.0.7", 81);
  ASSERT_TRUE(a && b && c);
  EXPECT_TRUE(*a == *b);
  EXPECT_FALSE(*a == *c);
  EXPECT_FALSE(address_of("model", 80));
}

}  // namespace
}  // namespace apiserver::gateway
