// update-many and delete-many: one merge patch to, or the delete of, every item the query's
// filters select, in one write of the writer (all or none).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/list_query.hpp"
#include "pipeline/nested_rules.hpp"
#include "pipeline/stored_operations.hpp"
#include "pipeline/stored_rules.hpp"
#include "pipeline/stored_write.hpp"
#include "store/cell.hpp"

namespace apiserver::pipeline {
namespace {

// The most items one bulk write changes; a filter that selects more is refused.
constexpr long long kMaxBulkItems = 1000;

// Only filters (and q) select a bulk write's items: what shapes a page of a list does not apply.
void refuse_page_parameters(const Call& call, std::vector<FieldError>& errors) {
  for (const auto& [name, value] : call.query) {
    if (name == "limit" || name == "offset" || name == "cursor" || name == "sort" ||
        name == "fields")
      errors.push_back({ErrorSource::kQuery, name, "",
                        "does not apply here: filters alone select the items to write"});
  }
}

std::string key_text(const nlohmann::json& key) {
  return key.is_string() ? key.get<std::string>() : key.dump();
}

}  // namespace

std::optional<Problem> StoredOperations::write_many(const Call& call,
                                                    const model::Resource& resource,
                                                    http::Response& response) const {
  const bool update = call.operation.crud == model::CrudAction::kUpdateMany;
  if (resource.if_match_required)
    return Problem::make(ProblemCode::kPreconditionRequired,
                         "this resource is written with If-Match only, item by item: a write "
                         "to many items cannot name each one's version");
  ListRequest request = parse_list_query(call, api_);
  refuse_page_parameters(call, request.errors);
  store::ListQuery& query = request.query;
  if (request.errors.empty() && query.filters.empty() && query.search.empty())
    request.errors.push_back({ErrorSource::kQuery, "", "",
                              "needs at least one filter: a write to many items never applies "
                              "to the whole collection"});
  nlohmann::json patch = update ? item_of(call) : nlohmann::json();
  if (update) {
    std::vector<FieldError> screened;
    screen_read_only(patch, resource, api_.settings.refuse_read_only, screened);
    screen_integer_range(patch, resource, screened);
    point_into_envelope(call.operation, screened);
    request.errors.insert(request.errors.end(), screened.begin(), screened.end());
    patch.erase(resource.key_column().property);  // keys stay
  }
  store::Lineage lineage = lineage_of(call);
  if (!lineage.empty()) {
    if (update) stamp_parent_key(patch, resource, lineage, request.errors);
    query.filters.push_back(parent_filter(resource, lineage));
  }
  if (!request.errors.empty()) return Problem::validation(std::move(request.errors));
  const std::optional<std::string> owner = owner_scope(call, resource);
  if (owner) query.filters.push_back({static_cast<size_t>(resource.owner_column), *owner});
  query.sort.clear();
  query.offset = 0;
  query.limit = kMaxBulkItems + 1;

  // Shared by the write and its answer, which may run after this function returned.
  struct Many {
    store::ListQuery query;
    nlohmann::json patch;
    std::optional<std::string> owner;
    store::Lineage lineage;
    std::vector<store::Record> written;
    std::vector<FieldError> invalid;
    bool too_many = false;
  };
  auto state = std::make_shared<Many>();
  state->query = std::move(query);
  state->patch = std::move(patch);
  state->owner = owner;
  state->lineage = std::move(lineage);
  auto write = [state, &resource, update](store::ResourceStore& rows) {
    Many& s = *state;
    // A parent that is not there has nothing under it to write: 404, as its list answers.
    if (store::StoreResult parent = rows.check_lineage(nullptr, s.lineage); !parent.ok())
      return parent;
    std::vector<store::Record> selected;
    long long total = 0;
    store::StoreResult listed = rows.list(s.query, selected, total);
    if (!listed.ok()) return listed;
    if (static_cast<long long>(selected.size()) > kMaxBulkItems) {
      s.too_many = true;
      return store::StoreResult{store::StoreStatus::kAborted, ""};
    }
    const model::Column& key_column = resource.key_column();
    for (const store::Record& record : selected) {
      const nlohmann::json key = store::cell_value(record[resource.key], key_column.type);
      if (!update) {
        store::StoreResult removed = rows.remove(key);
        if (!removed.ok()) return removed;
        s.written.push_back(record);
        continue;
      }
      std::vector<FieldError> errors;
      bool foreign = false;
      store::Record changed;
      store::StoreResult merged = rows.update(
          key,
          [&](nlohmann::json& item) {
            return merge_patch_into(item, s.patch, resource, s.owner, foreign, errors);
          },
          changed);
      for (FieldError& e : errors) {
        e.detail = "item " + key_text(key) + ": " + e.detail;
        s.invalid.push_back(std::move(e));
      }
      if (merged.status == store::StoreStatus::kAborted) continue;
      if (!merged.ok()) return merged;
      s.written.push_back(std::move(changed));
    }
    // One item the patch would make invalid: the writer rolls every item of this write back.
    if (!s.invalid.empty()) return store::StoreResult{store::StoreStatus::kAborted, ""};
    return store::StoreResult{};
  };
  const model::Operation& op = call.operation;
  return write_then_answer(
      call, response, database_, resource, std::move(write),
      [this, state, &resource, &op](const store::StoreResult& result,
                                    const http::Request& http_request,
                                    http::Response& answer) -> std::optional<Problem> {
        if (state->too_many)
          return Problem::validation({{ErrorSource::kQuery, "", "",
                                       "the filters select more than " +
                                           std::to_string(kMaxBulkItems) + " items; narrow them"}});
        if (!state->invalid.empty()) {
          point_into_envelope(op, state->invalid);
          return Problem::validation(std::move(state->invalid));
        }
        if (auto problem = store_problem(result, op, http_request)) return problem;
        answer.status = op.success_status;
        if (!op.answers_items) return std::nullopt;
        json_response(answer, op.success_status);
        open_envelope(op, answer.body);
        answer.body += '[';
        for (size_t i = 0; i < state->written.size(); ++i) {
          if (i > 0) answer.body += ',';
          view(resource).write(state->written[i], answer.body);
        }
        answer.body += ']';
        // An envelope's count is the number of items written, all of them in the answer.
        if (!op.envelope.count.empty())
          answer.body += op.envelope.count_member + std::to_string(state->written.size());
        close_envelope(op, answer.body);
        return std::nullopt;
      });
}

}  // namespace apiserver::pipeline
