// Solving: gathering the schemas one value must satisfy ($ref, allOf), trying examples, and
// deciding oneOf / anyOf / if one choice at a time (see value_generator.hpp).
#include <algorithm>
#include <utility>

#include "mock/value_generator.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

void Generator::expand(const NodeRef& node, Conj& conj, int depth, int level) {
  if (level > kExpandDepth || !node.valid()) return;
  if (node.node->is_boolean()) {
    if (!node.node->get<bool>()) conj.impossible = "the schema at " + node.pointer + " is false";
    return;
  }
  if (!node.node->is_object()) return;
  const Json& s = *node.node;
  auto ref = s.find("$ref");
  if (ref != s.end() && ref->is_string()) {
    std::optional<NodeRef> target = document_.resolve(*node.file, ref->get<std::string>());
    if (target) {
      Location where = location_of(*target);
      if (std::find(conj.entered.begin(), conj.entered.end(), where) == conj.entered.end()) {
        // Past max_depth only required properties are built; meeting a schema that is still
        // being built for an ancestor means the recursion cannot end.
        if (depth > options_.max_depth && active_.count(where)) {
          conj.impossible = "the recursive schema " + target->pointer +
                            " requires itself beyond max_depth " +
                            std::to_string(options_.max_depth);
          return;
        }
        conj.entered.push_back(where);
        std::string name = component_of(*target);
        if (!name.empty()) conj.components.push_back(name);
        expand(*target, conj, depth, level + 1);
      }
    }
    if (!document_.is_v31()) return;
  }
  for (const NodeRef& part : conj.parts) {
    if (part.file == node.file && part.pointer == node.pointer) return;
  }
  conj.parts.push_back(node);
  if (NodeRef all = Document::child(node, "allOf"); all.valid() && all.node->is_array()) {
    for (size_t i = 0; i < all.node->size(); ++i)
      expand(Document::item(all, i), conj, depth, level + 1);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    NodeRef list = Document::child(node, key);
    if (list.valid() && list.node->is_array() && !list.node->empty())
      conj.choices.push_back({key[0] == 'o' ? Choice::Kind::kOneOf : Choice::Kind::kAnyOf, node});
  }
  if (NodeRef negated = Document::child(node, "not"); negated.valid())
    conj.negations.push_back(negated);
  if (s.contains("if")) conj.choices.push_back({Choice::Kind::kIf, node});
}

std::optional<Value> Generator::solve(Conj conj, const Context& ctx) {
  if (++steps_ > kStepBudget) return fail(ctx, "gave up: the schema needs too many attempts");
  if (ctx.depth > options_.max_depth + kHardDepthMargin) return fail(ctx, "nesting is too deep");
  if (!conj.impossible.empty()) return fail(ctx, conj.impossible);
  if (options_.use_examples) {
    if (std::optional<Value> example = from_examples(conj)) return example;
  }
  if (!conj.choices.empty()) return solve_choice(std::move(conj), ctx);
  // `not` is met by trying again with other random choices.
  for (uint64_t attempt = 0; attempt < (conj.negations.empty() ? 1u : 4u); ++attempt) {
    Context c = ctx;
    if (attempt > 0) c.salt = mix_seed(ctx.salt, attempt);
    std::optional<Value> value = build(conj, c);
    if (!value) return std::nullopt;
    bool negated = false;
    for (const NodeRef& n : conj.negations) negated = negated || match(*value, n);
    if (!negated) return value;
  }
  return fail(ctx, "every value tried matches a `not` schema");
}

std::optional<Value> Generator::from_examples(Conj& conj) {
  const bool null_only = [&] {
    unsigned bits = kAllTypes;
    for (const NodeRef& part : conj.parts) bits &= declared_types(*part.node);
    return bits == kNullBit;
  }();
  for (size_t i = conj.examples_seen; i < conj.parts.size(); ++i) {
    const Json& s = *conj.parts[i].node;
    std::vector<const Json*> candidates;
    if (auto e = s.find("example"); e != s.end()) candidates.push_back(&*e);
    if (auto e = s.find("examples"); e != s.end() && e->is_array() && !e->empty())
      candidates.push_back(&e->front());
    if (auto e = s.find("default"); e != s.end()) candidates.push_back(&*e);
    for (const Json* candidate : candidates) {
      Value value = *candidate;
      if (value.is_null() && !null_only) continue;  // non-null values look like data
      if (!match_conj(value, conj, false)) continue;
      Value stripped = value;
      strip_hidden(stripped, conj);
      conj.examples_seen = conj.parts.size();
      return match_conj(stripped, conj, false) ? stripped : value;
    }
  }
  conj.examples_seen = conj.parts.size();
  return std::nullopt;
}

// Drops properties the audience does not see (readOnly in requests, writeOnly in responses)
// from an example, unless the validator requires them.
void Generator::strip_hidden(Value& value, const Conj& conj) {
  if (!value.is_object()) return;
  std::set<std::string> required;
  for (const NodeRef& part : conj.parts) {
    for (const std::string& name : matcher_.required_names(part)) required.insert(name);
  }
  for (const NodeRef& part : conj.parts) {
    NodeRef properties = Document::child(part, "properties");
    if (!properties.valid() || !properties.node->is_object()) continue;
    for (const auto& [name, ignored] : properties.node->items()) {
      if (value.contains(name) && !required.count(name) &&
          matcher_.hidden(Document::child(properties, name)))
        value.erase(name);
    }
  }
}

std::optional<Value> Generator::discriminator_value(const NodeRef& owner, const NodeRef& branch) {
  const Json* disc = nullptr;
  if (auto d = owner.node->find("discriminator"); d != owner.node->end() && d->is_object())
    disc = &*d;
  if (disc == nullptr || !disc->contains("propertyName") || !(*disc)["propertyName"].is_string())
    return std::nullopt;
  if (!branch.valid() || !branch.node->is_object()) return std::nullopt;
  auto ref = branch.node->find("$ref");
  if (ref == branch.node->end() || !ref->is_string()) return std::nullopt;
  std::optional<NodeRef> target = document_.resolve(*branch.file, ref->get<std::string>());
  if (!target) return std::nullopt;
  std::string name = component_of(*target);
  if (auto mapping = disc->find("mapping"); mapping != disc->end() && mapping->is_object()) {
    for (const auto& [key, to] : mapping->items()) {
      if (!to.is_string()) continue;
      const std::string& text = to.get_ref<const std::string&>();
      // Mapping values are references or bare component names.
      if (text.find('/') == std::string::npos && text.find('#') == std::string::npos) {
        if (!name.empty() && text == name) return Value(key);
        continue;
      }
      std::optional<NodeRef> mapped = document_.resolve(*owner.file, text);
      if (mapped && location_of(*mapped) == location_of(*target)) return Value(key);
    }
  }
  if (!name.empty()) return Value(name);
  return std::nullopt;
}

std::optional<Value> Generator::solve_choice(Conj conj, const Context& ctx) {
  Choice choice = conj.choices.front();
  conj.choices.erase(conj.choices.begin());
  Rng rng(mix_seed(mix_seed(options_.seed, ctx.salt), hash_text(choice.owner.pointer)));

  if (choice.kind == Choice::Kind::kIf) {
    NodeRef condition = Document::child(choice.owner, "if");
    bool then_first = rng.chance(50);
    for (int option = 0; option < 2; ++option) {
      bool take_then = (option == 0) == then_first;
      Conj c = conj;
      if (take_then) {
        expand(condition, c, ctx.depth, 0);
        expand(Document::child(choice.owner, "then"), c, ctx.depth, 0);
      } else {
        c.negations.push_back(condition);
        expand(Document::child(choice.owner, "else"), c, ctx.depth, 0);
      }
      std::optional<Value> value = solve(std::move(c), ctx);
      if (value && match(*value, condition) == take_then) return value;
    }
    return fail(ctx, "neither branch of the if/then/else at " + choice.owner.pointer + " works");
  }

  const bool one_of = choice.kind == Choice::Kind::kOneOf;
  NodeRef list = Document::child(choice.owner, one_of ? "oneOf" : "anyOf");
  const size_t n = list.node->size();
  std::string property;
  if (auto d = choice.owner.node->find("discriminator");
      d != choice.owner.node->end() && d->is_object() && d->contains("propertyName"))
    property = (*d)["propertyName"].is_string() ? (*d)["propertyName"].get<std::string>() : "";
  const size_t first = static_cast<size_t>(rng.below(n));
  std::string last_reason;
  bool overlapped = false;
  for (size_t k = 0; k < n; ++k) {
    size_t index = (first + k) % n;
    NodeRef branch = Document::item(list, index);
    Conj c = conj;
    if (!property.empty() && !c.forced.count(property)) {
      if (std::optional<Value> tag = discriminator_value(choice.owner, branch))
        c.forced[property] = *tag;
    }
    expand(branch, c, ctx.depth, 0);
    std::optional<Value> value = solve(c, ctx);
    if (!value) {
      last_reason = why_;
      continue;
    }
    matcher_.clear_mismatch();
    if (!match(*value, branch)) {
      last_reason = "the value built for branch " + std::to_string(index) + " does not match it (" +
                    matcher_.mismatch() + ")";
      continue;
    }
    // Exclusivity first: the schema holding the oneOf only matches once it holds.
    if (one_of && !make_exclusive(*value, list, index, c)) {
      overlapped = true;
      continue;
    }
    if (!match_conj(*value, c, false)) {
      last_reason = "the value built for branch " + std::to_string(index) +
                    " conflicts with the rest of the schema (" + matcher_.mismatch() + ")";
      continue;
    }
    return value;
  }
  const std::string kind = one_of ? "oneOf" : "anyOf";
  if (overlapped)
    return fail(ctx, "every value built for the " + kind + " at " + choice.owner.pointer +
                         " also matches another of its branches");
  return fail(ctx, "no branch of the " + kind + " at " + choice.owner.pointer +
                       " could be built: " + last_reason);
}

// Makes `value` (valid for branch `chosen`) match no other branch of the oneOf `list`:
// drops an optional property another branch requires, or adds one that other branch types
// differently. False when some other branch still matches.
bool Generator::make_exclusive(Value& value, const NodeRef& list, size_t chosen, const Conj& conj) {
  NodeRef mine = Document::item(list, chosen);
  auto others_match = [&](size_t* which) {
    for (size_t j = 0; j < list.node->size(); ++j) {
      if (j != chosen && match(value, Document::item(list, j))) {
        *which = j;
        return true;
      }
    }
    return false;
  };
  size_t other = 0;
  for (size_t round = 0; round < list.node->size() && others_match(&other); ++round) {
    if (!value.is_object()) return false;
    NodeRef branch = Document::item(list, other);
    std::vector<spec::ObjectProperty> properties;
    spec::object_properties(document_, branch, properties);
    auto still_valid = [&] {
      // Shallow: the schema holding this oneOf fails until every overlap is gone; the caller
      // checks the whole conjunction once exclusivity holds.
      return match(value, mine) && match_conj(value, conj, true) && !match(value, branch);
    };
    bool fixed = false;
    for (const spec::ObjectProperty& p : properties) {
      if (!p.required || !value.contains(p.name)) continue;
      Value saved = value[p.name];
      value.erase(p.name);
      if (still_valid()) {
        fixed = true;
        break;
      }
      value[p.name] = saved;
    }
    for (size_t i = 0; i < properties.size() && !fixed; ++i) {
      const spec::ObjectProperty& p = properties[i];
      if (value.contains(p.name) || p.facts.types.empty()) continue;
      unsigned accepted = 0;
      for (const std::string& t : p.facts.types) accepted |= type_bit(t);
      for (const Value& poison :
           {Value(true), Value(0), Value("x"), Value::array(), Value::object()}) {
        if (accepted & value_bits(poison)) continue;
        value[p.name] = poison;
        if (still_valid()) {
          fixed = true;
          break;
        }
        value.erase(p.name);
      }
    }
    if (!fixed) return false;
  }
  return !others_match(&other);
}

std::optional<Value> Generator::solve_schemas(const std::vector<NodeRef>& schemas,
                                              const Context& ctx) {
  Conj conj;
  for (const NodeRef& s : schemas) expand(s, conj, ctx.depth, 0);
  return solve(std::move(conj), ctx);
}

}  // namespace apiserver::mock::detail
