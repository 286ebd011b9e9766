// Properties of a stored item that the server cannot compute from what it stores (Conduit's
// `favoritesCount`, a `following` flag): `x-apiserver-mock: true` on the property answers it as
// a mock, with one value generated at start-up from its schema (its example or default, else
// made up), in every answer. It has no column; what a client sends there is ignored.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {

// Whether `property` is answered as a mock (then added to resource.mocked_properties). A value
// other than true or false, or a schema no value satisfies, is reported.
bool read_mocked_property(const spec::Document& document, const spec::ObjectProperty& property,
                          model::Resource& resource, spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
