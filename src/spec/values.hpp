// Values as documents write them: durations, byte sizes, and mappings with a known set of keys.
#pragma once

#include <chrono>
#include <set>
#include <string>

#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::spec {

// Reports every key of the mapping `node` that is not in `known` as an error naming the known ones.
void check_keys(const Document& document, const NodeRef& node, const std::set<std::string>& known,
                Diagnostics& diagnostics);

// "200ms", "2s", "1m", "1h", "1d", 150 (milliseconds) -> duration; false when not one.
bool parse_duration(const Json& value, std::chrono::milliseconds& out);

// "1MiB", "512KB", "2048" -> bytes; false when not a size.
bool parse_byte_size(const Json& value, size_t& out);

}  // namespace apiserver::spec
