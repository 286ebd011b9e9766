// Operations on many items at once, and what their answers must declare.
//
// Batch creates: a stored create whose JSON request body schema takes an array (`type: array`,
// or a oneOf/anyOf branch that is one) stores every item of an array body in one transaction,
// or none, and answers with the array of stored items, which its success response must then
// declare it can hold (else an error at start-up).
// update-many and delete-many answer the array of the items they wrote when their success
// response declares content (which must then take an array), else no body.
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// Sets Operation::batch_create on the stored creates that declare an array body, and
// Operation::answers_items on update-many and delete-many that declare an array answer.
void find_bulk_operations(const spec::Document& document, model::Api& api,
                          spec::Diagnostics& diagnostics);

}  // namespace apiserver::compile
