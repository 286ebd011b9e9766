// `fields=id,title` on a stored list or read: the properties the answer keeps. Parsed per
// request into a mask over the resource's columns; without `fields`, every property.
#pragma once

#include <vector>

#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// Column i is shown when mask[i]; an empty mask shows every column.
using FieldMask = std::vector<bool>;

// The selection of call's `fields` query parameter, unless the operation declares a `fields`
// parameter of its own. An unknown or unshown property name is added to `errors`.
FieldMask read_field_selection(const Call& call, const model::Resource& resource,
                               std::vector<FieldError>& errors);

}  // namespace apiserver::pipeline
