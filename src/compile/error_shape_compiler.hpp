// The body shape of one declared error response (model::ErrorShape): its media type, a
// template generated from its schema, the members filled from the problem (automatic, then
// x-apiserver-error `fields`), and the validator each filled body is checked with.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "compile/schema_cache.hpp"
#include "model/error_plan.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

class ErrorShapeCompiler {
 public:
  ErrorShapeCompiler(const spec::Document& document, spec::Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics), schemas_(document, quiet_) {}

  // The shape of the Response Object `response` (followed), declared as `key`; null when it
  // declares no content. Shared by every operation that refers to the same response.
  std::shared_ptr<const model::ErrorShape> shape(const spec::NodeRef& response,
                                                 const std::string& key);

 private:
  std::shared_ptr<model::ErrorShape> build(const spec::NodeRef& response, const std::string& key);
  void build_template(const spec::NodeRef& schema, model::ErrorShape& shape);
  // x-apiserver-error: {fields: {...}} on the response.
  void apply_fields(const spec::NodeRef& response, const spec::NodeRef& schema,
                    model::ErrorShape& shape);

  const spec::Document& document_;
  spec::Diagnostics& diagnostics_;
  // Error schemas were never compiled before they answered errors: one that cannot be is no
  // reason to refuse the document, so their diagnostics go nowhere and the shape falls back.
  spec::Diagnostics quiet_;
  SchemaCache schemas_;
  std::map<std::pair<const spec::SourceFile*, std::string>, std::shared_ptr<model::ErrorShape>>
      cache_;
};

}  // namespace apiserver::compile
