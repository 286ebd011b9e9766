// How answer bytes leave for the client: straight onto the socket when it takes them, else
// through Pistache's write queue, in order either way.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http/connection.hpp"

namespace apiserver::http {

// Writes `bytes` to `peer` (connection `c`), then half-closes the connection when
// `close_after`. Runs on the event loop that owns the socket.
// `written`, when given, runs (on the loop) once the bytes are in the socket.
void write_to_peer(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Connection& c,
                   std::string bytes, bool close_after,
                   const std::function<void()>& written = nullptr);

// Half-closes the connection once what is queued for it is out: now, if nothing is.
void close_when_written(const std::shared_ptr<Pistache::Tcp::Peer>& peer, Connection& c);

}  // namespace apiserver::http
