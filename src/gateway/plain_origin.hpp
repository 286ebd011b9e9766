// The origin of a plain HTTP upstream URL ("http://host[:port]"), read once per upstream: the
// address to connect to when the host is an IP address, the name to resolve when it is not.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace apiserver::gateway {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  bool operator==(const SocketAddress& other) const;
};

struct PlainOrigin {
  std::string authority;  // "host:port" as written: the Host field
  std::string host;       // the name or address, without brackets
  uint16_t port = 80;
  std::optional<SocketAddress> address;  // when `host` is an IPv4 or IPv6 address
};

// The origin of `url`, when it is an http URL without credentials and with a valid port;
// nothing otherwise (https, "user@host", ...).
std::optional<PlainOrigin> parse_plain_origin(std::string_view url);

// Where the target of `url` starts: past "http://" and the authority (url.size() if none).
size_t plain_target_at(std::string_view url);

// `host` as an address with `port`, when it is an IPv4 or IPv6 address.
std::optional<SocketAddress> address_of(const std::string& host, uint16_t port);

}  // namespace apiserver::gateway
