// Schema keyword and JSON value helpers of the mock generator (see schema_helpers.hpp).
#include "mock/schema_helpers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace apiserver::mock::detail {

using spec::Json;
using spec::NodeRef;

bool same_value(const Value& a, const Value& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, member] : a.items()) {
      auto it = b.find(key);
      if (it == b.end() || !same_value(member, *it)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_value(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

bool contains_value(const std::vector<Value>& values, const Value& value) {
  return std::any_of(values.begin(), values.end(),
                     [&](const Value& v) { return same_value(v, value); });
}

Location location_of(const NodeRef& node) {
  return {node.file, node.pointer};
}

std::optional<double> number_at(const Json& schema, const char* key) {
  auto it = schema.find(key);
  if (it == schema.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

bool flag(const Json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

std::string text_at(const Json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<size_t> count_at(const Json& schema, const char* key) {
  std::optional<double> n = number_at(schema, key);
  if (!n || !(*n >= 0)) return std::nullopt;
  return *n >= static_cast<double>(kMaxCount) * 10 ? kMaxCount * 10 : static_cast<size_t>(*n);
}

unsigned type_bit(const std::string& name) {
  const unsigned bit = validate::json_type_bit(name);
  return bit == kNumberBit ? kNumberBit | kIntegerBit : bit;  // integers are numbers too
}

unsigned value_bits(const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
      return kNullBit;
    case Value::value_t::boolean:
      return kBooleanBit;
    case Value::value_t::string:
      return kStringBit;
    case Value::value_t::array:
      return kArrayBit;
    case Value::value_t::object:
      return kObjectBit;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return kIntegerBit | kNumberBit;
    case Value::value_t::number_float: {
      double d = value.get<double>();
      return std::isfinite(d) && std::floor(d) == d ? kIntegerBit | kNumberBit : kNumberBit;
    }
    default:
      return 0;
  }
}

unsigned declared_types(const Json& schema) {
  auto type = schema.find("type");
  if (type == schema.end()) return kAllTypes;
  unsigned bits = 0;
  if (type->is_string()) {
    bits = type_bit(type->get<std::string>());
  } else if (type->is_array()) {
    for (const Json& t : *type) {
      if (t.is_string()) bits |= type_bit(t.get<std::string>());
    }
  }
  if (bits == 0) return kAllTypes;  // malformed: the translator reports it, nothing enforced
  if (flag(schema, "nullable")) bits |= kNullBit;
  return bits;
}

bool is_multiple(const Value& value, const Json& divisor) {
  if (!divisor.is_number()) return true;
  // Integers that fit are divided exactly; a float value, or one past int64, as doubles (a
  // cast of a double out of int64's range would be undefined).
  if ((divisor.is_number_integer() || divisor.is_number_unsigned()) && !value.is_number_float() &&
      !(value.is_number_unsigned() && value.get<uint64_t>() > INT64_MAX) &&
      !(divisor.is_number_unsigned() && divisor.get<uint64_t>() > INT64_MAX)) {
    int64_t d = divisor.get<int64_t>();
    if (d == 0) return true;
    if (d == -1) return true;  // INT64_MIN % -1 overflows; everything is a multiple of -1
    int64_t i = value.get<int64_t>();
    return i == 0 || i % d == 0;
  }
  double d = divisor.get<double>();
  double v = value.get<double>();
  if (d == 0 || v == 0) return true;
  return std::fabs(std::remainder(v, d)) <= std::numeric_limits<double>::epsilon();
}

std::string component_of(const NodeRef& target) {
  const std::string prefix = "/components/schemas/";
  if (target.pointer.rfind(prefix, 0) != 0) return {};
  std::string name = target.pointer.substr(prefix.size());
  if (name.find('/') != std::string::npos) return {};
  // Unescape ~1 and ~0 of the pointer token.
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '~' && i + 1 < name.size()) {
      out += name[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += name[i];
    }
  }
  return out;
}

}  // namespace apiserver::mock::detail
