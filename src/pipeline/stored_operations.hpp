// The stored actions (list, create, read, replace, update, delete) of a
// resource, in HTTP terms: query parameters to a list query, bodies to rows,
// rows to JSON, store results to statuses.
#pragma once

#include <optional>
#include <unordered_map>

#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/resource_view.hpp"
#include "problem/problem.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

class StoredOperations {
 public:
  StoredOperations(const model::Api& api, store::Database& database);

  // Runs the stored action of call.operation; fills `response` or returns
  // the problem to answer with.
  std::optional<Problem> handle(const Call& call, http::Response& response) const;

 private:
  std::optional<Problem> list(const Call& call, const model::Resource& resource,
                              http::Response& response) const;
  std::optional<Problem> create(const Call& call, const model::Resource& resource,
                                http::Response& response) const;
  std::optional<Problem> read(const Call& call, const model::Resource& resource,
                              http::Response& response) const;
  std::optional<Problem> replace(const Call& call, const model::Resource& resource,
                                 http::Response& response) const;
  std::optional<Problem> update(const Call& call, const model::Resource& resource,
                                http::Response& response) const;
  std::optional<Problem> remove(const Call& call, const model::Resource& resource,
                                http::Response& response) const;

  const ResourceView& view(const model::Resource& resource) const;

  const model::Api& api_;
  store::Database& database_;
  std::unordered_map<const model::Resource*, ResourceView> views_;
};

}  // namespace apiserver::pipeline
