// Building an object: which properties to include (required, discriminators, minProperties,
// dependencies, made-up names for maps) and a value for each (see value_generator.hpp).

#include <algorithm>
#include <limits>

#include "mock/value_generator.hpp"
#include "spec/json_pointer.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::build_object(const Conj& conj, const Context& ctx) {
  // Property names in document order, with every schema that applies to each.
  std::vector<std::string> names;
  std::set<std::string> required;
  size_t min_properties = 0;
  size_t max_properties = std::numeric_limits<size_t>::max();
  bool map_like = false;  // additionalProperties with a schema and no declared properties
  for (const NodeRef& part : conj.parts) {
    NodeRef properties = Document::child(part, "properties");
    if (properties.valid() && properties.node->is_object()) {
      for (const auto& [name, ignored] : properties.node->items()) {
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      }
    }
    for (const std::string& name : matcher_.required_names(part)) required.insert(name);
    if (auto n = count_at(*part.node, "minProperties"))
      min_properties = std::max(min_properties, *n);
    if (auto n = count_at(*part.node, "maxProperties"))
      max_properties = std::min(max_properties, *n);
    NodeRef additional = Document::child(part, "additionalProperties");
    if (additional.valid() && additional.node->is_object()) map_like = true;
  }
  for (const std::string& name : required) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  if (!names.empty()) map_like = false;

  auto is_hidden = [&](const std::string& name) {
    for (const NodeRef& part : conj.parts) {
      if (matcher_.hidden(Document::child(Document::child(part, "properties"), name))) return true;
    }
    return false;
  };
  // Whether every part lets `name` in (additionalProperties: false, propertyNames).
  auto allowed = [&](const std::string& name) {
    for (const NodeRef& part : conj.parts) {
      if (Document::child(Document::child(part, "properties"), name).valid()) continue;
      bool by_pattern = false;
      NodeRef patterns = Document::child(part, "patternProperties");
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          by_pattern = by_pattern || matcher_.pattern_matches(pattern, name);
        }
      }
      NodeRef additional = Document::child(part, "additionalProperties");
      if (!by_pattern && additional.valid() && additional.node->is_boolean() &&
          !additional.node->get<bool>())
        return false;
      NodeRef property_names = Document::child(part, "propertyNames");
      if (property_names.valid() && !match(Value(name), property_names)) return false;
    }
    return true;
  };
  auto schemas_for = [&](const std::string& name) {
    std::vector<NodeRef> out;
    for (const NodeRef& part : conj.parts) {
      NodeRef declared = Document::child(Document::child(part, "properties"), name);
      if (declared.valid()) {
        out.push_back(declared);
        continue;
      }
      bool by_pattern = false;
      NodeRef patterns = Document::child(part, "patternProperties");
      if (patterns.valid() && patterns.node->is_object()) {
        for (const auto& [pattern, ignored] : patterns.node->items()) {
          if (matcher_.pattern_matches(pattern, name)) {
            out.push_back(Document::child(patterns, pattern));
            by_pattern = true;
          }
        }
      }
      NodeRef additional = Document::child(part, "additionalProperties");
      if (!by_pattern && additional.valid()) out.push_back(additional);
    }
    return out;
  };

  // Discriminator values: from the oneOf/anyOf branch chosen, or, for allOf inheritance,
  // the component being built as named in the mapping.
  std::map<std::string, Value> forced = conj.forced;
  for (const NodeRef& part : conj.parts) {
    auto d = part.node->find("discriminator");
    if (d == part.node->end() || !d->is_object() || !d->contains("propertyName") ||
        !(*d)["propertyName"].is_string() || conj.components.empty())
      continue;
    std::string property = (*d)["propertyName"].get<std::string>();
    if (forced.count(property)) continue;
    auto mapping = d->find("mapping");
    if (mapping != d->end() && mapping->is_object() && !mapping->empty()) {
      for (const std::string& component : conj.components) {
        for (const auto& [key, to] : mapping->items()) {
          if (!to.is_string()) continue;
          const std::string& text = to.get_ref<const std::string&>();
          std::optional<NodeRef> mapped = document_.resolve(*part.file, text);
          bool same = text == component || (mapped && component_of(*mapped) == component);
          if (same && !forced.count(property)) forced[property] = Value(key);
        }
      }
    } else {
      forced[property] = Value(conj.components.front());
    }
  }

  const bool beyond = beyond_depth(ctx);
  std::vector<std::string> selected;
  auto select = [&](const std::string& name) {
    if (std::find(selected.begin(), selected.end(), name) == selected.end())
      selected.push_back(name);
  };
  for (const std::string& name : names) {
    if (required.count(name)) select(name);
  }
  for (const auto& [name, value] : forced) {
    if (!required.count(name) && selected.size() < max_properties && allowed(name)) select(name);
  }
  if (!beyond) {
    for (const std::string& name : names) {
      if (selected.size() >= max_properties) break;
      if (!is_hidden(name) && allowed(name)) select(name);
    }
  }
  // Too few for minProperties: other declared ones, then made-up names where allowed.
  for (int pass = 0; pass < 2 && selected.size() < min_properties; ++pass) {
    for (const std::string& name : names) {
      if (selected.size() >= min_properties) break;
      if ((pass == 1 || !is_hidden(name)) && allowed(name)) select(name);
    }
  }
  size_t extras = selected.size() < min_properties ? min_properties - selected.size() : 0;
  if (map_like && !beyond && selected.size() < max_properties) extras = std::max<size_t>(extras, 1);
  std::vector<std::string> extra_names;
  for (size_t i = 1; extra_names.size() < extras && i <= extras + 16; ++i) {
    std::string name = "key" + std::to_string(i);
    // Generate a name from patternProperties / propertyNames when those decide.
    for (const NodeRef& part : conj.parts) {
      NodeRef property_names = Document::child(part, "propertyNames");
      if (property_names.valid() && !match(Value(name), property_names)) {
        Context c = ctx;
        c.salt = mix_seed(ctx.salt, 0x6e616d65 + i);
        c.name = "key";
        std::optional<Value> generated = solve_schemas({property_names}, c);
        if (generated && generated->is_string()) name = generated->get<std::string>();
      }
      NodeRef patterns = Document::child(part, "patternProperties");
      if (!allowed(name) && patterns.valid() && patterns.node->is_object() &&
          !patterns.node->empty()) {
        const PatternGenerator& g = pattern_generator(patterns.node->begin().key());
        if (auto generated = g.generate(mix_seed(ctx.salt, i), 1, 32)) name = *generated;
      }
    }
    if (allowed(name) && std::find(selected.begin(), selected.end(), name) == selected.end() &&
        std::find(extra_names.begin(), extra_names.end(), name) == extra_names.end())
      extra_names.push_back(name);
  }
  for (const std::string& name : extra_names) select(name);
  // Dependencies: a present property may bring others along.
  for (size_t i = 0; i < selected.size(); ++i) {
    for (const NodeRef& part : conj.parts) {
      for (const char* key : {"dependentRequired", "dependencies"}) {
        NodeRef deps = Document::child(Document::child(part, key), selected[i]);
        if (!deps.valid() || !deps.node->is_array()) continue;
        for (const Json& other : *deps.node) {
          if (other.is_string()) select(other.get<std::string>());
        }
      }
    }
  }

  Value out = Value::object();
  for (const std::string& name : selected) {
    std::vector<NodeRef> schemas = schemas_for(name);
    bool needed = required.count(name) > 0 || out.size() < min_properties;
    if (auto f = forced.find(name); f != forced.end()) {
      bool fits = true;
      for (const NodeRef& s : schemas) fits = fits && match(f->second, s);
      if (fits) {
        out[name] = f->second;
        continue;
      }
    }
    Context c;
    c.salt = mix_seed(ctx.salt, hash_text(name));
    c.depth = ctx.depth + 1;
    c.name = name;
    c.path = spec::append_pointer(ctx.path, name);
    std::optional<Value> value = solve_schemas(schemas, c);
    if (!value) {
      if (needed) return std::nullopt;
      continue;
    }
    out[name] = std::move(*value);
  }
  // Built required-first (minProperties counts on it); answered in declaration order, as a
  // reader of the document expects.
  Value ordered = Value::object();
  for (const std::string& name : names) {
    if (auto it = out.find(name); it != out.end()) ordered[name] = std::move(*it);
  }
  for (auto& [name, value] : out.items()) {
    if (!ordered.contains(name)) ordered[name] = std::move(value);
  }
  return ordered;
}

}  // namespace apiserver::mock::detail
