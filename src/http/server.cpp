// The server ties its pieces together: the listener (Pistache's, made closable), the
// connection handler of each event loop, the reaper of timed-out connections and the drain of
// a graceful shutdown, all sharing one ServerState.
#include "http/server.hpp"

#include <stdexcept>
#include <thread>

#include "http/connection_handler.hpp"
#include "http/drain.hpp"
#include "http/listener.hpp"
#include "http/reaper.hpp"

namespace apiserver::http {

struct Server::Impl {
  explicit Impl(ServerOptions options, RequestHandler& handler)
      : state(std::make_shared<ServerState>()), reaper(state->registry) {
    state->options = std::move(options);
    state->handler = &handler;
  }

  std::shared_ptr<ServerState> state;
  Listener listener;
  Reaper reaper;
  bool started = false;
};

Server::Server(ServerOptions options, RequestHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() {
  stop();
}

void Server::start() {
  const ServerOptions& options = impl_->state->options;
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  if (threads == 0) threads = 1;
  try {
    impl_->listener.start(options.host, options.port, threads,
                          std::make_shared<ConnectionHandler>(impl_->state));
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot listen on " + options.host + ":" +
                             std::to_string(options.port) + ": " + e.what());
  }
  impl_->started = true;
  impl_->reaper.start();
}

uint16_t Server::port() const {
  return impl_->listener.port();
}

bool Server::drain(std::chrono::milliseconds timeout, const std::function<bool()>& give_up) {
  if (!impl_->started) return true;
  impl_->state->draining = true;
  impl_->listener.stop_accepting();
  return drain_connections(impl_->state->registry, timeout, give_up);
}

void Server::stop() {
  if (!impl_->started) return;
  impl_->started = false;
  impl_->reaper.stop();
  impl_->listener.shutdown();
}

}  // namespace apiserver::http
