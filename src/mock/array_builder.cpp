// Building an array: tuple and item schemas, item counts, uniqueItems and contains (see
// value_generator.hpp).
#include <algorithm>

#include "mock/value_generator.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::build_array(const Conj& conj, const Context& ctx, Rng& rng) {
  struct Shape {
    NodeRef prefix;  // tuple schemas (prefixItems, or 3.0's array form of items)
    size_t tuple = 0;
    NodeRef rest;  // schema for the items after the tuple
  };
  std::vector<Shape> shapes;
  size_t min_items = 0;
  size_t max_items = kMaxCount;
  size_t tuple = 0;
  bool unique = false;
  std::vector<NodeRef> contains_schemas;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    Shape shape;
    NodeRef items = Document::child(part, "items");
    NodeRef prefix = Document::child(part, "prefixItems");
    if (prefix.valid() && prefix.node->is_array()) {
      shape.prefix = prefix;
      shape.tuple = prefix.node->size();
      shape.rest = items;
    } else if (items.valid() && items.node->is_array()) {
      shape.prefix = items;
      shape.tuple = items.node->size();
      shape.rest = Document::child(part, "additionalItems");
    } else {
      shape.rest = items;
    }
    if (shape.rest.valid() && shape.rest.node->is_boolean() && !shape.rest.node->get<bool>())
      max_items = std::min(max_items, shape.tuple);
    tuple = std::max(tuple, shape.tuple);
    shapes.push_back(shape);
    if (auto n = count_at(s, "minItems")) min_items = std::max(min_items, *n);
    if (auto n = count_at(s, "maxItems")) max_items = std::min(max_items, *n);
    unique = unique || flag(s, "uniqueItems");
    if (NodeRef c = Document::child(part, "contains"); c.valid()) contains_schemas.push_back(c);
  }
  if (min_items > max_items) return fail(ctx, "minItems exceeds maxItems");
  if (min_items > kMaxCount) return fail(ctx, "minItems is too large to build");
  size_t count = min_items;
  if (!beyond_depth(ctx)) {
    size_t wanted = std::max<size_t>(tuple, 1 + static_cast<size_t>(rng.below(2)));
    count = std::clamp(wanted, min_items, max_items);
  }
  auto schemas_at = [&](size_t i) {
    std::vector<NodeRef> out;
    for (const Shape& shape : shapes) {
      NodeRef s = i < shape.tuple ? Document::item(shape.prefix, i) : shape.rest;
      if (s.valid()) out.push_back(s);
    }
    return out;
  };
  std::string item_name = ctx.name;
  if (item_name.size() > 1 && item_name.back() == 's') item_name.pop_back();
  auto item_context = [&](size_t i, uint64_t attempt) {
    Context c;
    c.salt = mix_seed(ctx.salt, (i + 1) * 7919 + attempt * 104729);
    c.depth = ctx.depth + 1;
    c.name = item_name;
    c.path = ctx.path + "/" + std::to_string(i);
    return c;
  };

  Value out = Value::array();
  for (size_t i = 0; i < count; ++i) {
    std::vector<NodeRef> schemas = schemas_at(i);
    bool accepted = false;
    for (uint64_t attempt = 0; attempt < (unique ? kUniqueAttempts : 1u); ++attempt) {
      std::optional<Value> item = solve_schemas(schemas, item_context(i, attempt));
      if (!item) break;
      if (unique &&
          std::any_of(out.begin(), out.end(), [&](const Value& v) { return same_value(v, *item); }))
        continue;
      out.push_back(std::move(*item));
      accepted = true;
      break;
    }
    if (accepted) continue;
    if (i < min_items) {
      if (unique) return fail(ctx, "cannot build " + std::to_string(min_items) + " distinct items");
      return std::nullopt;
    }
    break;
  }
  // `contains`: at least one item must match; build one that does if none happens to.
  for (const NodeRef& contained : contains_schemas) {
    bool any = false;
    for (const Value& item : out) any = any || match(item, contained);
    if (any) continue;
    size_t position = out.size() < max_items ? out.size() : 0;
    if (out.empty() && max_items == 0) return fail(ctx, "contains needs an item but maxItems is 0");
    std::vector<NodeRef> schemas = schemas_at(position);
    schemas.push_back(contained);
    std::optional<Value> item = solve_schemas(schemas, item_context(position, 99));
    if (!item) return std::nullopt;
    if (position == out.size()) {
      out.push_back(std::move(*item));
    } else {
      out[position] = std::move(*item);
    }
  }
  return out;
}

}  // namespace apiserver::mock::detail
