// JSON pointer (RFC 6901) helpers on strings, without nlohmann's exceptions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace apiserver::spec {

// Escapes one reference token ('~' -> "~0", '/' -> "~1").
std::string escape_pointer_token(std::string_view token);
// `base` + "/" + escaped `token`.
std::string append_pointer(const std::string& base, std::string_view token);
// Splits a pointer into unescaped tokens; nullopt if it is not a valid pointer.
std::optional<std::vector<std::string>> split_pointer(std::string_view pointer);
// The node at `pointer` in `root`, or nullptr.
const nlohmann::ordered_json* find_pointer(const nlohmann::ordered_json& root,
                                           std::string_view pointer);

}  // namespace apiserver::spec
