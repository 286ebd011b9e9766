// Properties answered as mocks (see mocked_properties.hpp).
#include "compile/mocked_properties.hpp"

#include <functional>
#include <string>

#include "mock/generator.hpp"

namespace apiserver::compile {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

bool read_mocked_property(const Document& document, const spec::ObjectProperty& property,
                          model::Resource& resource, spec::Diagnostics& diagnostics) {
  // Beside a $ref or allOf wrapper as written, or in the schema it stands for.
  NodeRef declared = Document::child(property.schema, "x-apiserver-mock");
  if (!declared.valid()) declared = Document::child(property.facts.resolved, "x-apiserver-mock");
  if (!declared.valid()) return false;
  if (!declared.node->is_boolean()) {
    diagnostics.add(document.at(declared, Diagnostic::Severity::kError,
                                "x-apiserver-mock on a property must be true (answer it as a "
                                "mock) or false"));
    return false;
  }
  if (!declared.node->get<bool>()) return false;
  mock::GenerateOptions options;
  options.seed = std::hash<std::string>{}(property.name);  // the same value at every start
  std::string why;
  std::optional<spec::Json> value = mock::generate(document, property.schema, options, &why);
  if (!value) {
    diagnostics.add(document.at(
        declared, Diagnostic::Severity::kError,
        "x-apiserver-mock: no value satisfies the schema of '" + property.name + "': " + why));
    return true;  // not a column either way; the error stops start-up
  }
  resource.mocked_properties.push_back({property.name, nlohmann::json::parse(value->dump())});
  return true;
}

}  // namespace apiserver::compile
