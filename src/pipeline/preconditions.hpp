// Conditional requests on stored items (RFC 9110 section 13): the strong entity-tag of a row, from
// its version column, and the If-Match / If-None-Match checks against it.
#pragma once

#include <string>

#include "model/model.hpp"
#include "store/resource_store.hpp"

namespace apiserver::pipeline {

// `"<hex version>"` of `record`; "" when the resource keeps no version (no ETag is sent then).
std::string entity_tag(const store::Record& record, const model::Resource& resource);

// If-Match: true when `header` is absent, is `*`, or lists `tag` (strong comparison: a weak
// tag never matches). `tag` empty means no current representation: only an absent header holds.
bool if_match_holds(const std::string* header, const std::string& tag);

// If-None-Match: true when the request proceeds, i.e. `header` is absent or lists neither `*`
// nor `tag` (weak comparison, as for GET and HEAD).
bool if_none_match_holds(const std::string* header, const std::string& tag);

}  // namespace apiserver::pipeline
