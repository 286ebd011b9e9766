// Upstream host names resolved off the event loops (see name_resolver.hpp).
#include "gateway/name_resolver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <cstring>

namespace apiserver::gateway {
namespace {

// How often every known name is resolved again. Short enough that an upstream moved to a new
// address is reached again within it; long enough to cost the DNS server nothing.
constexpr std::chrono::seconds kSharedRefresh{10};

// `host`'s addresses for TCP on `port`, or what went wrong.
std::string resolve(const std::string& host, uint16_t port, NameResolver::Addresses& out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  int result = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (result != 0) return result == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(result);
  for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
    if (at->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress address;
    std::memcpy(&address.storage, at->ai_addr, at->ai_addrlen);
    address.length = at->ai_addrlen;
    bool seen = false;
    for (const SocketAddress& known : out) seen = seen || known == address;
    if (!seen) out.push_back(address);
  }
  ::freeaddrinfo(found);
  return out.empty() ? "no address" : "";
}

}  // namespace

NameResolver::NameResolver(std::chrono::milliseconds refresh) : refresh_(refresh) {}

NameResolver::~NameResolver() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

NameResolver& NameResolver::shared() {
  static NameResolver* resolver = new NameResolver(kSharedRefresh);
  return *resolver;
}

std::string NameResolver::prepare(const std::string& host, uint16_t port) {
  auto addresses = std::make_shared<Addresses>();
  std::string error = resolve(host, port, *addresses);
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = names_[{host, port}];
  if (error.empty()) slot = std::move(addresses);
  start_refreshing();
  return error;
}

void NameResolver::remember(const std::string& host, uint16_t port, Addresses addresses) {
  std::lock_guard<std::mutex> lock(mutex_);
  names_[{host, port}] = std::make_shared<const Addresses>(std::move(addresses));
  start_refreshing();
}

std::shared_ptr<const NameResolver::Addresses> NameResolver::addresses(const std::string& host,
                                                                       uint16_t port) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = names_.find({host, port});
  if (found != names_.end()) return found->second;
  names_.emplace(Key{host, port}, nullptr);
  asked_ = true;
  start_refreshing();
  wake_.notify_all();
  return nullptr;
}

void NameResolver::start_refreshing() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void NameResolver::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, refresh_, [this] { return stopping_ || asked_; });
    if (stopping_) return;
    const bool only_new = asked_;
    asked_ = false;
    std::vector<Key> keys;
    for (const auto& [key, addresses] : names_)
      if (!only_new || addresses == nullptr) keys.push_back(key);
    lock.unlock();
    for (const Key& key : keys) {
      auto addresses = std::make_shared<Addresses>();
      std::string error = resolve(key.first, key.second, *addresses);
      std::lock_guard<std::mutex> store(mutex_);
      // A name that stops resolving keeps its last addresses: a DNS server that does not answer
      // for a moment must not take a running upstream away.
      if (!error.empty()) {
        spdlog::debug("upstream host '{}' did not resolve again: {}", key.first, error);
        continue;
      }
      auto& slot = names_[key];
      if (slot == nullptr || *slot != *addresses) slot = std::move(addresses);
    }
    lock.lock();
  }
}

}  // namespace apiserver::gateway
