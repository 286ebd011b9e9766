// Upstream exchanges over plain HTTP/1.1, on sockets the owner's event loop watches: the request
// is written in one call, the answer read with AnswerReader, and the connection kept for the
// next exchange with the same upstream. This is the common gateway case (a model server or
// service beside the gateway), and it costs a fraction of what a general client does per
// exchange. An upstream is reached at its IP address, or at the addresses NameResolver last
// found for its name, each tried in turn. Exchanges sends everything else (TLS, a name with no
// address yet) through libcurl. Every call is made on the owner's thread.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/exchanges.hpp"
#include "gateway/name_resolver.hpp"
#include "gateway/socket_watcher.hpp"

namespace apiserver::gateway {

class PlainExchanges {
 public:
  PlainExchanges(SocketWatcher& watcher, NameResolver& resolver, size_t max_answer_bytes);
  // Exchanges under way end with kShutdown; pooled connections are closed.
  ~PlainExchanges();
  PlainExchanges(const PlainExchanges&) = delete;
  PlainExchanges& operator=(const PlainExchanges&) = delete;

  // Takes the exchange (moving from `request` and `done`) when its URL is one this client
  // calls (plain http, an address known); false leaves both as they were. It starts at the next
  // act().
  bool send(uint64_t id, UpstreamRequest& request, UpstreamDone& done);
  // Whether exchange `id` is one of this client's, under way or about to start.
  bool holds(uint64_t id) const;
  void cancel(uint64_t id);
  void resume(uint64_t id);
  // False when `socket` is not one of this client's.
  bool socket_ready(int socket, bool in, bool out, bool error);
  void act();
  std::optional<std::chrono::steady_clock::time_point> next_due() const;

 private:
  struct Origin;
  struct Connection;
  struct Exchange;
  using Clock = std::chrono::steady_clock;

  Origin* origin_of(std::string_view url, size_t& target_at);
  void start(Exchange& exchange);
  void connect(Exchange& exchange);
  void connected(Exchange& exchange);
  void connect_failed(Exchange& exchange, int error);
  void write(Exchange& exchange);
  void read(Connection& connection);
  void read_idle(Connection& connection);
  void go_on(Exchange& exchange);
  bool decide_head(Exchange& exchange);
  void complete(Exchange& exchange);
  void broke(Exchange& exchange, UpstreamReply::Failure failure, const std::string& why);
  void end(Exchange& exchange, UpstreamReply::Failure failure, const std::string& why);
  void release(Connection& connection, bool keep);
  void close(Connection& connection);
  void watch(Connection& connection, bool in, bool out);
  void set_deadline(Exchange& exchange, Clock::time_point deadline);

  SocketWatcher& watcher_;
  NameResolver& resolver_;
  const size_t max_answer_bytes_;
  // Each upstream base ("http://host:port"), parsed once; nullptr when it is not one this
  // client calls.
  std::map<std::string, std::unique_ptr<Origin>, std::less<>> origins_;
  std::unordered_map<uint64_t, std::unique_ptr<Exchange>> exchanges_;
  std::vector<uint64_t> starting_;
  std::vector<uint64_t> cancelled_;
  std::vector<uint64_t> resumed_;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;  // by socket
  size_t idle_count_ = 0;
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;
};

}  // namespace apiserver::gateway
