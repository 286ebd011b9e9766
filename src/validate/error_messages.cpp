#include "validate/error_messages.hpp"

#include <cstring>

namespace apiserver::validate {
namespace {

bool starts_with(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}

// "1.500000" -> "1.5", "3.000000" -> "3" (std::to_string writes six decimals).
std::string trim_number(std::string number) {
  size_t dot = number.find('.');
  if (dot == std::string::npos) return number;
  while (!number.empty() && number.back() == '0') number.pop_back();
  if (!number.empty() && number.back() == '.') number.pop_back();
  return number;
}

// The text between `prefix` and `suffix` of `message`, if it has that shape.
std::optional<std::string> between(const std::string& message, const char* prefix,
                                   const char* suffix) {
  size_t p = std::strlen(prefix);
  size_t s = std::strlen(suffix);
  if (message.size() < p + s || !starts_with(message, prefix) ||
      message.compare(message.size() - s, s, suffix) != 0)
    return std::nullopt;
  return message.substr(p, message.size() - p - s);
}

struct Rule {
  const char* prefix;
  const char* suffix;
  const char* before;  // the new message is before + value + after
  const char* after;
};

const Rule kRules[] = {
    {"String should be no fewer than ", " characters in length.", "must be at least ",
     " characters long"},
    {"String should be no more than ", " characters in length.", "must be at most ",
     " characters long"},
    {"Array should contain no fewer than ", " elements.", "must have at least ", " items"},
    {"Array should contain no more than ", " elements.", "must have at most ", " items"},
    {"Object should have no fewer than ", " properties.", "must have at least ", " properties"},
    {"Object should have no more than ", " properties.", "must have at most ", " properties"},
    {"Expected number greater than or equal to ", "", "must be >= ", ""},
    {"Expected number greater than ", "", "must be > ", ""},
    {"Expected number less than or equal to ", "", "must be <= ", ""},
    {"Expected number less than ", "", "must be < ", ""},
    {"Value should be a multiple of ", "", "must be a multiple of ", ""},
};

const char* const kRepeats[] = {
    "Failed to validate against schema associated with property name",
    "Failed to validate item #",
    "Failed to validate against child schema #",
    "Failed to validate against schema associated with pattern",
    "Failed to validate against additional properties schema",
    "Failed to validate against dependent schema",
};

}  // namespace

std::optional<ErrorMessage> translate_error(const std::string& message) {
  for (const char* prefix : kRepeats) {
    if (starts_with(message, prefix)) return std::nullopt;
  }
  if (auto property = between(message, "Missing required property '", "'."))
    return ErrorMessage{"is required", *property};
  if (auto property = between(message,
                              "Object contains a property that could not be validated using "
                              "'properties' or 'additionalProperties' constraints: '",
                              "'."))
    return ErrorMessage{"is not an allowed property", *property};
  if (auto property = between(message, "Missing dependency '", "'."))
    return ErrorMessage{"is required when the object has certain other properties", *property};
  for (const Rule& rule : kRules) {
    if (auto value = between(message, rule.prefix, rule.suffix))
      return ErrorMessage{std::string(rule.before) + trim_number(*value) + rule.after, ""};
  }
  if (starts_with(message, "Elements at indexes #"))
    return ErrorMessage{"must not contain duplicate items", ""};
  if (message == "Failed to match against any enum values.")
    return ErrorMessage{"must be one of the allowed values", ""};
  if (message == "Failed to match expected value set by 'const' constraint.")
    return ErrorMessage{"must equal the schema's constant", ""};
  if (message == "Failed to validate against any schemas allowed by anyOf constraint.")
    return ErrorMessage{"must match at least one of the allowed schemas (anyOf)", ""};
  if (message == "Failed to validate against exactly one child schema." ||
      message == "Failed to validate against any child schemas allowed by oneOf constraint.")
    return ErrorMessage{"must match exactly one of the allowed schemas (oneOf)", ""};
  if (starts_with(message, "Cannot validate item #") ||
      message == "Array contains more items than allowed by items constraint.")
    return ErrorMessage{"has more items than the schema allows", ""};
  if (message == "Failed to validate against a conditional schema set by if-then-else constraints.")
    return ErrorMessage{"does not satisfy the schema's if/then/else conditions", ""};
  if (starts_with(message, "Failed to any values against subschema in 'contains'"))
    return ErrorMessage{"must contain at least one matching item", ""};
  if (starts_with(message, "Object contains a property"))  // propertyNames and the like
    return ErrorMessage{"has a property name the schema does not allow", ""};
  // Our own constraints already speak in "must ..." form; anything else passes as it is.
  std::string detail = message;
  if (!detail.empty() && detail.back() == '.') detail.pop_back();
  return ErrorMessage{detail, ""};
}

}  // namespace apiserver::validate
