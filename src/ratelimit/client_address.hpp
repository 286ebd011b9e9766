// The client a request comes from: the socket peer, or, when the peer is a trusted proxy, the
// address the proxies recorded in X-Forwarded-For / Forwarded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/request.hpp"
#include "model/model.hpp"

namespace apiserver::ratelimit {

// "10.0.0.0/8", "::1/128", "127.0.0.1" (a single address); nullopt when malformed.
std::optional<model::AddressRange> parse_address_range(const std::string& text);

// `address` (IPv4 or IPv6 text) as 16 bytes, IPv4 mapped into IPv6; nullopt when malformed.
std::optional<std::array<unsigned char, 16>> parse_address(const std::string& address);

bool in_ranges(const std::array<unsigned char, 16>& address,
               const std::vector<model::AddressRange>& ranges);

// The client address of `request`. When the peer is a trusted proxy, the addresses of the one
// header `proxies` names are read right to left, skipping trusted proxies, so a client cannot
// choose its key by sending its own X-Forwarded-For (or Forwarded).
std::string client_address(const http::Request& request, const model::TrustedProxies& proxies);

}  // namespace apiserver::ratelimit
