// The mock generator's mirror of the validator (see schema_matcher.hpp).
#include "mock/schema_matcher.hpp"

#include <cstdint>

#include "spec/schema_facts.hpp"
#include "text/utf8.hpp"
#include "validate/formats.hpp"

namespace apiserver::mock::detail {
namespace {

constexpr size_t kMatchBudget = 20000000;  // matcher steps before assuming "matches"
constexpr int kMatchDepth = 64;            // matcher recursion bound

}  // namespace

using spec::Document;
using spec::Json;
using spec::NodeRef;

SchemaMatcher::SchemaMatcher(const Document& document, Audience audience)
    : document_(document), audience_(audience) {}

SchemaMatcher::~SchemaMatcher() = default;

bool SchemaMatcher::pattern_matches(const std::string& pattern, const std::string& text) {
  auto it = patterns_.find(pattern);
  if (it == patterns_.end()) {
    std::string error;
    // Null when the pattern does not compile: the compiler refuses such documents, so only
    // keys the validator does not run through this engine get here; they constrain nothing.
    it = patterns_.emplace(pattern, validate::CompiledPattern::compile(pattern, error)).first;
  }
  return it->second == nullptr || it->second->search(text) == validate::PatternMatch::kMatch;
}

bool SchemaMatcher::hidden(const NodeRef& property_schema) {
  if (!property_schema.valid()) return false;
  Location key = location_of(property_schema);
  auto it = hidden_.find(key);
  if (it != hidden_.end()) return it->second;
  spec::SchemaFacts facts = spec::schema_facts(document_, property_schema);
  bool is_hidden = audience_ == Audience::kRequest ? facts.read_only : facts.write_only;
  hidden_.emplace(key, is_hidden);
  return is_hidden;
}

std::set<std::string> SchemaMatcher::required_names(const NodeRef& part) {
  std::set<std::string> out;
  NodeRef required = Document::child(part, "required");
  if (!required.valid() || !required.node->is_array()) return out;
  NodeRef properties = Document::child(part, "properties");
  for (const Json& name : *required.node) {
    if (!name.is_string()) continue;
    if (hidden(Document::child(properties, name.get<std::string>()))) continue;
    out.insert(name.get<std::string>());
  }
  return out;
}

bool SchemaMatcher::match(const Value& value, const NodeRef& schema, int depth) {
  if (depth > kMatchDepth || ++match_steps_ > kMatchBudget) return true;
  if (!schema.valid()) return true;
  if (schema.node->is_boolean()) return schema.node->get<bool>() || reject(schema, "false schema");
  if (!schema.node->is_object()) return true;
  auto ref = schema.node->find("$ref");
  if (ref != schema.node->end() && ref->is_string()) {
    std::optional<NodeRef> target = document_.resolve(*schema.file, ref->get<std::string>());
    if (target && !match(value, *target, depth + 1)) return false;
    // OpenAPI 3.0 ignores keywords beside $ref; 3.1 applies them.
    if (!document_.is_v31()) return true;
  }
  return match_keywords(value, schema, depth, false);
}

bool SchemaMatcher::match_all(const Value& value, const std::vector<NodeRef>& parts,
                              const std::vector<NodeRef>& negations, bool shallow) {
  for (const NodeRef& part : parts) {
    if (!match_keywords(value, part, 0, shallow)) return false;
  }
  for (const NodeRef& negation : negations) {
    if (match(value, negation)) return reject(negation, "not");
  }
  return true;
}

// The keywords of `node` itself ($ref is the caller's business). `shallow` skips subschemas:
// used on a value whose parts were each built against their own schemas already.
bool SchemaMatcher::match_keywords(const Value& value, const NodeRef& node, int depth,
                                   bool shallow) {
  if (!node.valid() || !node.node->is_object()) return true;
  const Json& s = *node.node;
  if (s.contains("type") && !(declared_types(s) & value_bits(value))) return reject(node, "type");
  if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
    bool found = value.is_null() && flag(s, "nullable");
    for (const Json& option : *e) found = found || same_value(option, value);
    if (!found) return reject(node, "enum");
  }
  if (auto c = s.find("const"); c != s.end() && !same_value(*c, value))
    return reject(node, "const");
  std::string format = text_at(s, "format");

  if (value.is_number()) {
    double v = value.get<double>();
    // 3.0 writes exclusive bounds as booleans beside minimum/maximum; 3.1 as numbers.
    auto lower = number_at(s, "minimum");
    auto upper = number_at(s, "maximum");
    bool lower_exclusive = flag(s, "exclusiveMinimum");
    bool upper_exclusive = flag(s, "exclusiveMaximum");
    if (lower && (lower_exclusive ? v <= *lower : v < *lower)) return reject(node, "minimum");
    if (upper && (upper_exclusive ? v >= *upper : v > *upper)) return reject(node, "maximum");
    if (auto x = number_at(s, "exclusiveMinimum"); x && v <= *x)
      return reject(node, "exclusiveMinimum");
    if (auto x = number_at(s, "exclusiveMaximum"); x && v >= *x)
      return reject(node, "exclusiveMaximum");
    if (auto m = s.find("multipleOf"); m != s.end() && !is_multiple(value, *m))
      return reject(node, "multipleOf");
    if (!format.empty() && validate::format_kind(format) == validate::FormatKind::kNumber) {
      bool is_integer = value.is_number_integer() || value.is_number_unsigned();
      long long as_int = value.is_number_integer() ? value.get<long long>() : 0;
      if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
        is_integer = false;
      else if (value.is_number_unsigned())
        as_int = static_cast<long long>(value.get<uint64_t>());
      if (validate::check_number_format(format, is_integer, as_int, v))
        return reject(node, "format");
    }
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    size_t length = text::code_point_count(text);
    if (auto n = count_at(s, "minLength"); n && length < *n) return reject(node, "minLength");
    if (auto n = count_at(s, "maxLength"); n && length > *n) return reject(node, "maxLength");
    if (auto p = s.find("pattern"); p != s.end() && p->is_string()) {
      if (!pattern_matches(p->get<std::string>(), text)) return reject(node, "pattern");
    }
    if (!format.empty() && validate::check_string_format(format, text))
      return reject(node, "format");
  } else if (value.is_array()) {
    if (auto n = count_at(s, "minItems"); n && value.size() < *n) return reject(node, "minItems");
    if (auto n = count_at(s, "maxItems"); n && value.size() > *n) return reject(node, "maxItems");
    if (flag(s, "uniqueItems")) {
      for (size_t i = 0; i < value.size(); ++i) {
        for (size_t j = i + 1; j < value.size(); ++j) {
          if (same_value(value[i], value[j])) return reject(node, "uniqueItems");
        }
      }
    }
    if (!shallow) {
      NodeRef items = Document::child(node, "items");
      NodeRef prefix = Document::child(node, "prefixItems");
      NodeRef rest;
      size_t tuple = 0;
      if (prefix.valid() && prefix.node->is_array()) {
        tuple = prefix.node->size();
        rest = items;
      } else if (items.valid() && items.node->is_array()) {
        prefix = items;
        tuple = items.node->size();
        rest = Document::child(node, "additionalItems");
      } else {
        rest = items;
        prefix = NodeRef();
      }
      for (size_t i = 0; i < value.size(); ++i) {
        NodeRef item_schema = i < tuple ? Document::item(prefix, i) : rest;
        if (!match(value[i], item_schema, depth + 1)) return false;
      }
      NodeRef contained = Document::child(node, "contains");
      if (contained.valid()) {
        bool any = false;
        for (size_t i = 0; i < value.size() && !any; ++i)
          any = match(value[i], contained, depth + 1);
        if (!any) return reject(node, "contains");
      }
    } else if (auto items = s.find("items"); items != s.end() && items->is_boolean() &&
                                             !items->get<bool>() && !s.contains("prefixItems") &&
                                             !value.empty()) {
      return reject(node, "items");
    }
  } else if (value.is_object()) {
    if (auto n = count_at(s, "minProperties"); n && value.size() < *n)
      return reject(node, "minProperties");
    if (auto n = count_at(s, "maxProperties"); n && value.size() > *n)
      return reject(node, "maxProperties");
    for (const std::string& name : required_names(node)) {
      if (!value.contains(name)) return reject(node, "required");
    }
    for (const char* key : {"dependentRequired", "dependencies"}) {
      auto deps = s.find(key);
      if (deps == s.end() || !deps->is_object()) continue;
      for (const auto& [name, needed] : deps->items()) {
        if (!value.contains(name)) continue;
        if (needed.is_array()) {
          for (const Json& other : needed) {
            if (other.is_string() && !value.contains(other.get<std::string>()))
              return reject(node, key);
          }
        } else if (!shallow &&
                   !match(value, Document::child(Document::child(node, key), name), depth + 1)) {
          return false;
        }
      }
    }
    NodeRef properties = Document::child(node, "properties");
    NodeRef patterns = Document::child(node, "patternProperties");
    NodeRef additional = Document::child(node, "additionalProperties");
    NodeRef names = Document::child(node, "propertyNames");
    for (const auto& [name, member] : value.items()) {
      NodeRef declared = Document::child(properties, name);
      bool covered = declared.valid();
      if (declared.valid() && !shallow && !match(member, declared, depth + 1)) return false;
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          if (!pattern_matches(pattern, name)) continue;
          covered = true;
          if (!shallow && !match(member, Document::child(patterns, pattern), depth + 1))
            return false;
        }
      }
      if (!covered && additional.valid()) {
        if (additional.node->is_boolean() && !additional.node->get<bool>())
          return reject(node, "additionalProperties");
        if (!shallow && !match(member, additional, depth + 1)) return false;
      }
      if (names.valid() && !shallow && !match(Value(name), names, depth + 1)) return false;
    }
  }
  if (shallow) return true;

  if (auto all = Document::child(node, "allOf"); all.valid() && all.node->is_array()) {
    for (size_t i = 0; i < all.node->size(); ++i) {
      if (!match(value, Document::item(all, i), depth + 1)) return false;
    }
  }
  if (auto any = Document::child(node, "anyOf");
      any.valid() && any.node->is_array() && !any.node->empty()) {
    bool found = false;
    for (size_t i = 0; i < any.node->size() && !found; ++i)
      found = match(value, Document::item(any, i), depth + 1);
    if (!found) return reject(node, "anyOf");
  }
  if (auto one = Document::child(node, "oneOf");
      one.valid() && one.node->is_array() && !one.node->empty()) {
    size_t matched = 0;
    for (size_t i = 0; i < one.node->size() && matched < 2; ++i)
      matched += match(value, Document::item(one, i), depth + 1) ? 1 : 0;
    if (matched != 1) return reject(node, "oneOf");
  }
  if (auto negated = Document::child(node, "not");
      negated.valid() && match(value, negated, depth + 1))
    return reject(node, "not");
  if (auto condition = Document::child(node, "if"); condition.valid()) {
    NodeRef branch = Document::child(node, match(value, condition, depth + 1) ? "then" : "else");
    if (branch.valid() && !match(value, branch, depth + 1)) return false;
  }
  return true;
}

}  // namespace apiserver::mock::detail
