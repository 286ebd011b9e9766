// valijson constraint builders for the keywords in keywords.hpp.
#pragma once

#include <string>
#include <vector>

namespace valijson {
class SchemaParser;
}

namespace apiserver::validate {

// Registers the pattern, format and type constraints with `parser`.
void register_custom_constraints(valijson::SchemaParser& parser);

// A value on which a pattern hit its matching limits (pattern_engine.hpp): where (valijson's
// context) and which pattern. Recorded per thread during a validation, because under `not` or
// in an anyOf branch the constraint's failure alone could let the value through: the caller
// clears the list before validating and refuses the value if it is not empty after.
struct PatternLimitHit {
  std::vector<std::string> context;
  std::string pattern;
};
std::vector<PatternLimitHit>& pattern_limit_hits();

// The detail of the field error for such a value.
std::string pattern_limit_detail(const std::string& pattern);

}  // namespace apiserver::validate
