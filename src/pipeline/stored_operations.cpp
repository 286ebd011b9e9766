// The stored actions of a resource (see stored_operations.hpp).
#include "pipeline/stored_operations.hpp"

#include "http/answer_later.hpp"
#include "pipeline/content_negotiation.hpp"
#include "pipeline/list_query.hpp"
#include "pipeline/nested_rules.hpp"
#include "pipeline/preconditions.hpp"
#include "pipeline/prefer.hpp"
#include "pipeline/stored_rules.hpp"
#include "pipeline/stored_write.hpp"
#include "store/cell.hpp"

namespace apiserver::pipeline {
namespace {

using model::Column;
using model::CrudAction;
using model::Resource;

// The ETag of a stored item's answer (none for a resource without row versions).
void add_entity_tag(const store::Record& record, const Resource& resource,
                    http::Response& response) {
  std::string tag = entity_tag(record, resource);
  if (!tag.empty()) response.add_header("ETag", std::move(tag));
}

// 428 for a write without If-Match where the resource requires one; before any read, so that it
// says nothing of the row.
std::optional<Problem> missing_precondition(const Call& call, const Resource& resource) {
  if (!resource.if_match_required || call.request.header("if-match") != nullptr)
    return std::nullopt;
  return Problem::make(ProblemCode::kPreconditionRequired,
                       "this resource is written with If-Match only: read the item, then send "
                       "its ETag in If-Match");
}

// Prefer: return=minimal, where the operation declares a 204: the answer is its headers alone
// (ETag, Location). Elsewhere the preference is ignored, as RFC 7240 allows: the document
// declares no bodiless answer.
void answer_minimal(http::Response& response) {
  response.status = 204;
  response.add_header("Preference-Applied", "return=minimal");
}

bool wants_minimal(const Call& call) {
  return call.operation.declares_no_content && read_preferences(call.request).return_minimal;
}

Problem precondition_failed() {
  return Problem::make(ProblemCode::kPreconditionFailed,
                       "the item is not at the version If-Match names; read it again");
}

// If-Match of a write, checked in the writer's turn against the row as it is then (`current`
// when already read, else read here): false when the write must not happen. An item that does
// not exist is left to the write's own 404, so that a row another caller owns (404 too) and a
// row that is not there answer alike, with or without a condition.
bool write_allowed(const std::optional<std::string>& if_match, store::ResourceStore& rows,
                   const nlohmann::json& key, const Resource& resource,
                   const store::Record* current) {
  if (!if_match) return true;
  store::Record read;
  if (current == nullptr) {
    if (!rows.read(key, read).ok()) return true;
    current = &read;
  }
  return if_match_holds(&*if_match, entity_tag(*current, resource));
}

// The If-Match a write was sent with, kept for the writer's turn.
std::optional<std::string> if_match_of(const Call& call) {
  const std::string* if_match = call.request.header("if-match");
  return if_match != nullptr ? std::optional<std::string>(*if_match) : std::nullopt;
}

// A write to the item at the call's path, shared by the write and its answer (which may run
// after the handler returned): what it checks in the writer's turn, and what it found there.
struct ItemWrite {
  explicit ItemWrite(const Call& call, const Resource& resource)
      : key(key_of(call)),
        lineage(lineage_of(call)),
        owner(owner_scope(call, resource)),
        if_match(if_match_of(call)) {}

  // In the writer's turn, first: the row is not under the path's parents (kNotFound).
  store::StoreResult check_lineage(store::ResourceStore& rows) const {
    return lineage.empty() ? store::StoreResult{} : rows.check_lineage(&key, lineage);
  }

  // 404 for another caller's row, 412 for a row not at the version If-Match names.
  std::optional<Problem> refusal(const model::Operation& op, const http::Request& request) const {
    if (foreign) return not_found(op, request);
    if (stale) return precondition_failed();
    return std::nullopt;
  }

  nlohmann::json key;
  store::Lineage lineage;
  std::optional<std::string> owner, if_match;
  bool foreign = false;
  bool stale = false;
};

// The most items one batch create stores (the body size limit bounds it too).
constexpr size_t kMaxBatchItems = 1000;

bool writes_an_item(CrudAction action) {
  return action == CrudAction::kCreate || action == CrudAction::kReplace ||
         action == CrudAction::kUpdate || action == CrudAction::kUpdateMany;
}

}  // namespace

StoredOperations::StoredOperations(const model::Api& api, store::Database& database)
    : api_(api), database_(database) {
  for (const auto& resource : api.resources)
    views_.emplace(resource.get(), ResourceView(*resource));
}

const ResourceView& StoredOperations::view(const Resource& resource) const {
  return views_.at(&resource);
}

EmbedContext StoredOperations::embed_context(const Call& call) const {
  return {database_, views_, api_.settings.list.default_limit, call};
}

std::optional<Problem> StoredOperations::check_acceptable(const http::Request& request) const {
  if (accepts_json(request.header("accept"))) return std::nullopt;
  return Problem::make(ProblemCode::kNotAcceptable,
                       "this operation answers application/json; the Accept header excludes it");
}

std::optional<Problem> StoredOperations::read_request_body(const model::Operation& op,
                                                           const http::Request& request, Body& body,
                                                           std::vector<FieldError>& errors) const {
  // A merge patch is validated once merged.
  const bool validate = op.crud != CrudAction::kUpdate && op.crud != CrudAction::kUpdateMany;
  if (auto problem = read_body(op, request, validate, body, errors)) return problem;
  if (!writes_an_item(op.crud)) return std::nullopt;
  if (!op.body) {
    if (auto problem = parse_json_body(request.body, body.json)) return problem;
    body.present = !request.body.empty();
    if (validate && op.resource->item_schema)
      op.resource->item_schema->validate(body.json, ErrorSource::kBody, "", errors);
  }
  if (errors.empty() && !body.json.is_object() && !(op.batch_create && body.json.is_array()))
    errors.push_back({ErrorSource::kBody, "", "", "must be a JSON object"});
  // An envelope holds the item in one property ({"article": {...}}).
  const std::string& wrapper = op.envelope.request;
  if (errors.empty() && !wrapper.empty() && body.json.is_object()) {
    auto inner = body.json.find(wrapper);
    if (inner == body.json.end() || !inner->is_object())
      errors.push_back({ErrorSource::kBody, "", "/" + wrapper, "must be a JSON object: the item"});
  }
  return std::nullopt;
}

bool StoredOperations::reports_errors(const model::Operation& op) const {
  return op.crud == CrudAction::kList || op.crud == CrudAction::kUpdateMany ||
         op.crud == CrudAction::kDeleteMany;
}

bool StoredOperations::database_failed(const Problem& problem) const {
  return problem.code == ProblemCode::kInternal || problem.code == ProblemCode::kServiceUnavailable;
}

std::optional<Problem> StoredOperations::item_answer(const model::Operation& op,
                                                     const store::Record& record,
                                                     const Resource& resource, bool minimal,
                                                     int status, http::Response& response) const {
  add_entity_tag(record, resource, response);
  if (minimal) {
    answer_minimal(response);
    return std::nullopt;
  }
  json_response(response, status);
  open_envelope(op, response.body);
  view(resource).write(record, response.body);
  close_envelope(op, response.body);
  return std::nullopt;
}

void StoredOperations::share_turn_snapshot(http::Response& response) const {
  if (response.loop == nullptr) return;
  if (std::function<void()> release = database_.hold_read_snapshot())
    response.loop->after_batch(&database_, std::move(release), /*first=*/true);
}

std::optional<Problem> StoredOperations::answer(const Call& call, http::Response& response) const {
  const Resource& resource = *call.operation.resource;
  if (call.operation.crud == CrudAction::kList || call.operation.crud == CrudAction::kRead)
    share_turn_snapshot(response);
  switch (call.operation.crud) {
    case CrudAction::kList:
      return list(call, resource, response);
    case CrudAction::kCreate:
      return create(call, resource, response);
    case CrudAction::kRead:
      return read(call, resource, response);
    case CrudAction::kReplace:
      return replace(call, resource, response);
    case CrudAction::kUpdate:
      return update(call, resource, response);
    case CrudAction::kDelete:
      return remove(call, resource, response);
    case CrudAction::kUpdateMany:
    case CrudAction::kDeleteMany:
      return write_many(call, resource, response);
    case CrudAction::kNone:
      break;
  }
  return Problem::make(ProblemCode::kInternal, "");
}

std::optional<Problem> StoredOperations::create(const Call& call, const Resource& resource,
                                                http::Response& response) const {
  if (call.body.json.is_array()) return create_batch(call, resource, response);
  nlohmann::json item = take_item(call);
  std::vector<FieldError> errors;
  screen_read_only(item, resource, api_.settings.refuse_read_only, errors);
  screen_integer_range(item, resource, errors);
  store::Lineage lineage = lineage_of(call);
  stamp_parent_key(item, resource, lineage, errors);
  derive_key(item, resource, errors);
  point_into_envelope(call.operation, errors);
  if (!errors.empty()) return Problem::validation(std::move(errors));
  // The caller owns what it creates, whatever the body says.
  if (resource.owned()) item[owner_column(resource).property] = call.identity.subject;
  stamp_times(item, resource, nullptr);
  // Shared by the write and its answer, which may run after this function returned.
  struct Created {
    nlohmann::json item;
    store::Lineage lineage;
    store::Record record;
  };
  auto created = std::make_shared<Created>();
  created->item = std::move(item);
  created->lineage = std::move(lineage);
  const model::Operation& op = call.operation;
  const bool minimal = wants_minimal(call);
  return write_then_answer(
      call, response, database_, resource,
      [created](store::ResourceStore& rows) {
        // Under a parent that is there, checked in the writer's turn: no orphan slips in.
        store::StoreResult parent = rows.check_lineage(nullptr, created->lineage);
        if (!parent.ok()) return parent;
        return rows.create(created->item, created->record);
      },
      [this, created, &resource, &op, minimal](const store::StoreResult& result,
                                               const http::Request& request,
                                               http::Response& answer) -> std::optional<Problem> {
        // Only a parent that is not there makes a create kNotFound.
        if (result.status == store::StoreStatus::kNotFound) return parent_not_found(op, request);
        if (auto problem = store_problem(result, op, request)) return problem;
        const ResourceView& v = view(resource);
        // A nested collection's path names its parent: the item is below the one asked.
        std::string location = resource.parent ? request.path : resource.collection_path;
        if (location.empty() || location.back() != '/') location += '/';
        answer.add_header("Location", location + v.key_segment(created->record));
        return item_answer(op, created->record, resource, minimal, op.success_status, answer);
      });
}

std::optional<Problem> StoredOperations::create_batch(const Call& call, const Resource& resource,
                                                      http::Response& response) const {
  const nlohmann::json& body = call.body.json;
  if (body.size() > kMaxBatchItems)
    return Problem::validation({{ErrorSource::kBody, "", "",
                                 "holds " + std::to_string(body.size()) + " items; a batch takes " +
                                     "at most " + std::to_string(kMaxBatchItems)}});
  // Every item is checked before any is stored; each error names its item (/3/price).
  std::vector<nlohmann::json> items;
  std::vector<FieldError> errors;
  store::Lineage lineage = lineage_of(call);
  for (size_t i = 0; i < body.size(); ++i) {
    const std::string at = "/" + std::to_string(i);
    nlohmann::json item = body[i];
    std::vector<FieldError> item_errors;
    if (!item.is_object()) {
      item_errors.push_back({ErrorSource::kBody, "", "", "must be a JSON object"});
    } else {
      screen_read_only(item, resource, api_.settings.refuse_read_only, item_errors);
      screen_integer_range(item, resource, item_errors);
      if (resource.item_schema)
        resource.item_schema->validate(item, ErrorSource::kBody, "", item_errors);
      stamp_parent_key(item, resource, lineage, item_errors);
      derive_key(item, resource, item_errors);
    }
    for (FieldError& e : item_errors) {
      e.pointer = at + e.pointer;
      errors.push_back(std::move(e));
    }
    if (resource.owned()) item[owner_column(resource).property] = call.identity.subject;
    stamp_times(item, resource, nullptr);
    items.push_back(std::move(item));
  }
  if (!errors.empty()) return Problem::validation(std::move(errors));
  // Shared by the write and its answer, which may run after this function returned.
  struct Batch {
    store::Lineage lineage;
    std::vector<nlohmann::json> items;
    std::vector<store::Record> records;
    size_t failed = 0;
  };
  auto state = std::make_shared<Batch>();
  state->records.resize(items.size());
  state->items = std::move(items);
  state->lineage = std::move(lineage);
  auto write = [state](store::ResourceStore& rows) {
    Batch& s = *state;
    store::StoreResult parent = rows.check_lineage(nullptr, s.lineage);
    if (!parent.ok()) return parent;
    for (size_t i = 0; i < s.items.size(); ++i) {
      store::StoreResult created = rows.create(s.items[i], s.records[i]);
      if (!created.ok()) {
        s.failed = i;
        return created;  // the writer rolls back every row of this write
      }
    }
    return store::StoreResult{};
  };
  const model::Operation& op = call.operation;
  return write_then_answer(
      call, response, database_, resource, std::move(write),
      [this, state, &resource, &op](const store::StoreResult& result, const http::Request& request,
                                    http::Response& answer) -> std::optional<Problem> {
        const std::string at = "/" + std::to_string(state->failed);
        if (result.status == store::StoreStatus::kInvalid)
          return Problem::validation(
              {{ErrorSource::kBody, "", at + "/" + result.detail, "is required"}});
        if (result.status == store::StoreStatus::kUnknownReference)
          return Problem::validation({{ErrorSource::kBody, "", at + "/" + result.detail,
                                       unknown_reference(resource, result)}});
        if (result.status == store::StoreStatus::kConflict)
          return Problem::make(ProblemCode::kConflict, "item " + at + ": " + result.detail);
        if (result.status == store::StoreStatus::kNotFound) return parent_not_found(op, request);
        if (auto problem = store_problem(result, op, request)) return problem;
        json_response(answer, op.success_status);
        const ResourceView& v = view(resource);
        answer.body += '[';
        for (size_t i = 0; i < state->records.size(); ++i) {
          if (i > 0) answer.body += ',';
          v.write(state->records[i], answer.body);
        }
        answer.body += ']';
        return std::nullopt;
      });
}

std::optional<Problem> StoredOperations::replace(const Call& call, const Resource& resource,
                                                 http::Response& response) const {
  if (auto problem = missing_precondition(call, resource)) return problem;
  nlohmann::json item = take_item(call);
  std::vector<FieldError> errors;
  nlohmann::json key = key_of(call);
  const Column& key_column = resource.key_column();
  // A key in the body may repeat the path's, never contradict it (read-only or not).
  if (auto it = item.find(key_column.property); it != item.end()) {
    if (*it != key) {
      errors.push_back(
          {ErrorSource::kBody, "", "/" + key_column.property, "must equal the key in the path"});
    }
    item.erase(it);
  }
  screen_read_only(item, resource, api_.settings.refuse_read_only, errors);
  screen_integer_range(item, resource, errors);
  stamp_parent_key(item, resource, lineage_of(call), errors);
  point_into_envelope(call.operation, errors);
  if (!errors.empty()) return Problem::validation(std::move(errors));
  struct Replaced : ItemWrite {
    using ItemWrite::ItemWrite;
    nlohmann::json item;
    store::Record record;
    nlohmann::json created;
    // The created time of the row replaced (read here unless owned() read it already), or
    // null when there is no row yet and the replace creates it.
    const nlohmann::json* created_before(store::ResourceStore& rows, const Resource& resource) {
      if (resource.created_column < 0) return nullptr;
      if (!resource.owned() && !rows.read(key, record).ok()) return nullptr;
      created = store::cell_value(record[static_cast<size_t>(resource.created_column)],
                                  model::ColumnType::kText);
      return &created;
    }
  };
  auto state = std::make_shared<Replaced>(call, resource);
  state->item = std::move(item);
  const model::Operation& op = call.operation;
  const bool minimal = wants_minimal(call);
  auto write = [state, &resource](store::ResourceStore& rows) {
    Replaced& s = *state;
    if (store::StoreResult under = s.check_lineage(rows); !under.ok()) return under;
    if (resource.owned()) {
      // The row's owner stays; a caller who may not see the row finds none.
      store::StoreResult found = rows.read(s.key, s.record);
      if (!found.ok()) return found;
      if (s.owner && !owned_by(s.record, resource, *s.owner)) {
        s.foreign = true;
        return store::StoreResult{store::StoreStatus::kAborted, ""};
      }
      s.item[owner_column(resource).property] =
          s.record[static_cast<size_t>(resource.owner_column)].text;
    }
    stamp_times(s.item, resource, s.created_before(rows, resource));
    if (!write_allowed(s.if_match, rows, s.key, resource, resource.owned() ? &s.record : nullptr)) {
      s.stale = true;
      return store::StoreResult{store::StoreStatus::kAborted, ""};
    }
    return rows.replace(s.key, s.item, s.record);
  };
  return write_then_answer(call, response, database_, resource, std::move(write),
                           [this, state, &resource, &op, minimal](
                               const store::StoreResult& result, const http::Request& request,
                               http::Response& answer) -> std::optional<Problem> {
                             if (auto problem = state->refusal(op, request)) return problem;
                             if (auto problem = store_problem(result, op, request)) return problem;
                             return item_answer(op, state->record, resource, minimal, 200, answer);
                           });
}

std::optional<Problem> StoredOperations::update(const Call& call, const Resource& resource,
                                                http::Response& response) const {
  if (auto problem = missing_precondition(call, resource)) return problem;
  if (!call.body.json.is_object())
    return Problem::validation(
        {{ErrorSource::kBody, "", "", "must be a JSON object (a JSON Merge Patch, RFC 7396)"}});
  nlohmann::json patch = item_of(call);
  std::vector<FieldError> errors;
  screen_read_only(patch, resource, api_.settings.refuse_read_only, errors);
  screen_integer_range(patch, resource, errors);
  patch.erase(resource.key_column().property);  // the key lives in the path
  stamp_parent_key(patch, resource, lineage_of(call), errors);
  point_into_envelope(call.operation, errors);
  if (!errors.empty()) return Problem::validation(std::move(errors));

  struct Updated : ItemWrite {
    using ItemWrite::ItemWrite;
    nlohmann::json patch;
    store::Record record;
    std::vector<FieldError> merge_errors;
  };
  auto state = std::make_shared<Updated>(call, resource);
  state->patch = std::move(patch);
  const model::Operation& op = call.operation;
  const bool minimal = wants_minimal(call);
  // Read, merge, validate and write in one write of the writer: nothing comes in between.
  auto write = [state, &resource](store::ResourceStore& rows) {
    Updated& s = *state;
    if (store::StoreResult under = s.check_lineage(rows); !under.ok()) return under;
    if (!write_allowed(s.if_match, rows, s.key, resource, nullptr)) {
      // A foreign row is absent to its caller, whatever its version: the update says so below.
      store::Record current;
      if (s.owner && rows.read(s.key, current).ok() && !owned_by(current, resource, *s.owner)) {
        s.foreign = true;
      } else {
        s.stale = true;
      }
      return store::StoreResult{store::StoreStatus::kAborted, ""};
    }
    return rows.update(
        s.key,
        [&](nlohmann::json& item) {
          return merge_patch_into(item, s.patch, resource, s.owner, s.foreign, s.merge_errors);
        },
        s.record);
  };
  return write_then_answer(call, response, database_, resource, std::move(write),
                           [this, state, &resource, &op, minimal](
                               const store::StoreResult& result, const http::Request& request,
                               http::Response& answer) -> std::optional<Problem> {
                             if (auto problem = state->refusal(op, request)) return problem;
                             if (result.status == store::StoreStatus::kAborted) {
                               point_into_envelope(op, state->merge_errors);
                               return Problem::validation(std::move(state->merge_errors));
                             }
                             if (auto problem = store_problem(result, op, request)) return problem;
                             return item_answer(op, state->record, resource, minimal, 200, answer);
                           });
}

std::optional<Problem> StoredOperations::remove(const Call& call, const Resource& resource,
                                                http::Response& response) const {
  if (auto problem = missing_precondition(call, resource)) return problem;
  auto state = std::make_shared<ItemWrite>(call, resource);
  const model::Operation& op = call.operation;
  auto write = [state, &resource](store::ResourceStore& rows) {
    ItemWrite& s = *state;
    if (store::StoreResult under = s.check_lineage(rows); !under.ok()) return under;
    store::Record record;
    if (s.owner) {
      store::StoreResult found = rows.read(s.key, record);
      if (!found.ok()) return found;
      if (!owned_by(record, resource, *s.owner)) {
        s.foreign = true;
        return store::StoreResult{store::StoreStatus::kAborted, ""};
      }
    }
    if (!write_allowed(s.if_match, rows, s.key, resource, s.owner ? &record : nullptr)) {
      s.stale = true;
      return store::StoreResult{store::StoreStatus::kAborted, ""};
    }
    return rows.remove(s.key);
  };
  return write_then_answer(
      call, response, database_, resource, std::move(write),
      [state, &op](const store::StoreResult& result, const http::Request& request,
                   http::Response& answer) -> std::optional<Problem> {
        if (auto problem = state->refusal(op, request)) return problem;
        if (auto problem = store_problem(result, op, request)) return problem;
        answer.status = 204;
        return std::nullopt;
      });
}

}  // namespace apiserver::pipeline
