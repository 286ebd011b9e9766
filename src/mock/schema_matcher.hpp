// What the server's validator would say about a value, computed directly on the OpenAPI schema:
// the mock generator's check of examples, enum members, oneOf exclusivity and its own output.
// It mirrors the schema translator + valijson + the custom keywords (RE2 patterns, hand-written
// formats, code-point lengths, audience-filtered `required`). Internal to mock/.
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

namespace re2 {
class RE2;
}

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

  // The compiled `pattern`, or nullptr when RE2 cannot run it (the server does not enforce it).
  const re2::RE2* regex(const std::string& pattern);
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
  std::unordered_map<std::string, std::unique_ptr<re2::RE2>> regexes_;
  std::map<Location, bool> hidden_;
};

}  // namespace apiserver::mock::detail
