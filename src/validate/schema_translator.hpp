// Translates an OpenAPI 3.0 / 3.1 Schema Object into a self-contained JSON
// Schema draft-7 document that valijson validates.
//
// - 3.0 dialect: `nullable` becomes a "null" type, boolean exclusiveMinimum /
//   exclusiveMaximum become draft-7 numbers; `discriminator`, `xml`,
//   `example` and other annotations are dropped.
// - 3.1 dialect (2020-12): `prefixItems`, `dependentRequired`,
//   `dependentSchemas` map onto their draft-7 forms; `$ref` siblings apply.
// - `readOnly` properties are not required in requests, `writeOnly` ones not
//   in responses.
// - `$ref`s (to components, other files or recursive) become entries of
//   `definitions`, so recursion needs no inlining.
// - `pattern`, `format` and `type` are renamed to the keywords of
//   validate/keywords.hpp. A `pattern` (or `patternProperties` key) that is
//   not valid ECMA-262, or that no engine can run, is an error
//   (validate/pattern_engine.hpp).
// Keywords draft 7 cannot express are reported as warnings, never silently.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "spec/document.hpp"

namespace apiserver::validate {

enum class Direction { kRequest, kResponse };

class SchemaTranslator {
 public:
  SchemaTranslator(const spec::Document& document, spec::Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {}

  // The draft-7 document validating what `schema` describes in `direction`.
  nlohmann::json translate(const spec::NodeRef& schema, Direction direction);

 private:
  struct Run;
  nlohmann::json translate_node(const spec::NodeRef& node, Run& run);
  nlohmann::json translate_object(const spec::NodeRef& node, Run& run);
  void translate_keyword(const spec::NodeRef& node, const std::string& key,
                         const spec::NodeRef& value, nlohmann::json& out, Run& run);
  nlohmann::json translate_type(const spec::NodeRef& node);
  nlohmann::json filter_required(const spec::NodeRef& node, const spec::NodeRef& required,
                                 Run& run);
  std::string definition_for(const spec::NodeRef& target, Run& run);
  // A warning, once per node and message; `not_enforced` for a check the server does not make.
  void warn_once(const spec::NodeRef& at, const std::string& message, bool not_enforced = false);
  void error(const spec::NodeRef& at, const std::string& message);

  const spec::Document& document_;
  spec::Diagnostics& diagnostics_;
  std::set<std::pair<std::string, std::string>> warned_;  // (location, message)
};

// nlohmann::ordered_json (documents keep their key order) to nlohmann::json.
nlohmann::json to_plain_json(const nlohmann::ordered_json& value);

}  // namespace apiserver::validate
