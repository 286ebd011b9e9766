// What every stored action shares: the problems a store result maps to, JSON answers, the
// screening of items a client sends, and row ownership.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/response.hpp"
#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "problem/problem.hpp"
#include "store/resource_store.hpp"

namespace apiserver::pipeline {

// 404 for the item at the request's path.
Problem not_found(const model::Operation& op, const http::Request& request);
inline Problem not_found(const Call& call) {
  return not_found(call.operation, call.request);
}

// The detail of a kUnknownReference result: which resource its property names no item of.
std::string unknown_reference(const model::Resource& resource, const store::StoreResult& result);

// The problem a store result is (nullopt for kOk and kAborted, which the action handles).
std::optional<Problem> store_problem(const store::StoreResult& result, const model::Operation& op,
                                     const http::Request& request);
inline std::optional<Problem> store_problem(const store::StoreResult& result, const Call& call) {
  return store_problem(result, call.operation, call.request);
}

void json_response(http::Response& response, int status);

// Drops (or, with read-only-input: refuse, reports) properties a client may not set: readOnly
// ones and an implicit key.
void screen_read_only(nlohmann::json& item, const model::Resource& resource, bool refuse,
                      std::vector<FieldError>& errors);

// Reports integers an integer column cannot hold (SQLite keeps 64 bits).
void screen_integer_range(const nlohmann::json& item, const model::Resource& resource,
                          std::vector<FieldError>& errors);

// x-apiserver-key {property, from}: an item created without a key gets the slug of its `from`
// property; one whose slug is empty is an error at that property.
void derive_key(nlohmann::json& item, const model::Resource& resource,
                std::vector<FieldError>& errors);

// The owner a caller may see, or nullopt when it sees every row (the resource has no owner,
// or the caller is one of its admins).
// The key from the item path, as the path parameter's schema coerced it.
nlohmann::json key_of(const Call& call);

// Where the item stands in the request body: "/article" in an envelope, else "" (the body).
std::string item_pointer(const model::Operation& op);
// The item a write's body holds: the body, or its envelope's property (an empty object when
// it is missing, which read_request_body reports).
nlohmann::json item_of(const Call& call);
// The same, moved out of the body instead of copied (a parsed body's copy is an allocation per
// member and string): for a handler that reads the body no more.
nlohmann::json take_item(const Call& call);
// Moves the body errors found on the item (`/title`) to where the item stands (`/article/title`).
void point_into_envelope(const model::Operation& op, std::vector<FieldError>& errors);

std::optional<std::string> owner_scope(const Call& call, const model::Resource& resource);

const model::Column& owner_column(const model::Resource& resource);

bool owned_by(const store::Record& record, const model::Resource& resource,
              const std::string& owner);

// Writes the server's times (model::Resource::created_property, updated_property) into `item`:
// `updated` is now; `created` is `created_before` (an item written again), or now when that is
// null (a new item). Whatever the client sent there is replaced.
void stamp_times(nlohmann::json& item, const model::Resource& resource,
                 const nlohmann::json* created_before);

// Merges a JSON Merge Patch into a stored item: false when the item is another owner's
// (`foreign`) or the merged item is not a valid whole item, as a PUT would send it (`errors`).
// The owner property and the created time keep their stored values; the updated time is now.
bool merge_patch_into(nlohmann::json& item, const nlohmann::json& patch,
                      const model::Resource& resource, const std::optional<std::string>& owner,
                      bool& foreign, std::vector<FieldError>& errors);

}  // namespace apiserver::pipeline
