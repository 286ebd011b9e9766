#include "pipeline/stored_rules.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>

#include "text/slug.hpp"

namespace apiserver::pipeline {

using model::Column;
using model::Resource;

Problem not_found(const model::Operation& op, const http::Request& request) {
  return Problem::make(ProblemCode::kResourceNotFound,
                       "no " + op.resource->name + " at " + request.path);
}

std::string unknown_reference(const Resource& resource, const store::StoreResult& result) {
  for (const model::Reference& reference : resource.references) {
    if (resource.columns[reference.column].property == result.detail)
      return "names no " + reference.target->name + ": no item has that key";
  }
  return "names no item";
}

nlohmann::json key_of(const Call& call) {
  const nlohmann::json* key =
      call.parameters.find(model::ParamLocation::kPath, call.operation.key_parameter);
  return key != nullptr ? *key : nlohmann::json();
}

nlohmann::json item_of(const Call& call) {
  const std::string& wrapper = call.operation.envelope.request;
  if (wrapper.empty()) return call.body.json;
  // Without it (an error already reported, where the operation reports its own): nothing.
  auto inner = call.body.json.find(wrapper);
  return inner != call.body.json.end() && inner->is_object() ? *inner : nlohmann::json::object();
}

nlohmann::json take_item(const Call& call) {
  const std::string& wrapper = call.operation.envelope.request;
  if (wrapper.empty()) return std::move(call.body.json);
  auto inner = call.body.json.find(wrapper);
  return inner != call.body.json.end() && inner->is_object() ? std::move(*inner)
                                                             : nlohmann::json::object();
}

std::string item_pointer(const model::Operation& op) {
  return op.envelope.request.empty() ? std::string() : "/" + op.envelope.request;
}

void point_into_envelope(const model::Operation& op, std::vector<FieldError>& errors) {
  if (op.envelope.request.empty()) return;
  for (FieldError& e : errors) {
    if (e.source == ErrorSource::kBody) e.pointer = item_pointer(op) + e.pointer;
  }
}

std::optional<Problem> store_problem(const store::StoreResult& result, const model::Operation& op,
                                     const http::Request& request) {
  switch (result.status) {
    case store::StoreStatus::kOk:
      return std::nullopt;
    case store::StoreStatus::kNotFound:
      return not_found(op, request);
    case store::StoreStatus::kConflict:
      return Problem::make(ProblemCode::kConflict, result.detail);
    case store::StoreStatus::kInvalid:
      return Problem::validation({{ErrorSource::kBody, "", item_pointer(op) + "/" + result.detail,
                                   result.reason.empty() ? "is required" : result.reason}});
    case store::StoreStatus::kUnknownReference:
      return Problem::validation({{ErrorSource::kBody, "", item_pointer(op) + "/" + result.detail,
                                   unknown_reference(*op.resource, result)}});
    case store::StoreStatus::kBusy:
      spdlog::warn("database busy: {}", result.detail);
      return Problem::make(ProblemCode::kServiceUnavailable, "the database is busy; retry shortly")
          .with_header("Retry-After", "1");
    case store::StoreStatus::kAborted:
      return std::nullopt;
    case store::StoreStatus::kTimedOut:
      spdlog::warn("{}: a list ran past its time limit: {}", request.path, result.detail);
      return Problem::make(ProblemCode::kServiceUnavailable,
                           "the list took longer than its time limit (x-apiserver limits: "
                           "query-time); narrow its filters, or declare an index for what it "
                           "filters and sorts by (x-apiserver-filter, x-apiserver-sort)");
  }
  return std::nullopt;
}

void json_response(http::Response& response, int status) {
  response.status = status;
  response.content_type = "application/json";
}

// Drops (or, with read-only-input: refuse, reports) properties a client may
// not set: readOnly ones and an implicit key.
void screen_read_only(nlohmann::json& item, const Resource& resource, bool refuse,
                      std::vector<FieldError>& errors) {
  for (const Column& c : resource.columns) {
    if (!c.read_only) continue;
    auto it = item.find(c.property);
    if (it == item.end()) continue;
    if (refuse && c.in_schema) {
      errors.push_back({ErrorSource::kBody, "", "/" + c.property, "is read-only"});
    } else {
      item.erase(it);
    }
  }
  // Embed slots are read-only too, though no column stores them.
  for (const model::Embed& e : resource.embeds) {
    auto it = item.find(e.name);
    if (it == item.end()) continue;
    if (refuse) {
      errors.push_back({ErrorSource::kBody, "", "/" + e.name, "is read-only"});
    } else {
      item.erase(it);
    }
  }
}

// Reports integers an integer column cannot hold. The schema says `integer`, and 1e300 or
// 18446744073709551615 are integers, but SQLite keeps 64 bits: stored, they would come back
// as other numbers.
void screen_integer_range(const nlohmann::json& item, const Resource& resource,
                          std::vector<FieldError>& errors) {
  constexpr double kTwoTo63 = 9223372036854775808.0;
  for (const Column& c : resource.columns) {
    if (c.type != model::ColumnType::kInteger) continue;
    auto it = item.find(c.property);
    if (it == item.end()) continue;
    const bool too_big =
        (it->is_number_unsigned() &&
         it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) ||
        (it->is_number_float() &&
         !(it->get<double>() >= -kTwoTo63 && it->get<double>() < kTwoTo63));
    if (too_big)
      errors.push_back({ErrorSource::kBody, "", "/" + c.property,
                        "must be an integer from -9223372036854775808 to 9223372036854775807"});
  }
}

void derive_key(nlohmann::json& item, const Resource& resource, std::vector<FieldError>& errors) {
  if (resource.key_from.empty() || !item.is_object()) return;
  const std::string& key = resource.key_column().property;
  if (auto sent = item.find(key); sent != item.end() && !sent->is_null()) return;
  auto from = item.find(resource.key_from);
  if (from == item.end() || !from->is_string()) return;  // the server's own key, as without
  std::string slug = text::slug_of(from->get_ref<const std::string&>());
  if (slug.empty()) {
    errors.push_back({ErrorSource::kBody, "", "/" + resource.key_from,
                      "makes no " + key + ": it needs a letter or a digit"});
    return;
  }
  item[key] = std::move(slug);
}

// The owner a caller may see, or nullopt when it sees every row (the resource has no owner,
// or the caller is one of its admins).
std::optional<std::string> owner_scope(const Call& call, const Resource& resource) {
  if (!resource.owned()) return std::nullopt;
  const model::Identity& identity = call.identity;
  for (const std::string& admin : resource.owner_admins) {
    if (identity.subject == admin) return std::nullopt;
  }
  if (!resource.owner_admin_scope.empty()) {
    for (const std::string& scope : identity.scopes) {
      if (scope == resource.owner_admin_scope) return std::nullopt;
    }
  }
  return identity.subject;
}

const Column& owner_column(const Resource& resource) {
  return resource.columns[static_cast<size_t>(resource.owner_column)];
}

bool owned_by(const store::Record& record, const Resource& resource, const std::string& owner) {
  const store::Cell& cell = record[static_cast<size_t>(resource.owner_column)];
  return cell.indicator != soci::i_null && cell.text == owner;
}

namespace {

// Now as RFC 3339 in UTC, to the millisecond: 2026-12-06T04:40:00.123Z.
std::string utc_now() {
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const time_t seconds = static_cast<time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

}  // namespace

void stamp_times(nlohmann::json& item, const Resource& resource,
                 const nlohmann::json* created_before) {
  if (resource.created_property.empty() && resource.updated_property.empty()) return;
  const std::string now = utc_now();
  if (!resource.updated_property.empty()) item[resource.updated_property] = now;
  if (resource.created_property.empty()) return;
  if (created_before != nullptr && created_before->is_string())
    item[resource.created_property] = *created_before;
  else
    item[resource.created_property] = now;
}

bool merge_patch_into(nlohmann::json& item, const nlohmann::json& patch, const Resource& resource,
                      const std::optional<std::string>& owner, bool& foreign,
                      std::vector<FieldError>& errors) {
  const nlohmann::json created = resource.created_property.empty()
                                     ? nlohmann::json()
                                     : item.value(resource.created_property, nlohmann::json());
  if (resource.owned()) {
    const std::string& property = owner_column(resource).property;
    nlohmann::json kept = item.value(property, nlohmann::json());
    if (owner && kept != *owner) {
      foreign = true;
      return false;
    }
    item.merge_patch(patch);
    item[property] = kept;
  } else {
    item.merge_patch(patch);
  }
  stamp_times(item, resource, &created);
  if (!resource.item_schema) return true;
  nlohmann::json visible = item;
  for (const Column& c : resource.columns) {
    if (!c.in_schema) visible.erase(c.property);
  }
  // As answers show it: with the properties answered as mocks, whatever the patch said of them.
  for (const model::Resource::MockedProperty& m : resource.mocked_properties)
    visible[m.name] = m.value;
  return resource.item_schema->validate(visible, ErrorSource::kBody, "", errors);
}

}  // namespace apiserver::pipeline
