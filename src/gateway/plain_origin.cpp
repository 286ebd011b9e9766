// Plain upstream origins (see plain_origin.hpp).
#include "gateway/plain_origin.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace apiserver::gateway {
namespace {

constexpr std::string_view kScheme = "http://";

}  // namespace

bool SocketAddress::operator==(const SocketAddress& other) const {
  return length == other.length && std::memcmp(&storage, &other.storage, length) == 0;
}

size_t plain_target_at(std::string_view url) {
  size_t at = url.find_first_of("/?#", kScheme.size());
  return at == std::string_view::npos ? url.size() : at;
}

std::optional<SocketAddress> address_of(const std::string& host, uint16_t port) {
  SocketAddress address;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
      inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    address.length = sizeof(sockaddr_in);
    return address;
  }
  if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
      inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

std::optional<PlainOrigin> parse_plain_origin(std::string_view url) {
  if (url.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  const size_t end = plain_target_at(url);
  std::string_view authority = url.substr(kScheme.size(), end - kScheme.size());
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
  }
  if (host.empty()) return std::nullopt;
  PlainOrigin origin;
  if (!port.empty()) {
    unsigned number = 0;
    auto [at, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (ec != std::errc() || at != port.data() + port.size() || number == 0 || number > 65535)
      return std::nullopt;
    origin.port = static_cast<uint16_t>(number);
  }
  origin.authority = std::string(authority);
  origin.host = std::string(host);
  origin.address = address_of(origin.host, origin.port);
  // A bracketed host is an IPv6 address or nothing this client knows how to reach.
  if (authority.front() == '[' && !origin.address) return std::nullopt;
  return origin;
}

}  // namespace apiserver::gateway
