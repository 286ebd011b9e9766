// Host names of plain HTTP upstreams, resolved away from the event loops. A name is resolved
// when a document that names it loads (as nginx resolves the host of a static proxy_pass), and
// again in the background every `refresh`, so that a name whose addresses change (a container
// recreated) is followed without a reload. The loops only read the last answer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/plain_origin.hpp"

namespace apiserver::gateway {

class NameResolver {
 public:
  using Addresses = std::vector<SocketAddress>;

  explicit NameResolver(std::chrono::milliseconds refresh);
  ~NameResolver();
  NameResolver(const NameResolver&) = delete;
  NameResolver& operator=(const NameResolver&) = delete;

  // The process's, shared by every loop. Never destroyed: its thread may be inside the system's
  // resolver when the process ends.
  static NameResolver& shared();

  // Resolves `host` now, on the calling thread, and keeps it fresh from then on. Returns what
  // went wrong ("" when it resolved); the name is tried again at each refresh.
  std::string prepare(const std::string& host, uint16_t port);
  // Takes `addresses` as `host`'s, as if just resolved; the next refresh resolves it again. For
  // names known another way (tests reach a name with several addresses with it).
  void remember(const std::string& host, uint16_t port, Addresses addresses);
  // The addresses `host` had when last resolved, in the system's order; nullptr while it has
  // none. A name never prepared is resolved in the background from now on.
  std::shared_ptr<const Addresses> addresses(const std::string& host, uint16_t port);

 private:
  using Key = std::pair<std::string, uint16_t>;
  void start_refreshing();  // with mutex_ held
  void run();

  const std::chrono::milliseconds refresh_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<Key, std::shared_ptr<const Addresses>> names_;  // null: not resolved (yet)
  bool asked_ = false;  // a name was added for the thread to resolve
  bool stopping_ = false;
  std::thread thread_;  // started with the first name
};

}  // namespace apiserver::gateway
