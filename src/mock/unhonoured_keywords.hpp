// Reports the schema keywords of a response schema that the mock cannot honour.
//
// The mock builds answers from response schemas and checks the document's examples against
// them (generator, SchemaMatcher); neither knows a few 2019-09/2020-12 keywords. An answer
// built or served from such a schema may break it, so each is reported once, at the keyword,
// as a warning that fails `apiserver validate` (as the request validator's unsupported
// keywords do).
#pragma once

#include <set>
#include <string>
#include <tuple>

#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::mock {

class UnhonouredKeywords {
 public:
  UnhonouredKeywords(const spec::Document& document, spec::Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {}

  // Walks `schema` and every schema it holds or references; a schema already walked (by an
  // earlier call too) is not walked again.
  void report(const spec::NodeRef& schema);

 private:
  void walk(const spec::NodeRef& schema);
  void walk_each_value(const spec::NodeRef& map);
  void walk_each_item(const spec::NodeRef& list);

  const spec::Document& document_;
  spec::Diagnostics& diagnostics_;
  std::set<std::tuple<const spec::SourceFile*, std::string>> walked_;
};

}  // namespace apiserver::mock
