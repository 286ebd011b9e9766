// The limit on open descriptors. Every client connection, upstream connection and database
// file takes one, and services are often started with a soft limit of 1024: a thousand
// clients would make accept() fail while the hard limit allows far more.
#pragma once

#include <sys/resource.h>

#include <optional>

namespace apiserver::cli {

// The soft limit `limit` may be raised to: its hard limit, when above and finite; nullopt when
// there is nothing to raise.
std::optional<rlim_t> raised_soft_limit(const rlimit& limit);

// Raises this process's soft RLIMIT_NOFILE to its hard limit, saying so in the log.
void raise_open_file_limit();

}  // namespace apiserver::cli
