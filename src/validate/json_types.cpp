#include "validate/json_types.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace apiserver::validate {

unsigned json_type_bit(const std::string& name) {
  if (name == "null") return kNullBit;
  if (name == "boolean") return kBooleanBit;
  if (name == "integer") return kIntegerBit;
  if (name == "number") return kNumberBit;
  if (name == "string") return kStringBit;
  if (name == "array") return kArrayBit;
  if (name == "object") return kObjectBit;
  return 0;
}

std::string type_description(const std::vector<std::string>& names) {
  static const char* const kNames[] = {"null",   "boolean", "integer", "number",
                                       "string", "array",   "object"};
  static const char* const kArticles[] = {"null",     "a boolean", "an integer", "a number",
                                          "a string", "an array",  "an object"};
  std::string description;
  for (size_t i = 0; i < names.size(); ++i) {
    auto known = std::find(std::begin(kNames), std::end(kNames), names[i]);
    if (known == std::end(kNames)) return "";
    if (i > 0) description += i + 1 == names.size() ? " or " : ", ";
    description += kArticles[known - std::begin(kNames)];
  }
  return description;
}

namespace {

// Sorted, as the message lists them.
constexpr std::array<const char*, 7> kTypeNames = {"array",  "boolean", "integer", "null",
                                                   "number", "object",  "string"};

// Levenshtein distance, case-insensitive: the names are short, so the plain table is cheap.
size_t edit_distance(const std::string& a, const std::string& b) {
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The one type name within two edits of `written` (and closer than any other), else empty.
// Two edits cover a dropped, doubled or swapped letter and a wrong case ("Integer").
std::string closest_type_name(const std::string& written) {
  constexpr size_t kMaxEdits = 2;
  std::string best;
  size_t best_distance = kMaxEdits + 1;
  bool tied = false;
  for (const char* name : kTypeNames) {
    size_t distance = edit_distance(written, name);
    if (distance < best_distance) {
      best = name;
      best_distance = distance;
      tied = false;
    } else if (distance == best_distance) {
      tied = true;
    }
  }
  return tied ? std::string() : best;
}

}  // namespace

bool is_json_type_name(const std::string& name) {
  return std::any_of(kTypeNames.begin(), kTypeNames.end(),
                     [&](const char* known) { return name == known; });
}

std::string unknown_type_message(const spec::Json& value) {
  std::string listed;
  for (const char* name : kTypeNames) listed += (listed.empty() ? "" : ", ") + std::string(name);
  if (!value.is_string()) {
    std::string written = value.dump();
    if (written.size() > 40) written = written.substr(0, 40) + "...";
    return "type " + written + " is not a JSON Schema type name (one of: " + listed + ")";
  }
  const std::string& written = value.get_ref<const std::string&>();
  std::string message = "type '" + written + "' is not a JSON Schema type";
  std::string suggestion = closest_type_name(written);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  return message + " (one of: " + listed + ")";
}

}  // namespace apiserver::validate
