// The translation itself (see schema_translator.hpp for what it does). Over 400 lines on
// purpose: one recursive walk over the Schema Object, one branch per keyword family, which
// reads best in one place; the pattern and format engines it hands keywords to live apart.
#include "validate/schema_translator.hpp"

#include <deque>
#include <regex>

#include "spec/json_pointer.hpp"
#include "spec/schema_facts.hpp"
#include "spec/values.hpp"
#include "validate/formats.hpp"
#include "validate/json_types.hpp"
#include "validate/keywords.hpp"
#include "validate/pattern_engine.hpp"

namespace apiserver::validate {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::Json;
using spec::NodeRef;
using spec::schema_facts;
using spec::SchemaFacts;

// Keywords that only annotate: dropped from the validating schema.
const std::set<std::string>& annotation_keywords() {
  static const std::set<std::string> kAnnotations = {
      "title",           "description", "default",   "example",     "examples",
      "deprecated",      "readOnly",    "writeOnly", "xml",         "externalDocs",
      "discriminator",   "$comment",    "$schema",   "$id",         "contentMediaType",
      "contentEncoding", "nullable",    "$defs",     "definitions", "$anchor",
      "$dynamicAnchor",  "$vocabulary",
  };
  return kAnnotations;
}

// Copied as they are: draft 7 means the same by them.
const std::set<std::string>& passthrough_keywords() {
  static const std::set<std::string> kPassthrough = {
      "const",    "enum",        "multipleOf",    "maxLength",     "minLength", "maxItems",
      "minItems", "uniqueItems", "maxProperties", "minProperties", "maximum",   "minimum",
  };
  return kPassthrough;
}

// Draft 7 cannot express these; they are reported and not enforced.
const std::set<std::string>& unsupported_keywords() {
  static const std::set<std::string> kUnsupported = {
      "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef",
      "$recursiveAnchor",      "minContains",      "maxContains", "contentSchema",
  };
  return kUnsupported;
}

bool is_extension(const std::string& key) {
  return key.rfind("x-", 0) == 0;
}

// True for a quantified group that itself repeats, or alternates between
// branches longer than one atom, as in "^(a+)+$" or "(a|ab)*": std::regex
// backtracks exponentially on such patterns. valijson matches
// patternProperties with std::regex against property names a client chooses,
// so these patterns are refused.
bool may_backtrack_exponentially(const std::string& pattern) {
  struct Group {
    bool repeats_inside = false;
    bool alternates = false;
    size_t branch_atoms = 0;
    size_t longest_branch = 0;
  };
  std::vector<Group> groups(1);  // groups[0]: the whole pattern
  auto is_quantifier = [&](size_t i) {
    return i < pattern.size() && (pattern[i] == '*' || pattern[i] == '+' || pattern[i] == '{');
  };
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '(') {
      groups.emplace_back();
      continue;
    }
    if (c == '|') {
      Group& g = groups.back();
      g.alternates = true;
      g.longest_branch = std::max(g.longest_branch, g.branch_atoms);
      g.branch_atoms = 0;
      continue;
    }
    if (is_quantifier(i) || c == '?') {
      if (c == '{') i = std::min(pattern.find('}', i), pattern.size() - 1);
      if (c != '?') groups.back().repeats_inside = true;
      continue;
    }
    bool dangerous_group = false;
    if (c == ')' && groups.size() > 1) {
      Group inner = groups.back();
      groups.pop_back();
      inner.longest_branch = std::max(inner.longest_branch, inner.branch_atoms);
      dangerous_group = inner.repeats_inside || (inner.alternates && inner.longest_branch > 1);
      if (dangerous_group && is_quantifier(i + 1)) return true;
      groups.back().repeats_inside = groups.back().repeats_inside || inner.repeats_inside;
    } else if (c == '\\') {
      ++i;
    } else if (c == '[') {
      for (++i; i < pattern.size() && pattern[i] != ']'; ++i) {
        if (pattern[i] == '\\') ++i;
      }
    }
    ++groups.back().branch_atoms;  // a character, escape, class or group
  }
  return false;
}

std::string sanitize_definition_name(const std::string& pointer) {
  std::string last = pointer.substr(pointer.rfind('/') + 1);
  std::string out;
  for (char c : last) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  return out.empty() ? "schema" : out;
}

}  // namespace

nlohmann::json to_plain_json(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, v] : value.items()) out[k] = to_plain_json(v);
      return out;
    }
    case nlohmann::ordered_json::value_t::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : value) out.push_back(to_plain_json(v));
      return out;
    }
    case nlohmann::ordered_json::value_t::string:
      return value.get<std::string>();
    case nlohmann::ordered_json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::ordered_json::value_t::number_integer:
      return value.get<int64_t>();
    case nlohmann::ordered_json::value_t::number_unsigned:
      return value.get<uint64_t>();
    case nlohmann::ordered_json::value_t::number_float:
      return value.get<double>();
    default:
      return nullptr;
  }
}

struct SchemaTranslator::Run {
  Direction direction;
  std::map<std::pair<const spec::SourceFile*, std::string>, std::string> definitions;
  std::set<std::string> used_names;
  std::deque<std::pair<NodeRef, std::string>> pending;
};

void SchemaTranslator::warn_once(const NodeRef& at, const std::string& message, bool not_enforced) {
  std::string where = (at.file ? at.file->path : std::string()) + "#" + at.pointer;
  if (!warned_.insert({where, message}).second) return;
  Diagnostic warning = document_.at(at, Diagnostic::Severity::kWarning, message);
  warning.not_enforced = not_enforced;
  diagnostics_.add(std::move(warning));
}

void SchemaTranslator::error(const NodeRef& at, const std::string& message) {
  std::string where = (at.file ? at.file->path : std::string()) + "#" + at.pointer;
  if (!warned_.insert({where, message}).second) return;
  diagnostics_.add(document_.at(at, Diagnostic::Severity::kError, message));
}

nlohmann::json SchemaTranslator::translate(const NodeRef& schema, Direction direction) {
  Run run;
  run.direction = direction;
  nlohmann::json root = translate_node(schema, run);
  nlohmann::json definitions = nlohmann::json::object();
  while (!run.pending.empty()) {
    auto [target, name] = run.pending.front();
    run.pending.pop_front();
    definitions[name] = translate_node(target, run);
  }
  if (definitions.empty()) return root;
  // A boolean root cannot hold definitions; one behind allOf can.
  if (!root.is_object() || root.contains("$ref")) root = {{"allOf", nlohmann::json::array({root})}};
  root["definitions"] = std::move(definitions);
  return root;
}

std::string SchemaTranslator::definition_for(const NodeRef& target, Run& run) {
  auto key = std::make_pair(target.file, target.pointer);
  auto it = run.definitions.find(key);
  if (it != run.definitions.end()) return it->second;
  std::string base = sanitize_definition_name(target.pointer);
  std::string name = base;
  for (int n = 2; run.used_names.count(name); ++n) name = base + "_" + std::to_string(n);
  run.used_names.insert(name);
  run.definitions.emplace(key, name);
  run.pending.emplace_back(target, name);
  return name;
}

nlohmann::json SchemaTranslator::translate_node(const NodeRef& node, Run& run) {
  if (!node.valid()) return true;
  if (node.node->is_boolean()) return node.node->get<bool>();
  if (!node.node->is_object()) {
    error(node, "a schema must be an object (or true/false in OpenAPI 3.1)");
    return true;
  }
  auto ref = node.node->find("$ref");
  if (ref == node.node->end() || !ref->is_string()) return translate_object(node, run);

  nlohmann::json out;
  auto target = document_.resolve(*node.file, ref->get<std::string>());
  if (!target) {
    error(node, "$ref '" + ref->get<std::string>() + "' does not resolve");
    out = true;
  } else {
    out = {{"$ref", "#/definitions/" + definition_for(*target, run)}};
  }
  // OpenAPI 3.0 ignores keywords beside $ref; 3.1 (2020-12) applies them.
  if (!document_.is_v31()) return out;
  nlohmann::json siblings = translate_object(node, run);
  if (siblings.is_object() && !siblings.empty())
    return {{"allOf", nlohmann::json::array({out, siblings})}};
  return out;
}

nlohmann::json SchemaTranslator::translate_object(const NodeRef& node, Run& run) {
  nlohmann::json out = nlohmann::json::object();
  const Json& schema = *node.node;
  // Types first: `nullable` widens them, so it is read with `type`.
  if (schema.contains("type") ||
      (spec::bool_field(schema, "nullable") && schema.contains("enum"))) {
    nlohmann::json types = translate_type(node);
    if (!types.is_null()) out[validate::kTypeKeyword] = types;
  }
  for (const auto& [key, value] : schema.items()) {
    if (key == "$ref" || key == "type") continue;
    translate_keyword(node, key, Document::child(node, key), out, run);
  }
  // 3.0 `exclusiveMaximum: true` qualifies `maximum`; draft 7 wants a number.
  for (const char* bound : {"Maximum", "Minimum"}) {
    std::string exclusive = std::string("exclusive") + bound;
    std::string inclusive = bound == std::string("Maximum") ? "maximum" : "minimum";
    auto it = schema.find(exclusive);
    if (it == schema.end() || !it->is_boolean()) continue;
    if (it->get<bool>() && out.contains(inclusive)) {
      out[exclusive] = out[inclusive];
      out.erase(inclusive);
    }
  }
  if (spec::bool_field(schema, "nullable") && out.contains("enum") && out["enum"].is_array()) {
    bool has_null = false;
    for (const auto& v : out["enum"]) has_null = has_null || v.is_null();
    if (!has_null) out["enum"].push_back(nullptr);
  }
  return out;
}

nlohmann::json SchemaTranslator::translate_type(const NodeRef& node) {
  const Json& schema = *node.node;
  nlohmann::json types = nlohmann::json::array();
  auto type = schema.find("type");
  if (type != schema.end()) {
    std::vector<Json> listed;
    if (type->is_array()) {
      listed.assign(type->begin(), type->end());
    } else {
      listed.push_back(*type);
    }
    for (const Json& t : listed) {
      if (!t.is_string() || !is_json_type_name(t.get<std::string>())) {
        error(Document::child(node, "type"), unknown_type_message(t));
        return nullptr;
      }
      types.push_back(t.get<std::string>());
    }
  }
  if (types.empty()) return nullptr;  // `nullable` alone constrains nothing
  if (spec::bool_field(schema, "nullable")) {
    bool has_null = false;
    for (const auto& t : types) has_null = has_null || t == "null";
    if (!has_null) types.push_back("null");
  }
  return types;
}

nlohmann::json SchemaTranslator::filter_required(const NodeRef& node, const NodeRef& required,
                                                 Run& run) {
  nlohmann::json out = nlohmann::json::array();
  if (!required.node->is_array()) {
    error(required, "'required' must be a list of property names");
    return out;
  }
  NodeRef properties = Document::child(node, "properties");
  for (const Json& name : *required.node) {
    if (!name.is_string()) continue;
    SchemaFacts facts =
        schema_facts(document_, Document::child(properties, name.get<std::string>()));
    bool is_hidden = run.direction == Direction::kRequest ? facts.read_only : facts.write_only;
    if (is_hidden) continue;
    out.push_back(name.get<std::string>());
  }
  return out;
}

void SchemaTranslator::translate_keyword(const NodeRef& node, const std::string& key,
                                         const NodeRef& value, nlohmann::json& out, Run& run) {
  const Json& v = *value.node;
  if (is_extension(key) || annotation_keywords().count(key)) return;
  if (passthrough_keywords().count(key)) {
    out[key] = to_plain_json(v);
    // Draft 6+ allows 2.0 where a count is expected; valijson 1.0 wants an integer.
    bool is_count = key.rfind("max", 0) == 0 || key.rfind("min", 0) == 0;
    is_count = is_count && key != "maximum" && key != "minimum";
    if (is_count && v.is_number_float() && v.get<double>() >= 0 &&
        v.get<double>() == static_cast<double>(static_cast<long long>(v.get<double>())))
      out[key] = static_cast<long long>(v.get<double>());
    if (key == "minLength" || key == "maxLength") {
      out[key == "minLength" ? validate::kMinLengthKeyword : validate::kMaxLengthKeyword] =
          out[key];
      out.erase(key);
    }
    return;
  }
  if (unsupported_keywords().count(key)) {
    warn_once(value, "'" + key + "' is not supported by the validator and is not enforced",
              /*not_enforced=*/true);
    return;
  }
  if (key == "exclusiveMaximum" || key == "exclusiveMinimum") {
    if (v.is_number()) out[key] = to_plain_json(v);  // booleans are folded in translate_object
    return;
  }
  if (key == "format") {
    if (!v.is_string()) return;
    if (validate::format_kind(v.get<std::string>()) != validate::FormatKind::kUnchecked)
      out[validate::kFormatKeyword] = v.get<std::string>();
    return;
  }
  if (key == "pattern") {
    if (!v.is_string()) {
      error(value, "'pattern' must be a string");
      return;
    }
    // Compiled here to report a pattern that cannot be enforced; the validator compiles
    // the pattern it is given again (once, at start-up).
    std::string problem;
    if (!CompiledPattern::compile(v.get<std::string>(), problem)) {
      error(value, problem);
      return;
    }
    out[validate::kPatternKeyword] = v.get<std::string>();
    return;
  }
  if (key == "required") {
    out["required"] = filter_required(node, value, run);
    return;
  }
  if (key == "properties" || key == "patternProperties") {
    if (!v.is_object()) {
      error(value, "'" + key + "' must map names to schemas");
      return;
    }
    nlohmann::json props = nlohmann::json::object();
    for (const auto& [name, sub] : v.items()) {
      if (key == "patternProperties") {
        // valijson matches these keys with std::regex: the key must be ECMA-262, and
        // std::regex must run it (it lacks lookbehind, named groups, Unicode properties).
        std::string problem;
        if (!CompiledPattern::compile(name, problem)) {
          error(Document::child(value, name), problem);
          continue;
        }
        try {
          std::regex check(name);
        } catch (const std::regex_error& e) {
          error(Document::child(value, name),
                "patternProperties pattern '" + name +
                    "' uses a regex feature the property-name matcher (std::regex) lacks (" +
                    e.what() + "); it cannot be enforced");
          continue;
        }
        if (may_backtrack_exponentially(name)) {
          error(Document::child(value, name),
                "patternProperties pattern '" + name +
                    "' repeats a group that itself repeats or alternates; matched against "
                    "property names a client chooses it could take exponential time. "
                    "Simplify it (e.g. '^a+$' for '^(a+)+$')");
          continue;
        }
      }
      props[name] = translate_node(Document::child(value, name), run);
    }
    out[key] = std::move(props);
    return;
  }
  if (key == "additionalProperties" || key == "not" || key == "contains" ||
      key == "propertyNames" || key == "if" || key == "then" || key == "else" ||
      key == "additionalItems") {
    out[key] = translate_node(value, run);
    return;
  }
  if (key == "items") {
    if (v.is_array()) {  // draft-7 tuple form, legal in 3.0 only by accident
      nlohmann::json items = nlohmann::json::array();
      for (size_t i = 0; i < v.size(); ++i)
        items.push_back(translate_node(Document::item(value, i), run));
      out["items"] = std::move(items);
    } else if (node.node->contains("prefixItems")) {
      out["additionalItems"] = translate_node(value, run);
    } else {
      out["items"] = translate_node(value, run);
    }
    return;
  }
  if (key == "prefixItems") {
    if (!v.is_array()) {
      error(value, "'prefixItems' must be a list of schemas");
      return;
    }
    nlohmann::json items = nlohmann::json::array();
    for (size_t i = 0; i < v.size(); ++i)
      items.push_back(translate_node(Document::item(value, i), run));
    out["items"] = std::move(items);
    return;
  }
  if (key == "allOf" || key == "anyOf" || key == "oneOf") {
    if (!v.is_array() || v.empty()) {
      error(value, "'" + key + "' must be a non-empty list of schemas");
      return;
    }
    nlohmann::json list = nlohmann::json::array();
    for (size_t i = 0; i < v.size(); ++i)
      list.push_back(translate_node(Document::item(value, i), run));
    out[key] = std::move(list);
    return;
  }
  if (key == "dependentRequired" || key == "dependentSchemas" || key == "dependencies") {
    if (!v.is_object()) return;
    nlohmann::json& deps = out["dependencies"];
    if (deps.is_null()) deps = nlohmann::json::object();
    for (const auto& [name, sub] : v.items()) {
      deps[name] =
          sub.is_array() ? to_plain_json(sub) : translate_node(Document::child(value, name), run);
    }
    return;
  }
  warn_once(value, "'" + key + "' is not a JSON Schema keyword; it is ignored");
}

}  // namespace apiserver::validate
