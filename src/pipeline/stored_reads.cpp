// The stored reads of a resource: list and read (see stored_operations.hpp).
#include "pipeline/content_negotiation.hpp"
#include "pipeline/list_query.hpp"
#include "pipeline/nested_rules.hpp"
#include "pipeline/preconditions.hpp"
#include "pipeline/prefer.hpp"
#include "pipeline/stored_operations.hpp"
#include "pipeline/stored_rules.hpp"

namespace apiserver::pipeline {

using model::Resource;

void open_envelope(const model::Operation& op, std::string& body) {
  body += op.envelope.response_opening;
}

void close_envelope(const model::Operation& op, std::string& body) {
  if (!op.envelope.response.empty()) body += '}';
}

std::optional<Problem> StoredOperations::list(const Call& call, const Resource& resource,
                                              http::Response& response) const {
  ListRequest request = parse_list_query(call, api_);
  const EmbedSelection embeds = read_embed_selection(call, resource, request.errors);
  if (!request.errors.empty()) return Problem::validation(std::move(request.errors));
  store::ListQuery& query = request.query;
  if (std::optional<std::string> owner = owner_scope(call, resource))
    query.filters.push_back({static_cast<size_t>(resource.owner_column), *owner});
  if (const store::Lineage lineage = lineage_of(call); !lineage.empty()) {
    // A parent that is not there has no list, not an empty one.
    store::StoreResult parent = database_.store(resource).check_lineage(nullptr, lineage);
    if (parent.status == store::StoreStatus::kNotFound)
      return parent_not_found(call.operation, call.request);
    if (auto problem = store_problem(parent, call)) return problem;
    query.filters.push_back(parent_filter(resource, lineage));
  }
  const bool count_asked = read_preferences(call.request).count_exact;
  const model::Envelope& envelope = call.operation.envelope;
  // An envelope with a count ({"articles": [...], "articlesCount": 7}) always has the total.
  query.want_total = count_asked || !envelope.count.empty();
  query.time_limit = api_.settings.query_time_limit;

  std::vector<store::Record> rows;
  long long total = 0;
  store::StoreResult result = database_.store(resource).list(query, rows, total);
  if (auto problem = store_problem(result, call)) return problem;
  std::vector<std::string> members;
  if (!embeds.empty()) {
    result = write_embeds(embed_context(call), resource, rows, embeds, members);
    if (auto problem = store_problem(result, call)) return problem;
  }

  json_response(response, 200);
  const ResourceView& v = view(resource);
  response.body.reserve(64 + rows.size() * 128);
  open_envelope(call.operation, response.body);
  response.body += '[';
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) response.body += ',';
    v.write(rows[i], response.body, request.fields,
            members.empty() ? std::string_view() : members[i]);
  }
  response.body += ']';
  if (!envelope.count.empty()) response.body += envelope.count_member + std::to_string(total);
  close_envelope(call.operation, response.body);
  std::string next_cursor;
  if (!request.offset_paging && !rows.empty())
    next_cursor = encode_cursor(request, database_.store(resource).position_of(query, rows.back()));
  std::string links = page_links(request, call.request.path, rows.size(), total, next_cursor);
  if (count_asked) {
    response.add_header("X-Total-Count", std::to_string(total));
    response.add_header("Preference-Applied", "count=exact");
  }
  response.add_header("Link", links);
  return std::nullopt;
}

std::optional<Problem> StoredOperations::read(const Call& call, const Resource& resource,
                                              http::Response& response) const {
  std::vector<FieldError> errors;
  FieldMask fields = read_field_selection(call, resource, errors);
  const EmbedSelection embeds = read_embed_selection(call, resource, errors);
  if (!errors.empty()) return Problem::validation(std::move(errors));
  store::Record record;
  const nlohmann::json key = key_of(call);
  store::ResourceStore& rows = database_.store(resource);
  if (const store::Lineage lineage = lineage_of(call); !lineage.empty()) {
    // Through another parent, the item is not there.
    if (auto problem = store_problem(rows.check_lineage(&key, lineage), call)) return problem;
  }
  store::StoreResult result = rows.read(key, record);
  if (auto problem = store_problem(result, call)) return problem;
  // Another caller's row is absent, not forbidden: its existence does not leak.
  if (auto owner = owner_scope(call, resource); owner && !owned_by(record, resource, *owner))
    return not_found(call);
  std::vector<std::string> members;
  if (!embeds.empty()) {
    result = write_embeds(embed_context(call), resource, {record}, embeds, members);
    if (auto problem = store_problem(result, call)) return problem;
  }
  // A selection of fields, or embedded rows, is another representation: it goes without the
  // item's ETag.
  if (fields.empty() && embeds.empty()) {
    std::string tag = entity_tag(record, resource);
    const bool current = !if_none_match_holds(call.request.header("if-none-match"), tag);
    if (!tag.empty()) response.add_header("ETag", std::move(tag));
    if (current) {
      response.status = 304;  // the client's copy is current: no body
      return std::nullopt;
    }
  }
  json_response(response, 200);
  open_envelope(call.operation, response.body);
  view(resource).write(record, response.body, fields,
                       members.empty() ? std::string_view() : members[0]);
  close_envelope(call.operation, response.body);
  return std::nullopt;
}

}  // namespace apiserver::pipeline
