// Values as documents write them: durations, byte sizes, and mappings with a known set of keys.
#pragma once

#include <chrono>
#include <set>
#include <string>

#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::spec {

// `object[key]` when it is a boolean (or a string), else the fallback: readers never throw on a
// value of the wrong type, which check_field_types reports at load where it matters.
bool bool_field(const Json& object, const char* key, bool fallback = false);
std::string string_field(const Json& object, const char* key, const std::string& fallback = {});

// Reports every key of the mapping `node` that is not in `known` as an error naming the known ones.
void check_keys(const Document& document, const NodeRef& node, const std::set<std::string>& known,
                Diagnostics& diagnostics);

// "200ms", "2s", "1m", "1h", "1d", 150 (milliseconds) -> duration; false when not one.
bool parse_duration(const Json& value, std::chrono::milliseconds& out);

// "1MiB", "512KB", "2048" -> bytes; false when not a size.
bool parse_byte_size(const Json& value, size_t& out);

}  // namespace apiserver::spec
