// What the server's validator would say about a value, computed directly on the OpenAPI schema:
// the mock generator's check of examples, enum members, oneOf exclusivity and its own output.
// It mirrors the schema translator + valijson + the custom keywords (ECMA-262 patterns on the
// validator's engine, hand-written formats, code-point lengths, audience-filtered `required`).
// Internal to mock/.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "mock/generator.hpp"
#include "mock/schema_helpers.hpp"
#include "spec/document.hpp"
#include "validate/pattern_engine.hpp"

namespace apiserver::mock::detail {

class SchemaMatcher {
 public:
  SchemaMatcher(const spec::Document& document, Audience audience);
  ~SchemaMatcher();
  SchemaMatcher(const SchemaMatcher&) = delete;
  SchemaMatcher& operator=(const SchemaMatcher&) = delete;

  // Whether `value` is valid against `schema` ($refs followed). Past a step budget or a
  // nesting bound it answers true: the final check is the validator's.
  bool match(const Value& value, const spec::NodeRef& schema, int depth = 0);
  // Whether `value` satisfies the own keywords of every schema in `parts` and no schema in
  // `negations`. `shallow` skips subschemas: for a value whose parts were each built against
  // their own schemas already.
  bool match_all(const Value& value, const std::vector<spec::NodeRef>& parts,
                 const std::vector<spec::NodeRef>& negations, bool shallow);

  // The keyword of the last mismatch and where it is, for reasons.
  const std::string& mismatch() const { return mismatch_; }
  void clear_mismatch() { mismatch_.clear(); }
  // Starts the step budget afresh (for the check of a whole generated value).
  void reset_budget() { match_steps_ = 0; }

  // Whether `pattern` matches somewhere in `text`, with the validator's own engine (RE2, or
  // PCRE2 under limits), compiled once per pattern. A value that hits the engine's limits does
  // not match: the validator would refuse it too.
  bool pattern_matches(const std::string& pattern, const std::string& text);
  // Whether the audience leaves this property out: readOnly in requests, writeOnly in responses.
  bool hidden(const spec::NodeRef& property_schema);
  // `required` of one schema as the translator emits it: hidden properties declared beside it
  // are not required in this audience.
  std::set<std::string> required_names(const spec::NodeRef& part);

 private:
  bool match_keywords(const Value& value, const spec::NodeRef& node, int depth, bool shallow);
  bool reject(const spec::NodeRef& node, const char* keyword) {
    mismatch_ = std::string(keyword) + " of " + node.pointer;
    return false;
  }

  const spec::Document& document_;
  Audience audience_;
  std::string mismatch_;
  size_t match_steps_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const validate::CompiledPattern>> patterns_;
  std::map<Location, bool> hidden_;
};

}  // namespace apiserver::mock::detail
