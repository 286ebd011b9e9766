// Compiles schemas for validation once per (schema location, direction), so
// operations that share a component share its compiled validator.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "validate/compiled_schema.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::compile {

class SchemaCache {
 public:
  SchemaCache(const spec::Document& document, spec::Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics), translator_(document, diagnostics) {}

  // The validator for `schema` in `direction`; null (after reporting) when it
  // cannot be compiled.
  std::shared_ptr<const validate::CompiledSchema> get(const spec::NodeRef& schema,
                                                      validate::Direction direction);

 private:
  const spec::Document& document_;
  spec::Diagnostics& diagnostics_;
  validate::SchemaTranslator translator_;
  std::map<std::tuple<const spec::SourceFile*, std::string, validate::Direction>,
           std::shared_ptr<const validate::CompiledSchema>>
      cache_;
};

}  // namespace apiserver::compile
