// Times the server writes itself, as PocketBase's autodate fields and Rails' timestamps do:
// `created` on the first write of an item, `updated` on every write (model::Resource).
//
// Declared on a property, `x-apiserver-stamp: created | updated`; inferred for a readOnly
// `format: date-time` string named createdAt, created_at, updatedAt or updated_at, which a
// client cannot send and the server must answer. Either must be a date-time string.
#pragma once

#include <vector>

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {

// Sets resource.created_property and updated_property from the item's `properties`; false
// after reporting a declaration that cannot be one.
bool find_time_stamps(const spec::Document& document, model::Resource& resource,
                      const std::vector<spec::ObjectProperty>& properties,
                      spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
