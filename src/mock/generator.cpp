// Schema-driven mock data (see generator.hpp).
//
// How a value is built:
// - The schemas a value must satisfy are gathered into a conjunction: $ref targets (with 3.1
//   siblings), allOf branches, and later the branch chosen for each oneOf / anyOf / if.
// - Choices are decided one at a time, in an order drawn from the seed; a oneOf branch is kept
//   only when its value matches no other branch (by the cheap matcher), or can be made
//   to by dropping or retyping a property another branch relies on.
// - With no choice left, the keywords of every schema in the conjunction are merged (types
//   intersected, tightest bounds, all patterns) and a value of one allowed type is made.
// - A matcher mirroring the server's validator (schema translator + valijson + the custom
//   keywords: patterns (RE2 or PCRE2), hand-written formats, code-point lengths, audience-filtered
//   `required`) checks examples, enum members, oneOf exclusivity and the final value.
//
// Randomness comes from a SplitMix64 seeded with options.seed mixed with the location of the
// value (schema pointer and property path), so equal inputs give byte-identical output.
// Budgets on generated values and on attempts keep the work near-linear in the output size.
//
// Where each step lives (all internal to mock/): value_generator.hpp declares the state of one
// call; value_solver.cpp gathers and decides; value_builder.cpp merges keywords and picks a
// type; object_, array_, string_ and number_builder.cpp build one type each, with
// format_strings.cpp and name_hints.cpp for realistic strings and numbers; schema_matcher.cpp
// is the matcher; schema_helpers.hpp reads keywords and values; rng.hpp is the SplitMix64.
// This file keeps the entry point.
#include "mock/generator.hpp"

#include <exception>
#include <memory>
#include <utility>

#include "mock/value_generator.hpp"
#include "spec/json_pointer.hpp"

namespace apiserver::mock {
namespace detail {

using spec::Json;
using spec::NodeRef;

std::optional<Value> Generator::run(const NodeRef& schema) {
  if (!schema.valid()) return fail({}, "no schema");
  Context ctx;
  ctx.salt = hash_text(schema.pointer);
  // The property or parameter name the schema describes, for realistic values.
  auto tokens = spec::split_pointer(schema.pointer);
  if (tokens && tokens->size() >= 2 && (*tokens)[tokens->size() - 2] == "properties") {
    ctx.name = tokens->back();
  } else if (tokens && !tokens->empty() && tokens->back() == "schema") {
    std::string parent_pointer = schema.pointer.substr(0, schema.pointer.size() - 7);
    const Json* parent = spec::find_pointer(schema.file->root(), parent_pointer);
    if (parent != nullptr && parent->is_object()) ctx.name = text_at(*parent, "name");
  }
  Conj conj;
  expand(schema, conj, 0, 0);
  std::optional<Value> value = solve(std::move(conj), ctx);
  if (!value) return std::nullopt;
  matcher_.clear_mismatch();
  matcher_.reset_budget();
  if (!match(*value, schema)) {
    why_ = "the value built does not satisfy the schema (" + matcher_.mismatch() + ")";
    return std::nullopt;
  }
  return value;
}

const PatternGenerator& Generator::pattern_generator(const std::string& pattern) {
  auto it = patterns_.find(pattern);
  if (it == patterns_.end())
    it = patterns_.emplace(pattern, std::make_unique<PatternGenerator>(pattern)).first;
  return *it->second;
}

}  // namespace detail

std::optional<spec::Json> generate(const spec::Document& document, const spec::NodeRef& schema,
                                   const GenerateOptions& options, std::string* why) {
  try {
    detail::Generator generator(document, options);
    std::optional<spec::Json> value = generator.run(schema);
    if (!value && why != nullptr)
      *why = generator.why().empty() ? "no value could be built" : generator.why();
    return value;
  } catch (const std::exception& e) {
    // Malformed documents must not take the server down.
    if (why != nullptr) *why = std::string("internal error while generating: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace apiserver::mock
