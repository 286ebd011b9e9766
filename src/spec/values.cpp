#include "spec/values.hpp"

#include <cctype>

namespace apiserver::spec {

bool bool_field(const Json& object, const char* key, bool fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string string_field(const Json& object, const char* key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

void check_keys(const Document& document, const NodeRef& node, const std::set<std::string>& known,
                Diagnostics& diagnostics) {
  for (const auto& [key, value] : node.node->items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    diagnostics.add(document.at(Document::child(node, key), Diagnostic::Severity::kError,
                                "unknown setting '" + key + "' (known: " + list + ")"));
  }
}

bool parse_duration(const Json& value, std::chrono::milliseconds& out) {
  if (value.is_number_integer() && value.get<long long>() >= 0) {
    out = std::chrono::milliseconds(value.get<long long>());
    return true;
  }
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  size_t i = 0;
  long long number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
         number < 100'000'000)
    number = number * 10 + (text[i++] - '0');
  if (i == 0) return false;
  std::string unit = text.substr(i);
  if (unit == "ms") {
    out = std::chrono::milliseconds(number);
  } else if (unit == "s") {
    out = std::chrono::milliseconds(number * 1000);
  } else if (unit == "m") {
    out = std::chrono::milliseconds(number * 60'000);
  } else if (unit == "h") {
    out = std::chrono::milliseconds(number * 3'600'000);
  } else if (unit == "d") {
    out = std::chrono::milliseconds(number * 86'400'000);
  } else {
    return false;
  }
  return true;
}

bool parse_byte_size(const Json& value, size_t& out) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() > 0)) {
    out = value.get<size_t>();
    return true;
  }
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  size_t i = 0;
  unsigned long long number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    number = number * 10 + static_cast<unsigned>(text[i] - '0');
    if (number > (1ull << 40)) return false;
    ++i;
  }
  if (i == 0) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned long long factor = 0;
  if (unit.empty() || unit == "b")
    factor = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k")
    factor = 1024;
  else if (unit == "mb" || unit == "mib" || unit == "m")
    factor = 1024 * 1024;
  else if (unit == "gb" || unit == "gib" || unit == "g")
    factor = 1024ull * 1024 * 1024;
  else
    return false;
  if (number > (1ull << 40) / factor) return false;  // 1 TiB is more than any body
  out = static_cast<size_t>(number * factor);
  return out > 0;
}

}  // namespace apiserver::spec
