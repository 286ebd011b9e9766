// The quick check of simple schemas (see quick_check.hpp).
#include "validate/quick_check.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spec/json_pointer.hpp"
#include "text/utf8.hpp"
#include "validate/formats.hpp"
#include "validate/json_types.hpp"
#include "validate/keywords.hpp"
#include "validate/pattern_engine.hpp"

namespace apiserver::validate {
namespace {

// Deeper values are left to valijson.
constexpr int kMaxDepth = 64;

// Keywords that say nothing about validity.
bool is_annotation(const std::string& key) {
  static const char* const kAnnotations[] = {"title",      "description", "default",
                                             "examples",   "readOnly",    "writeOnly",
                                             "deprecated", "$comment",    "$schema"};
  return std::any_of(std::begin(kAnnotations), std::end(kAnnotations),
                     [&](const char* name) { return key == name; });
}

std::optional<uint64_t> count_of(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0)
    return static_cast<uint64_t>(value.get<int64_t>());
  return std::nullopt;
}

}  // namespace

struct QuickCheck::Node {
  bool never = false;  // the schema `false`
  unsigned types = kAllTypes;
  std::optional<uint64_t> min_length, max_length;
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::vector<std::pair<std::string, const Node*>> properties;  // sorted by name
  std::vector<std::string> required;
  bool closed = false;  // additionalProperties: false
  const Node* items = nullptr;
  std::optional<uint64_t> min_items, max_items;
  std::vector<const Node*> all_of;  // $ref and allOf
  std::vector<std::shared_ptr<const CompiledPattern>> patterns;
  std::string type_description;  // "an integer or null", as the type error says it
  bool by_ref = false;           // all_of holds a $ref's target
  size_t keywords = 0;           // keywords that constrain (not annotations)
  std::optional<std::string> format;
  FormatKind format_kind = FormatKind::kUnchecked;
  // `enum` of strings (and null): the values allowed, sorted. Absent: no enum.
  std::optional<std::vector<std::string>> enum_strings;
  bool enum_null = false;

  // False when `value` is invalid, or (`deep` then set) nests past kMaxDepth.
  bool check(const nlohmann::json& value, int depth, bool& deep) const;
  // See QuickCheck::explain; `pointer` is where `value` sits (restored on return).
  bool explain(const nlohmann::json& value, std::string& pointer, int depth,
               std::vector<Finding>& out) const;
  void explain_number(double d, const std::string& pointer, std::vector<Finding>& out) const;
  // The schema of the declared property `name`, else null.
  const Node* property(const std::string& name) const {
    auto it = std::lower_bound(properties.begin(), properties.end(), name,
                               [](const std::pair<std::string, const Node*>& p,
                                  const std::string& k) { return p.first < k; });
    return it != properties.end() && it->first == name ? it->second : nullptr;
  }
  // The enum check (true without an enum).
  bool enum_allows(const nlohmann::json& value) const {
    if (!enum_strings) return true;
    if (value.is_null()) return enum_null;
    return value.is_string() && std::binary_search(enum_strings->begin(), enum_strings->end(),
                                                   value.get_ref<const std::string&>());
  }
  // What a numeric `format` finds wrong with the number `value`, if anything.
  std::optional<std::string> number_format_problem(const nlohmann::json& value) const;
  bool explain_object(const nlohmann::json& value, std::string& pointer, int depth,
                      std::vector<Finding>& out) const;
  bool type_matches(const nlohmann::json& value) const;
};

// Builds nodes from the draft-7 document; fails (returns null) at the first keyword it does
// not know.
class QuickCheck::Builder {
 public:
  Builder(QuickCheck& check, const nlohmann::json& document)
      : check_(check), definitions_(document.find("definitions")), end_(document.end()) {}

  Node* build(const nlohmann::json& schema, bool root) {
    auto node = std::make_unique<Node>();
    Node* made = node.get();
    check_.nodes_.push_back(std::move(node));
    return fill(*made, schema, root) ? made : nullptr;
  }

 private:
  bool fill(Node& node, const nlohmann::json& schema, bool root) {
    if (schema.is_boolean()) {
      node.never = !schema.get<bool>();
      return true;
    }
    if (!schema.is_object()) return false;
    for (const auto& [key, value] : schema.items()) {
      if (!keyword(node, key, value, root)) return false;
    }
    std::sort(node.properties.begin(), node.properties.end());
    return true;
  }

  bool keyword(Node& node, const std::string& key, const nlohmann::json& value, bool root) {
    if (is_annotation(key)) return true;
    if (key == "definitions") return root;  // reached through $ref
    ++node.keywords;
    if (key == kTypeKeyword) return types(node, value);
    if (key == kMinLengthKeyword) return (node.min_length = count_of(value)).has_value();
    if (key == kMaxLengthKeyword) return (node.max_length = count_of(value)).has_value();
    if (key == "minItems") return (node.min_items = count_of(value)).has_value();
    if (key == "maxItems") return (node.max_items = count_of(value)).has_value();
    if (key == "minimum") return bound(node.minimum, value);
    if (key == "maximum") return bound(node.maximum, value);
    if (key == "exclusiveMinimum") return bound(node.exclusive_minimum, value);
    if (key == "exclusiveMaximum") return bound(node.exclusive_maximum, value);
    if (key == "required") {
      if (!value.is_array()) return false;
      for (const auto& name : value) {
        if (!name.is_string()) return false;
        node.required.push_back(name.get<std::string>());
      }
      // As valijson keeps them (a set): its errors name the missing ones in this order.
      std::sort(node.required.begin(), node.required.end());
      node.required.erase(std::unique(node.required.begin(), node.required.end()),
                          node.required.end());
      return true;
    }
    if (key == "additionalProperties") {
      if (!value.is_boolean()) return false;
      node.closed = !value.get<bool>();
      return true;
    }
    if (key == "properties") {
      if (!value.is_object()) return false;
      for (const auto& [name, schema] : value.items()) {
        const Node* child = build(schema, false);
        if (child == nullptr) return false;
        node.properties.emplace_back(name, child);
      }
      return true;
    }
    if (key == "items") {
      if (!value.is_object() && !value.is_boolean()) return false;  // not the tuple form
      return (node.items = build(value, false)) != nullptr;
    }
    if (key == "allOf") {
      if (!value.is_array()) return false;
      for (const auto& schema : value) {
        const Node* part = build(schema, false);
        if (part == nullptr) return false;
        node.all_of.push_back(part);
      }
      return true;
    }
    if (key == "$ref") return reference(node, value);
    if (key == kPatternKeyword) {
      std::string error;
      auto pattern =
          value.is_string() ? CompiledPattern::compile(value.get<std::string>(), error) : nullptr;
      if (pattern == nullptr) return false;
      node.patterns.push_back(std::move(pattern));
      return true;
    }
    if (key == kFormatKeyword) {
      if (!value.is_string()) return false;
      node.format = value.get<std::string>();
      node.format_kind = validate::format_kind(*node.format);
      return true;
    }
    if (key == "enum") return enumeration(node, value);
    return false;
  }

  // Strings and null only: equality is then plain, whatever valijson's rules for numbers.
  static bool enumeration(Node& node, const nlohmann::json& value) {
    if (!value.is_array()) return false;
    std::vector<std::string> strings;
    for (const auto& item : value) {
      if (item.is_null()) {
        node.enum_null = true;
      } else if (item.is_string()) {
        strings.push_back(item.get<std::string>());
      } else {
        return false;
      }
    }
    std::sort(strings.begin(), strings.end());
    node.enum_strings = std::move(strings);
    return true;
  }

  bool types(Node& node, const nlohmann::json& value) {
    node.types = 0;
    std::vector<std::string> names;
    auto add = [&](const nlohmann::json& name) {
      unsigned bit = name.is_string() ? json_type_bit(name.get<std::string>()) : 0;
      node.types |= bit;
      if (bit != 0) names.push_back(name.get<std::string>());
      return bit != 0;
    };
    if (!(value.is_array() ? std::all_of(value.begin(), value.end(), add) : add(value)))
      return false;
    node.type_description = type_description(names);
    return true;
  }

  static bool bound(std::optional<double>& out, const nlohmann::json& value) {
    if (!value.is_number()) return false;
    out = value.get<double>();
    return true;
  }

  // "#/definitions/NAME" only: the form the translator writes. A definition is built once,
  // and may refer to itself.
  bool reference(Node& node, const nlohmann::json& value) {
    constexpr std::string_view kPrefix = "#/definitions/";
    if (!value.is_string() || definitions_ == end_) return false;
    const std::string& ref = value.get_ref<const std::string&>();
    if (ref.compare(0, kPrefix.size(), kPrefix) != 0) return false;
    std::string name = ref.substr(kPrefix.size());
    if (name.find_first_of("/~%") != std::string::npos) return false;
    node.by_ref = true;
    auto known = built_.find(name);
    if (known != built_.end()) {
      node.all_of.push_back(known->second);
      return true;
    }
    auto target = definitions_->find(name);
    if (target == definitions_->end()) return false;
    auto made = std::make_unique<Node>();
    Node* definition = made.get();
    check_.nodes_.push_back(std::move(made));
    built_.emplace(name, definition);
    node.all_of.push_back(definition);
    return fill(*definition, *target, false);
  }

  QuickCheck& check_;
  nlohmann::json::const_iterator definitions_;
  nlohmann::json::const_iterator end_;
  std::map<std::string, const Node*> built_;
};

QuickCheck::QuickCheck() = default;
QuickCheck::~QuickCheck() = default;

std::unique_ptr<const QuickCheck> QuickCheck::build(const nlohmann::json& draft7) {
  std::unique_ptr<QuickCheck> check(new QuickCheck());
  Builder builder(*check, draft7);
  check->root_ = builder.build(draft7, true);
  if (check->root_ == nullptr) return nullptr;
  return check;
}

QuickCheck::Verdict QuickCheck::check(const nlohmann::json& value) const {
  bool deep = false;
  if (root_->check(value, 0, deep)) return Verdict::kValid;
  return deep ? Verdict::kUnsure : Verdict::kInvalid;
}

// As the `type` constraint of custom_constraints.cpp: an integral number is an integer.
bool QuickCheck::Node::type_matches(const nlohmann::json& value) const {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return types & kNullBit;
    case nlohmann::json::value_t::boolean:
      return types & kBooleanBit;
    case nlohmann::json::value_t::string:
      return types & kStringBit;
    case nlohmann::json::value_t::array:
      return types & kArrayBit;
    case nlohmann::json::value_t::object:
      return types & kObjectBit;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return types & (kIntegerBit | kNumberBit);
    case nlohmann::json::value_t::number_float: {
      if (types & kNumberBit) return true;
      double d = value.get<double>();
      return (types & kIntegerBit) && std::isfinite(d) && std::floor(d) == d;
    }
    default:
      return false;
  }
}

bool QuickCheck::Node::check(const nlohmann::json& value, int depth, bool& deep) const {
  if (depth > kMaxDepth) {
    deep = true;
    return false;
  }
  if (never) return false;
  if (types != kAllTypes && !type_matches(value)) return false;
  for (const Node* part : all_of) {
    if (!part->check(value, depth + 1, deep)) return false;
  }
  if (!enum_allows(value)) return false;
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (min_length || max_length) {
      size_t length = text::code_point_count(text);
      if (min_length && length < *min_length) return false;
      if (max_length && length > *max_length) return false;
    }
    for (const auto& pattern : patterns) {
      if (pattern->search(text) != PatternMatch::kMatch) return false;
    }
    if (format_kind == FormatKind::kString && check_string_format(*format, text)) return false;
  } else if (value.is_number()) {
    double d = value.get<double>();
    if (minimum && d < *minimum) return false;
    if (maximum && d > *maximum) return false;
    if (exclusive_minimum && d <= *exclusive_minimum) return false;
    if (exclusive_maximum && d >= *exclusive_maximum) return false;
    if (number_format_problem(value)) return false;
  } else if (value.is_object()) {
    for (const std::string& name : required) {
      if (!value.contains(name)) return false;
    }
    for (const auto& [key, child] : value.items()) {
      if (const Node* declared = property(key)) {
        if (!declared->check(child, depth + 1, deep)) return false;
      } else if (closed) {
        return false;
      }
    }
  } else if (value.is_array()) {
    if (min_items && value.size() < *min_items) return false;
    if (max_items && value.size() > *max_items) return false;
    if (items != nullptr) {
      for (const auto& item : value) {
        if (!items->check(item, depth + 1, deep)) return false;
      }
    }
  }
  return true;
}

std::optional<std::string> QuickCheck::Node::number_format_problem(
    const nlohmann::json& value) const {
  if (format_kind != FormatKind::kNumber || !value.is_number()) return std::nullopt;
  // As the format constraint reads a number through valijson's adapter: unsigned values above
  // INT64_MAX are not integers there.
  double d = value.get<double>();
  bool is_integer = value.is_number_integer();
  long long as_int = is_integer ? value.get<int64_t>() : 0;
  if (is_integer && as_int < 0 && d > 0) is_integer = false;
  return check_number_format(*format, is_integer, as_int, d);
}

bool QuickCheck::explain(const nlohmann::json& value, std::vector<Finding>& out) const {
  std::string pointer;
  return root_->explain(value, pointer, 0, out);
}

// valijson's order: a subschema's constraints as its parser adds them (allOf, enum, items,
// exclusiveMaximum, maximum, maxItems, exclusiveMinimum, minimum, minItems, properties,
// required), then the custom ones as custom_constraints.cpp registers them (pattern, format,
// type, minLength, maxLength). Each failing constraint says so; a passing one says nothing.
bool QuickCheck::Node::explain(const nlohmann::json& value, std::string& pointer, int depth,
                               std::vector<Finding>& out) const {
  if (depth > kMaxDepth || never) return false;
  if (by_ref) {
    // valijson takes a $ref's target for the subschema itself; the translator writes no
    // keyword beside it.
    if (keywords != 1 || all_of.size() != 1) return false;
    return all_of.front()->explain(value, pointer, depth + 1, out);
  }
  // allOf stops at its first failing part, even when collecting errors.
  for (const Node* part : all_of) {
    size_t before = out.size();
    if (!part->explain(value, pointer, depth + 1, out)) return false;
    if (out.size() != before) break;
  }
  if (!enum_allows(value)) out.push_back({pointer, "Failed to match against any enum values."});
  if (value.is_array()) {
    if (items != nullptr) {
      for (size_t i = 0; i < value.size(); ++i) {
        size_t length = pointer.size();
        pointer += '/';
        pointer += std::to_string(i);
        bool told = items->explain(value[i], pointer, depth + 1, out);
        pointer.resize(length);
        if (!told) return false;
      }
    }
    if (max_items && value.size() > *max_items)
      out.push_back({pointer, "Array should contain no more than " + std::to_string(*max_items) +
                                  " elements."});
    if (min_items && value.size() < *min_items)
      out.push_back({pointer, "Array should contain no fewer than " + std::to_string(*min_items) +
                                  " elements."});
  } else if (value.is_number()) {
    explain_number(value.get<double>(), pointer, out);
  } else if (value.is_object()) {
    if (!explain_object(value, pointer, depth, out)) return false;
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    for (const auto& pattern : patterns) {
      PatternMatch match = pattern->search(text);
      if (match == PatternMatch::kLimitExceeded) return false;  // valijson notes the limit hit
      if (match != PatternMatch::kMatch)
        out.push_back({pointer, "must match the pattern " + pattern->source()});
    }
    if (format_kind == FormatKind::kString) {
      if (auto problem = check_string_format(*format, text)) out.push_back({pointer, *problem});
    }
  } else if (auto problem = number_format_problem(value)) {
    out.push_back({pointer, *problem});
  }
  if (types != kAllTypes && !type_matches(value))
    out.push_back({pointer, "must be " + type_description});
  if (value.is_string() && (min_length || max_length)) {
    size_t length = text::code_point_count(value.get_ref<const std::string&>());
    if (min_length && length < *min_length)
      out.push_back(
          {pointer, "must be at least " + std::to_string(*min_length) + " characters long"});
    if (max_length && length > *max_length)
      out.push_back(
          {pointer, "must be at most " + std::to_string(*max_length) + " characters long"});
  }
  return true;
}

// Bounds written as valijson writes them (std::to_string of a double).
void QuickCheck::Node::explain_number(double d, const std::string& pointer,
                                      std::vector<Finding>& out) const {
  if (exclusive_maximum && d >= *exclusive_maximum)
    out.push_back({pointer, "Expected number less than " + std::to_string(*exclusive_maximum)});
  if (maximum && d > *maximum)
    out.push_back({pointer, "Expected number less than or equal to " + std::to_string(*maximum)});
  if (exclusive_minimum && d <= *exclusive_minimum)
    out.push_back({pointer, "Expected number greater than " + std::to_string(*exclusive_minimum)});
  if (minimum && d < *minimum)
    out.push_back(
        {pointer, "Expected number greater than or equal to " + std::to_string(*minimum)});
}

bool QuickCheck::Node::explain_object(const nlohmann::json& value, std::string& pointer, int depth,
                                      std::vector<Finding>& out) const {
  // properties and additionalProperties are one constraint: the declared properties in name
  // order, then the first member (in name order) that none declares.
  for (const auto& [name, child] : properties) {
    auto member = value.find(name);
    if (member == value.end()) continue;
    size_t length = pointer.size();
    pointer = spec::append_pointer(pointer, name);
    bool told = child->explain(*member, pointer, depth + 1, out);
    pointer.resize(length);
    if (!told) return false;
  }
  if (closed) {
    for (const auto& member : value.items()) {
      const std::string& key = member.key();
      if (property(key) == nullptr) {
        out.push_back({pointer,
                       "Object contains a property that could not be validated using "
                       "'properties' or 'additionalProperties' constraints: '" +
                           key + "'."});
        break;
      }
    }
  }
  for (const std::string& name : required) {
    if (!value.contains(name))
      out.push_back({pointer, "Missing required property '" + name + "'."});
  }
  return true;
}

}  // namespace apiserver::validate
