// Turns valijson's error sentences into the short "must ..." phrases of
// problem details, and moves errors about a named property onto that
// property's pointer ("Missing required property 'title'" -> /title: is required).
#pragma once

#include <optional>
#include <string>

namespace apiserver::validate {

struct ErrorMessage {
  std::string detail;
  std::string child;  // property the error is about, appended to the pointer; may be empty
};

// nullopt for messages that only repeat a nested failure (valijson reports a
// failure in a property again on every enclosing object).
std::optional<ErrorMessage> translate_error(const std::string& valijson_message);

}  // namespace apiserver::validate
