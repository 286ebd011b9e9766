// valijson constraint builders for the keywords in keywords.hpp.
#pragma once

namespace valijson {
class SchemaParser;
}

namespace apiserver::validate {

// Registers the pattern, format and type constraints with `parser`.
void register_custom_constraints(valijson::SchemaParser& parser);

}  // namespace apiserver::validate
