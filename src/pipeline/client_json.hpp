// Parses JSON text a client sent (request bodies, JSON-encoded parameters) without letting
// any text escape as an exception: nesting is bounded, syntax errors say where, and a number
// beyond the range of a double (1e400, -1e400, a 400-digit integer) is reported with the
// JSON pointer of where it stands, so that it can be answered as a field error. An object
// with the same member twice is refused: which one counts differs between parsers, so a
// proxy or a validator in front could have judged the other one.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace apiserver::pipeline {

inline constexpr int kMaxJsonDepth = 64;

struct ClientJsonError {
  enum class Kind { kTooDeep, kSyntax, kNumberOutOfRange, kDuplicateKey };
  Kind kind = Kind::kSyntax;
  std::string pointer;  // kNumberOutOfRange: where the number stands ("" for the whole text)
  std::string message;  // "the JSON nests deeper ...", "parse error at line 1, column 5: ...",
                        // "number 1e400 is out of range: ...", "the member \"a\" appears ..."
};

// Parses `text` into `out`; on failure `out` is unspecified and the error says why.
std::optional<ClientJsonError> parse_client_json(const std::string& text, nlohmann::json& out);

}  // namespace apiserver::pipeline
