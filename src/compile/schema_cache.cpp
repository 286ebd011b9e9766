#include "compile/schema_cache.hpp"

namespace apiserver::compile {

using validate::Direction;

std::shared_ptr<const validate::CompiledSchema> SchemaCache::get(const spec::NodeRef& schema,
                                                                 Direction direction) {
  auto key = std::make_tuple(schema.file, schema.pointer, direction);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::shared_ptr<const validate::CompiledSchema> compiled;
  try {
    compiled = validate::CompiledSchema::build(translator_.translate(schema, direction));
  } catch (const std::exception& e) {
    diagnostics_.add(document_.at(schema, spec::Diagnostic::Severity::kError, e.what()));
  }
  cache_.emplace(key, compiled);
  return compiled;
}

}  // namespace apiserver::compile
