// x-apiserver-references: a property holding the key of another stored resource's row
// (`authorId: {type: integer, x-apiserver-references: users}`), checked on every write and
// minded by the target's deletes (model::Reference, model::Dependent). Read once every resource
// is mapped, since a reference may name a resource mapped after its own.
#pragma once

#include <functional>
#include <vector>

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

struct DeclaredReference {
  model::Resource* resource = nullptr;
  size_t column = 0;
  spec::NodeRef declaration;  // the x-apiserver-references value
};

// The references declared on the properties of `schema`, which `resource` stores.
void find_references(const spec::Document& document, const spec::NodeRef& schema,
                     model::Resource& resource, std::vector<DeclaredReference>& out);

// Ties each reference to the resource it names (by table, schema name or collection path);
// what cannot be tied goes to `report`.
void tie_references(const spec::Document& document, model::Api& api,
                    const std::vector<DeclaredReference>& references,
                    const std::function<void(spec::Diagnostic)>& report);

}  // namespace apiserver::compile
