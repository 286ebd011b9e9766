// What stored actions on a nested collection (/posts/{postId}/comments, model::ParentLink) add
// to a top-level one's: the keys its path names, the parent key its items hold, and the filter
// that keeps a list to one parent's children.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "http/request.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"
#include "store/resource_store.hpp"

namespace apiserver::pipeline {

// The keys of the call's resource's parent, its parent's parent and so on, from the path
// (Operation::lineage_parameters); empty for a top-level resource.
store::Lineage lineage_of(const Call& call);

// An item written under the parent lineage[0]: a parent key the client sends must be that one
// (else an error at its pointer); the item then holds it, whatever the client sent.
void stamp_parent_key(nlohmann::json& item, const model::Resource& resource,
                      const store::Lineage& lineage, std::vector<FieldError>& errors);

// 404 for a collection whose parent is not there ("no Post at /posts/9"); the request's path is
// the collection's.
Problem parent_not_found(const model::Operation& op, const http::Request& request);

// The rows of `resource` under the parent lineage[0].
store::Filter parent_filter(const model::Resource& resource, const store::Lineage& lineage);

}  // namespace apiserver::pipeline
