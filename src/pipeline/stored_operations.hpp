// The stored actions (list, create, read, replace, update, delete) of a
// resource, in HTTP terms: query parameters to a list query, bodies to rows,
// rows to JSON, store results to statuses. What a stored operation asks of the
// pipeline's stages (JSON answers only, a body that is an item) is here too.
#pragma once

#include <optional>
#include <unordered_map>

#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/embedding.hpp"
#include "pipeline/operation_handler.hpp"
#include "pipeline/resource_view.hpp"
#include "problem/problem.hpp"
#include "store/database.hpp"

namespace apiserver::pipeline {

// The start and end of an answer in op's envelope ({"article": ... }); nothing without one.
void open_envelope(const model::Operation& op, std::string& body);
void close_envelope(const model::Operation& op, std::string& body);

class StoredOperations final : public OperationHandler {
 public:
  StoredOperations(const model::Api& api, store::Database& database);

  // Stored operations answer application/json only: 406 for an Accept that excludes it.
  std::optional<Problem> check_acceptable(const http::Request& request) const override;
  // A write's body is an item (a JSON object), checked against the resource's schema when
  // the operation declares no body; a merge patch is checked once merged, by update().
  std::optional<Problem> read_request_body(const model::Operation& op, const http::Request& request,
                                           Body& body,
                                           std::vector<FieldError>& errors) const override;
  // A list adds its own query errors (unknown filters, bad sort) to the parameters'.
  bool reports_errors(const model::Operation& op) const override;
  // Runs the stored action of call.operation.
  std::optional<Problem> answer(const Call& call, http::Response& response) const override;
  // 500 (a broken database) and 503 (a busy one).
  bool database_failed(const Problem& problem) const override;

 private:
  std::optional<Problem> list(const Call& call, const model::Resource& resource,
                              http::Response& response) const;
  std::optional<Problem> create(const Call& call, const model::Resource& resource,
                                http::Response& response) const;
  // A batch create: every item of an array body stored in one write, or none.
  std::optional<Problem> create_batch(const Call& call, const model::Resource& resource,
                                      http::Response& response) const;
  std::optional<Problem> read(const Call& call, const model::Resource& resource,
                              http::Response& response) const;
  std::optional<Problem> replace(const Call& call, const model::Resource& resource,
                                 http::Response& response) const;
  std::optional<Problem> update(const Call& call, const model::Resource& resource,
                                http::Response& response) const;
  std::optional<Problem> remove(const Call& call, const model::Resource& resource,
                                http::Response& response) const;
  // update-many and delete-many: every item the query's filters select (bulk_writes.cpp).
  std::optional<Problem> write_many(const Call& call, const model::Resource& resource,
                                    http::Response& response) const;

  // Reads on an event loop share one snapshot with the other reads of the loop's turn
  // (Database::hold_read_snapshot), released once the turn's requests are handled.
  void share_turn_snapshot(http::Response& response) const;
  const ResourceView& view(const model::Resource& resource) const;
  // What filling the slots `embed` asks for needs (embedding.hpp).
  EmbedContext embed_context(const Call& call) const;
  // The answer of a write of one item: the item with its ETag, in `status`; with `minimal`
  // (Prefer: return=minimal where a 204 is declared) its headers alone.
  std::optional<Problem> item_answer(const model::Operation& op, const store::Record& record,
                                     const model::Resource& resource, bool minimal, int status,
                                     http::Response& response) const;

  const model::Api& api_;
  store::Database& database_;
  std::unordered_map<const model::Resource*, ResourceView> views_;
};

}  // namespace apiserver::pipeline
