// The graceful part of a shutdown (SIGTERM): once the listening socket is closed, connections
// with nothing in flight are closed and the others are waited for, up to a time limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "http/connection.hpp"

namespace apiserver::http {

// Closes every connection with nothing in flight; returns how many still have something (a
// request being read or handled, a delayed answer, a write not yet completed).
size_t close_idle_connections(Registry& registry);

// Closes idle connections until none is busy (true), or until `timeout` passes or `give_up`
// (polled, may be empty) returns true (false). Logs what it waits for.
bool drain_connections(Registry& registry, std::chrono::milliseconds timeout,
                       const std::function<bool()>& give_up);

}  // namespace apiserver::http
