// Unit tests of the resolver of upstream host names: at load, in the background, and what a
// name that does not resolve gives.
#include "gateway/name_resolver.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <chrono>
#include <string>
#include <thread>

namespace apiserver::gateway {
namespace {

using namespace std::chrono_literals;

bool holds_ipv4_loopback(const NameResolver::Addresses& addresses, uint16_t port) {
  for (const SocketAddress& address : addresses)
    if (address == *address_of("127.0.0.1", port)) return true;
  return false;
}

TEST(NameResolver, ResolvesANameAsItIsPrepared) {
  NameResolver resolver(1h);
  EXPECT_EQ(resolver.prepare("localhost", 9000), "");
  auto addresses = resolver.addresses("localhost", 9000);
  ASSERT_NE(addresses, nullptr);
  EXPECT_TRUE(holds_ipv4_loopback(*addresses, 9000));
  EXPECT_EQ(resolver.addresses("localhost", 9001), nullptr) << "the port is part of the name";
}

TEST(NameResolver, SaysWhyANameDoesNotResolve) {
  NameResolver resolver(1h);
  EXPECT_NE(resolver.prepare("no-such-host.invalid", 80), "");
  EXPECT_EQ(resolver.addresses("no-such-host.invalid", 80), nullptr);
}

TEST(NameResolver, ResolvesANameFirstAskedForInTheBackground) {
  NameResolver resolver(1h);
  EXPECT_EQ(resolver.addresses("localhost", 8080), nullptr) << "never blocks the caller";
  std::shared_ptr<const NameResolver::Addresses> addresses;
  for (int i = 0; i < 500 && addresses == nullptr; ++i) {
    std::this_thread::sleep_for(10ms);
    addresses = resolver.addresses("localhost", 8080);
  }
  ASSERT_NE(addresses, nullptr);
  EXPECT_TRUE(holds_ipv4_loopback(*addresses, 8080));
}

TEST(NameResolver, ResolvesAgainAtEachRefresh) {
  NameResolver resolver(20ms);
  resolver.remember("localhost", 7000, {*address_of("10.9.9.9", 7000)});
  std::shared_ptr<const NameResolver::Addresses> addresses;
  for (int i = 0; i < 500; ++i) {
    addresses = resolver.addresses("localhost", 7000);
    if (holds_ipv4_loopback(*addresses, 7000)) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(holds_ipv4_loopback(*addresses, 7000)) << "the remembered address is replaced";
}

TEST(NameResolver, KeepsTheLastAddressesOfANameThatStopsResolving) {
  NameResolver resolver(10ms);
  resolver.remember("no-such-host.invalid", 80, {*address_of("10.9.9.9", 80)});
  std::this_thread::sleep_for(100ms);
  auto addresses = resolver.addresses("no-such-host.invalid", 80);
  ASSERT_NE(addresses, nullptr);
  EXPECT_EQ(addresses->size(), 1U);
}

}  // namespace
}  // namespace apiserver::gateway
