// `embed=author,comments.author` on a stored read or list: the slots (model::Embed) the answer
// fills, each level with one query for the whole page, never one per row. Parsed per request
// into a tree of slots; the rows of each level are written by their resource's view.
#pragma once

#include <functional>
#include <string>
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
  std::string quoted_name;  // "\"author\":"
  std::vector<EmbedRequest> inner;
};
using EmbedSelection = std::vector<EmbedRequest>;

// The selection of call's `embed` query parameters, unless the operation declares an `embed`
// parameter of its own. A name that is no slot goes to `errors`.
EmbedSelection read_embed_selection(const Call& call, const model::Resource& resource,
                                    std::vector<FieldError>& errors);

// What filling slots needs besides the rows: where rows are read, how each resource is written,
// how many children a parent embeds, and whose rows the caller may see.
struct EmbedContext {
  store::Database& database;
  std::function<const ResourceView&(const model::Resource&)> view;
  long long children_per_parent = 20;
  const Call& call;
};

// The slots of each row of `rows` (of `resource`) as JSON members, `"author":{...}` joined by
// commas: out[i] for rows[i] (empty where it has none). Not ok when a query failed.
store::StoreResult write_embeds(const EmbedContext& context, const model::Resource& resource,
                                const std::vector<store::Record>& rows,
                                const EmbedSelection& selection, std::vector<std::string>& out);

}  // namespace apiserver::pipeline
