#include "ratelimit/client_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace apiserver::ratelimit {
namespace {

std::string trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t");
  if (start == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t");
  return text.substr(start, end - start + 1);
}

// The addresses of X-Forwarded-For ("a, b") or Forwarded ("for=a;proto=x, for=\"[b]:1\""),
// oldest first.
std::vector<std::string> forwarded_chain(const http::Request& request,
                                         model::ForwardedHeader header) {
  const bool xff = header == model::ForwardedHeader::kXForwardedFor;
  const char* wanted = xff ? "x-forwarded-for" : "forwarded";
  std::vector<std::string> out;
  for (const auto& [name, value] : request.headers) {
    if (name != wanted) continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string element = trim(value.substr(start, comma - start));
      start = comma + 1;
      if (!xff) {
        // Forwarded: the for= parameter of each element.
        std::string found;
        size_t pos = 0;
        while (pos < element.size()) {
          size_t semi = element.find(';', pos);
          if (semi == std::string::npos) semi = element.size();
          std::string pair = trim(element.substr(pos, semi - pos));
          pos = semi + 1;
          if (pair.size() > 4 &&
              (pair.compare(0, 4, "for=") == 0 || pair.compare(0, 4, "For=") == 0 ||
               pair.compare(0, 4, "FOR=") == 0))
            found = pair.substr(4);
        }
        element = found;
        if (element.size() >= 2 && element.front() == '"' && element.back() == '"')
          element = element.substr(1, element.size() - 2);
        if (!element.empty() && element.front() == '[') {
          size_t close = element.find(']');
          element = close == std::string::npos ? "" : element.substr(1, close - 1);
        } else if (std::count(element.begin(), element.end(), ':') == 1) {
          element = element.substr(0, element.find(':'));  // IPv4 with a port
        }
      }
      out.push_back(element);
    }
  }
  return out;
}

}  // namespace

std::optional<std::array<unsigned char, 16>> parse_address(const std::string& address) {
  std::array<unsigned char, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<model::AddressRange> parse_address_range(const std::string& text) {
  size_t slash = text.find('/');
  std::optional<std::array<unsigned char, 16>> address = parse_address(text.substr(0, slash));
  if (!address) return std::nullopt;
  bool v4 = text.find(':') == std::string::npos;
  int prefix = 128;
  if (slash != std::string::npos) {
    std::string bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 ||
        bits.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    prefix = std::stoi(bits);
    if (prefix > (v4 ? 32 : 128)) return std::nullopt;
    if (v4) prefix += 96;
  }
  return model::AddressRange{*address, prefix};
}

bool in_ranges(const std::array<unsigned char, 16>& address,
               const std::vector<model::AddressRange>& ranges) {
  for (const model::AddressRange& range : ranges) {
    int bits = range.prefix;
    bool match = true;
    for (int i = 0; i < 16 && bits > 0 && match; ++i, bits -= 8) {
      unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
      match = (address[i] & mask) == (range.address[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string client_address(const http::Request& request, const model::TrustedProxies& proxies) {
  const std::vector<model::AddressRange>& trusted = proxies.ranges;
  if (trusted.empty()) return request.peer_address;
  std::optional<std::array<unsigned char, 16>> peer = parse_address(request.peer_address);
  if (!peer || !in_ranges(*peer, trusted)) return request.peer_address;
  std::vector<std::string> chain = forwarded_chain(request, proxies.header);
  std::string client = request.peer_address;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    std::optional<std::array<unsigned char, 16>> hop = parse_address(*it);
    if (!hop) break;  // garbage from an untrusted party: stop at the last trusted hop
    client = *it;
    if (!in_ranges(*hop, trusted)) break;
  }
  return client;
}

}  // namespace apiserver::ratelimit
