// Building one value from the merged keywords of its schemas: enum / const members first, else a
// JSON type every schema allows, handed to the builder of that type (see value_generator.hpp).
#include <algorithm>
#include <initializer_list>

#include "mock/value_generator.hpp"
#include "validate/formats.hpp"

namespace apiserver::mock::detail {

using spec::Document;
using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::build(const Conj& conj, const Context& ctx) {
  ++values_;
  Rng rng(mix_seed(options_.seed, ctx.salt));
  ActiveGuard guard(active_, conj.entered);

  // enum / const: the members every part allows.
  std::optional<std::vector<Value>> members;
  for (const NodeRef& part : conj.parts) {
    const Json& s = *part.node;
    std::vector<Value> listed;
    if (auto c = s.find("const"); c != s.end()) {
      listed.push_back(*c);
    } else if (auto e = s.find("enum"); e != s.end() && e->is_array()) {
      for (const Json& option : *e) listed.push_back(option);
    } else {
      continue;
    }
    if (!members) {
      members = std::move(listed);
    } else {
      std::vector<Value> kept;
      for (const Value& m : *members) {
        if (contains_value(listed, m)) kept.push_back(m);
      }
      members = std::move(kept);
    }
  }
  if (members) {
    std::vector<Value> valid;
    std::vector<Value> nulls;
    for (const Value& m : *members) {
      if (match_conj(m, conj, false)) (m.is_null() ? nulls : valid).push_back(m);
    }
    if (valid.empty()) valid = nulls;
    if (valid.empty()) return fail(ctx, "no enum/const value satisfies every constraint");
    return valid[rng.below(valid.size())];
  }

  // Types every part allows; without any, the keywords suggest one.
  unsigned allowed = kAllTypes;
  bool declared = false;
  for (const NodeRef& part : conj.parts) {
    if (part.node->contains("type")) declared = true;
    allowed &= declared_types(*part.node);
  }
  if (allowed == 0) return fail(ctx, "the schemas allow no common type");
  std::vector<unsigned> order;
  if (declared) {
    for (unsigned bit : {kObjectBit, kArrayBit, kStringBit, kIntegerBit, kBooleanBit}) {
      if (allowed & bit) order.push_back(bit);
    }
    // "number" allows non-integers: build one unless only integers are allowed.
    if (allowed & kNumberBit) {
      for (unsigned& bit : order) {
        if (bit == kIntegerBit) bit = kNumberBit;
      }
    }
    if (order.size() > 1)
      std::rotate(order.begin(), order.begin() + rng.below(order.size()), order.end());
    if (order.empty()) return Value(nullptr);  // type: "null"
  } else {
    auto has = [&](std::initializer_list<const char*> keys) {
      for (const NodeRef& part : conj.parts) {
        for (const char* key : keys) {
          if (part.node->contains(key)) return true;
        }
      }
      return false;
    };
    std::string format;
    for (const NodeRef& part : conj.parts) {
      if (format.empty()) format = text_at(*part.node, "format");
    }
    if (has({"properties", "required", "additionalProperties", "patternProperties", "minProperties",
             "maxProperties", "propertyNames", "dependentRequired"}))
      order.push_back(kObjectBit);
    if (has({"items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains"}))
      order.push_back(kArrayBit);
    if (format == "int32" || format == "int64") order.push_back(kIntegerBit);
    if (has({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}) ||
        validate::format_kind(format) == validate::FormatKind::kNumber)
      order.push_back(kNumberBit);
    for (unsigned bit : {kStringBit, kIntegerBit, kBooleanBit, kObjectBit, kArrayBit, kNumberBit}) {
      if (std::find(order.begin(), order.end(), bit) == order.end()) order.push_back(bit);
    }
  }
  std::string reason;
  for (unsigned type : order) {
    std::optional<Value> value = build_type(type, conj, ctx, rng);
    if (!value) {
      if (reason.empty()) reason = why_;
      continue;
    }
    matcher_.clear_mismatch();
    if (match_conj(*value, conj, true)) {
      bool negated = false;
      for (const NodeRef& n : conj.negations) negated = negated || match(*value, n);
      if (!negated) return value;
    }
    if (reason.empty()) reason = "the value built does not satisfy " + matcher_.mismatch();
    if (declared && order.size() == 1) break;
  }
  why_ = reason;
  return std::nullopt;
}

std::optional<Value> Generator::build_type(unsigned type, const Conj& conj, const Context& ctx,
                                           Rng& rng) {
  switch (type) {
    case kObjectBit:
      return build_object(conj, ctx);
    case kArrayBit:
      return build_array(conj, ctx, rng);
    case kStringBit:
      return build_string(conj, ctx, rng);
    case kIntegerBit:
      return build_number(conj, ctx, rng, true);
    case kNumberBit:
      return build_number(conj, ctx, rng, false);
    case kBooleanBit:
      return Value(rng.chance(50));
    default:
      return Value(nullptr);
  }
}

}  // namespace apiserver::mock::detail
