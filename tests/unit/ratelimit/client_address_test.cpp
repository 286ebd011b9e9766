// Unit tests of the client address a rate limit counts by: address and CIDR range parsing,
// range membership, and X-Forwarded-For / Forwarded believed only from trusted proxies, read
// right to left so that a client cannot pick its own key.
#include "ratelimit/client_address.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace apiserver::ratelimit {
namespace {

using Bytes = std::array<unsigned char, 16>;

// IPv4 a.b.c.d as an IPv4-mapped IPv6 address.
Bytes v4(unsigned char a, unsigned char b, unsigned char c, unsigned char d) {
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}

model::AddressRange range(const std::string& text) {
  auto parsed = parse_address_range(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(model::AddressRange{});
}

std::vector<model::AddressRange> ranges(const std::vector<std::string>& texts) {
  std::vector<model::AddressRange> out;
  for (const std::string& text : texts) out.push_back(range(text));
  return out;
}

// Proxies at `texts` that record the client in `header`.
model::TrustedProxies proxies(
    const std::vector<std::string>& texts,
    model::ForwardedHeader header = model::ForwardedHeader::kXForwardedFor) {
  return {ranges(texts), header};
}

model::TrustedProxies forwarded_proxies(const std::vector<std::string>& texts) {
  return proxies(texts, model::ForwardedHeader::kForwarded);
}

bool contains(const std::vector<std::string>& texts, const std::string& address) {
  auto parsed = parse_address(address);
  EXPECT_TRUE(parsed) << address;
  return parsed && in_ranges(*parsed, ranges(texts));
}

http::Request request_from(const std::string& peer,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request request;
  request.method = "GET";
  request.path = "/";
  request.peer_address = peer;
  request.headers = std::move(headers);
  return request;
}

TEST(ParseAddress, MapsIPv4IntoIPv6AndReadsIPv6) {
  EXPECT_EQ(parse_address("192.0.2.1"), v4(192, 0, 2, 1));
  Bytes loopback{};
  loopback[15] = 1;
  EXPECT_EQ(parse_address("::1"), loopback);
  Bytes doc{0x20, 0x01, 0x0d, 0xb8};
  doc[15] = 0x07;
  EXPECT_EQ(parse_address("2001:db8::7"), doc);
  // The IPv4-mapped spelling is the same address as the IPv4 one.
  EXPECT_EQ(parse_address("::ffff:192.0.2.1"), v4(192, 0, 2, 1));
  for (const char* bad : {"", "192.0.2", "192.0.2.256", "192.0.2.1:80", "[::1]", "::1%lo",
                          "localhost", " 192.0.2.1", "192.0.2.1 ", "2001:db8::g"})
    EXPECT_FALSE(parse_address(bad)) << "'" << bad << "'";
}

TEST(ParseAddressRange, ReadsIPv4RangesAsMappedIPv6Prefixes) {
  model::AddressRange r = range("10.0.0.0/8");
  EXPECT_EQ(r.address, v4(10, 0, 0, 0));
  EXPECT_EQ(r.prefix, 96 + 8);
  EXPECT_EQ(range("10.1.2.3/32").prefix, 128);
  EXPECT_EQ(range("0.0.0.0/0").prefix, 96);
  EXPECT_EQ(range("10.0.0.0/08").prefix, 104);
  // A single address is a range of one.
  r = range("127.0.0.1");
  EXPECT_EQ(r.address, v4(127, 0, 0, 1));
  EXPECT_EQ(r.prefix, 128);
}

TEST(ParseAddressRange, ReadsIPv6Ranges) {
  model::AddressRange r = range("2001:db8::/32");
  EXPECT_EQ(r.prefix, 32);
  EXPECT_EQ(r.address[0], 0x20);
  EXPECT_EQ(r.address[3], 0xb8);
  EXPECT_EQ(range("::/0").prefix, 0);
  EXPECT_EQ(range("::1/128").prefix, 128);
  EXPECT_EQ(range("::1").prefix, 128);
  EXPECT_EQ(range("fe80::/10").prefix, 10);
}

TEST(ParseAddressRange, RefusesMalformedRanges) {
  for (const char* bad :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
        "10.0.0.0/1x", "10.0.0.0/0008", "10.0.0.0 /8", "10.0.0/8", "10.0.0.256/8", "::/129", "::1/",
        "2001:db8::/1000", "everyone", "*", "10.0.0.0-10.0.0.255"})
    EXPECT_FALSE(parse_address_range(bad)) << "'" << bad << "'";
}

TEST(InRanges, MatchesByPrefix) {
  EXPECT_TRUE(contains({"10.0.0.0/8"}, "10.255.1.2"));
  EXPECT_FALSE(contains({"10.0.0.0/8"}, "11.0.0.0"));
  EXPECT_FALSE(contains({"10.0.0.0/8"}, "9.255.255.255"));
  // A prefix that does not end on a byte boundary.
  EXPECT_TRUE(contains({"10.0.0.0/9"}, "10.127.255.255"));
  EXPECT_FALSE(contains({"10.0.0.0/9"}, "10.128.0.0"));
  EXPECT_TRUE(contains({"192.168.0.0/23"}, "192.168.1.200"));
  EXPECT_FALSE(contains({"192.168.0.0/23"}, "192.168.2.0"));
  // /32 is one address; host bits in the range are ignored beyond the prefix.
  EXPECT_TRUE(contains({"127.0.0.1/32"}, "127.0.0.1"));
  EXPECT_FALSE(contains({"127.0.0.1/32"}, "127.0.0.2"));
  EXPECT_TRUE(contains({"10.9.9.9/8"}, "10.1.1.1"));
  // IPv6.
  EXPECT_TRUE(contains({"2001:db8::/32"}, "2001:db8:ffff::1"));
  EXPECT_FALSE(contains({"2001:db8::/32"}, "2001:db9::1"));
  EXPECT_TRUE(contains({"::1/128"}, "::1"));
  EXPECT_FALSE(contains({"::1/128"}, "::2"));
  // Any of several ranges.
  EXPECT_TRUE(contains({"10.0.0.0/8", "::1/128"}, "::1"));
  EXPECT_FALSE(contains({}, "10.0.0.1"));
}

TEST(InRanges, KeepsIPv4AndIPv6Apart) {
  // 0.0.0.0/0 is every IPv4 address and nothing else; ::/0 is everything.
  EXPECT_TRUE(contains({"0.0.0.0/0"}, "203.0.113.9"));
  EXPECT_FALSE(contains({"0.0.0.0/0"}, "2001:db8::1"));
  EXPECT_TRUE(contains({"::/0"}, "2001:db8::1"));
  EXPECT_TRUE(contains({"::/0"}, "203.0.113.9"));
  // An IPv4-mapped IPv6 peer is the IPv4 address.
  EXPECT_TRUE(contains({"10.0.0.0/8"}, "::ffff:10.0.0.1"));
}

TEST(ClientAddress, IsThePeerWithoutTrustedProxies) {
  http::Request r = request_from(
      "203.0.113.9", {{"x-forwarded-for", "198.51.100.1"}, {"forwarded", "for=198.51.100.2"}});
  EXPECT_EQ(client_address(r, {}), "203.0.113.9");
}

TEST(ClientAddress, IgnoresForwardedHeadersFromAnUntrustedPeer) {
  auto trusted = proxies({"10.0.0.0/8"});
  http::Request xff = request_from("203.0.113.9", {{"x-forwarded-for", "198.51.100.1"}});
  EXPECT_EQ(client_address(xff, trusted), "203.0.113.9");
  http::Request forwarded = request_from("203.0.113.9", {{"forwarded", "for=198.51.100.1"}});
  EXPECT_EQ(client_address(forwarded, trusted), "203.0.113.9");
  // A spoofed trusted address in the header does not make the peer trusted.
  http::Request spoof = request_from("203.0.113.9", {{"x-forwarded-for", "10.0.0.1"}});
  EXPECT_EQ(client_address(spoof, trusted), "203.0.113.9");
}

TEST(ClientAddress, TakesTheRightmostUntrustedHopFromATrustedPeer) {
  auto trusted = proxies({"10.0.0.0/8"});
  EXPECT_EQ(
      client_address(request_from("10.0.0.1", {{"x-forwarded-for", "198.51.100.1"}}), trusted),
      "198.51.100.1");
  // The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
  EXPECT_EQ(client_address(request_from("10.0.0.1", {{"x-forwarded-for", "6.6.6.6, 198.51.100.1"}}),
                           trusted),
            "198.51.100.1");
  // Several X-Forwarded-For lines are one list, in order.
  EXPECT_EQ(client_address(request_from("10.0.0.1", {{"x-forwarded-for", "6.6.6.6"},
                                                     {"x-forwarded-for", "198.51.100.1"}}),
                           trusted),
            "198.51.100.1");
  // Without a forwarded header the trusted peer is the client.
  EXPECT_EQ(client_address(request_from("10.0.0.1"), trusted), "10.0.0.1");
}

TEST(ClientAddress, SkipsAChainOfTrustedProxies) {
  auto trusted = proxies({"10.0.0.0/8", "192.168.0.0/16"});
  http::Request r = request_from(
      "10.0.0.4", {{"x-forwarded-for", "6.6.6.6, 198.51.100.1, 192.168.1.1,10.0.0.3 , 10.0.0.2"}});
  EXPECT_EQ(client_address(r, trusted), "198.51.100.1");
  // Every hop trusted: the oldest one is the client.
  http::Request all = request_from("10.0.0.4", {{"x-forwarded-for", "10.0.0.1, 10.0.0.2"}});
  EXPECT_EQ(client_address(all, trusted), "10.0.0.1");
}

TEST(ClientAddress, TrustsIPv6Proxies) {
  auto trusted = proxies({"::1/128", "fd00::/8"});
  EXPECT_EQ(
      client_address(request_from("::1", {{"x-forwarded-for", "2001:db8::7, fd00::2"}}), trusted),
      "2001:db8::7");
  EXPECT_EQ(client_address(request_from("::2", {{"x-forwarded-for", "2001:db8::7"}}), trusted),
            "::2");
}

TEST(ClientAddress, ReadsTheForwardedHeader) {
  auto trusted = forwarded_proxies({"10.0.0.0/8"});
  auto from = [&](const std::string& forwarded) {
    return client_address(request_from("10.0.0.1", {{"forwarded", forwarded}}), trusted);
  };
  EXPECT_EQ(from("for=\"[2001:db8::1]:4711\""), "2001:db8::1");
  EXPECT_EQ(from("for=\"[2001:db8::1]\""), "2001:db8::1");
  EXPECT_EQ(from("for=1.2.3.4:80"), "1.2.3.4");
  EXPECT_EQ(from("for=\"1.2.3.4:80\""), "1.2.3.4");
  EXPECT_EQ(from("for=192.0.2.60;proto=http;by=203.0.113.43"), "192.0.2.60");
  EXPECT_EQ(from("proto=https; for=192.0.2.60"), "192.0.2.60");
  EXPECT_EQ(from("For=192.0.2.60"), "192.0.2.60");
  // Several elements: right to left, skipping trusted proxies.
  EXPECT_EQ(from("for=6.6.6.6, for=192.0.2.60, for=10.0.0.7"), "192.0.2.60");
}

TEST(ClientAddress, StopsAtGarbageAndKeepsTheLastTrustedHop) {
  auto trusted = proxies({"10.0.0.0/8"});
  auto xff = [&](const std::string& value) {
    return client_address(request_from("10.0.0.1", {{"x-forwarded-for", value}}), trusted);
  };
  auto forwarded = [&](const std::string& value) {
    return client_address(request_from("10.0.0.1", {{"forwarded", value}}),
                          forwarded_proxies({"10.0.0.0/8"}));
  };
  // Garbage in the rightmost place: the peer (a trusted proxy) is all that is known.
  EXPECT_EQ(xff("198.51.100.1, garbage"), "10.0.0.1");
  EXPECT_EQ(xff("198.51.100.1, "), "10.0.0.1");
  EXPECT_EQ(xff(""), "10.0.0.1");
  EXPECT_EQ(xff("198.51.100.1:5000"), "10.0.0.1");
  EXPECT_EQ(xff("[2001:db8::1]"), "10.0.0.1");
  EXPECT_EQ(forwarded("for=unknown"), "10.0.0.1");
  EXPECT_EQ(forwarded("for=_hidden"), "10.0.0.1");
  EXPECT_EQ(forwarded("proto=https"), "10.0.0.1");
  EXPECT_EQ(forwarded("for=\"[2001:db8::1\""), "10.0.0.1");
  // Garbage behind a trusted hop: that hop.
  EXPECT_EQ(xff("198.51.100.1, garbage, 10.0.0.2"), "10.0.0.2");
  // Garbage to the left of the client changes nothing.
  EXPECT_EQ(xff("garbage, 198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(forwarded("for=unknown, for=198.51.100.1"), "198.51.100.1");
}

// A proxy that writes X-Forwarded-For passes a Forwarded header through as the client sent it
// (and the other way round): only the configured header is believed.
TEST(ClientAddress, BelievesOnlyTheHeaderTheProxiesWrite) {
  http::Request both =
      request_from("10.0.0.1", {{"x-forwarded-for", "198.51.100.1"}, {"forwarded", "for=6.6.6.6"}});
  EXPECT_EQ(client_address(both, proxies({"10.0.0.0/8"})), "198.51.100.1");
  EXPECT_EQ(client_address(both, forwarded_proxies({"10.0.0.0/8"})), "6.6.6.6");
  // The forged header alone does not give the client a key of its choosing.
  http::Request forged = request_from("10.0.0.1", {{"forwarded", "for=6.6.6.6"}});
  EXPECT_EQ(client_address(forged, proxies({"10.0.0.0/8"})), "10.0.0.1");
  http::Request forged_xff = request_from("10.0.0.1", {{"x-forwarded-for", "6.6.6.6"}});
  EXPECT_EQ(client_address(forged_xff, forwarded_proxies({"10.0.0.0/8"})), "10.0.0.1");
}

TEST(ClientAddress, KeepsAPeerItCannotParse) {
  auto trusted = proxies({"::/0"});
  EXPECT_EQ(client_address(request_from("", {{"x-forwarded-for", "198.51.100.1"}}), trusted), "");
  EXPECT_EQ(client_address(request_from("unix", {{"x-forwarded-for", "198.51.100.1"}}), trusted),
            "unix");
}

}  // namespace
}  // namespace apiserver::ratelimit
