// Reads x-apiserver.rate-limit-store: where the rate-limit state of several instances is
// shared (a Redis server), and what happens to requests when it cannot be reached.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Fills api.rate_limit_store from `node` (a redis:// or unix:// URL, or a mapping with `url`,
// `password`, `timeout`, `when-unreachable` and `key-prefix`). Errors point at the node.
void read_rate_limit_store(const spec::Document& document, const spec::NodeRef& node,
                           model::Api& api, spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
