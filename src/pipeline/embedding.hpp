// `embed=author,comments.author` on a stored read or list: the slots (model::Embed) the answer
// fills, each level with one query for the whole page, never one per row. Parsed per request
// into a tree of slots; the rows of each level are written by their resource's view.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/resource_view.hpp"
#include "problem/problem.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

// A slot asked for, and the slots asked for in what it embeds.
struct EmbedRequest {
  const model::Embed* embed = nullptr;
  std::vector<EmbedRequest> inner;
};
using EmbedSelection = std::vector<EmbedRequest>;

// Whether the query parameter `embed` names slots on `op` (of `resource`): unless the operation
// declares an `embed` parameter of its own, or the resource embeds nothing and has a property
// called `embed` (then it filters, as any property does).
bool embed_names_slots(const model::Operation& op, const model::Resource& resource);

// The selection of call's `embed` query parameters, when they name slots (embed_names_slots).
// A name that is no slot goes to `errors`.
EmbedSelection read_embed_selection(const Call& call, const model::Resource& resource,
                                    std::vector<FieldError>& errors);

// What filling slots needs besides the rows: where rows are read, how each resource is written,
// how many children a parent embeds, and whose rows the caller may see.
struct EmbedContext {
  store::Database& database;
  const std::unordered_map<const model::Resource*, ResourceView>& views;
  long long children_per_parent = 20;
  const Call& call;
};

// The slots of each row of `rows` (of `resource`) as JSON members, `"author":{...}` joined by
// commas: out[i] for rows[i] (empty where it has none). Not ok when a query failed.
store::StoreResult write_embeds(const EmbedContext& context, const model::Resource& resource,
                                const std::vector<store::Record>& rows,
                                const EmbedSelection& selection, std::vector<std::string>& out);

}  // namespace apiserver::pipeline
