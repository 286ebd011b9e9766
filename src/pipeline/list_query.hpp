// The query string of a stored list, read into a store query: filters (property=value),
// `sort` (comma-separated properties, '-' for descending), `limit`, `offset`, `cursor`, `q` and
// `fields`; and the query's pages written back as a Link header.
#pragma once

#include <string>
#include <vector>

#include "model/model.hpp"
#include "pipeline/call.hpp"
#include "pipeline/field_selection.hpp"
#include "problem/problem.hpp"
#include "store/resource_store.hpp"

namespace apiserver::pipeline {

struct ListRequest {
  // What the client asked for; the caller adds what it decides itself (the owner filter, the
  // exact count).
  store::ListQuery query;
  // The properties each item shows (`fields`); empty: all.
  FieldMask fields;
  // The filters and sort as sent, percent-encoded and each followed by '&': the start of every
  // page link's query.
  std::string kept_query;
  // The sort as parsed ("-price,title"), which a cursor carries to be checked against.
  std::string sort_text;
  // The client sent `offset`, or searched in rank order: the links page by offset; else the next
  // page is a cursor's.
  bool offset_paging = false;
  // q= without a sort: the best matches first.
  bool ranked = false;
  // call.errors and the list's own (unknown filters, bad sort, limit out of range): the
  // request is refused when there is any.
  std::vector<FieldError> errors;
};

// Reads the list parameters of call.operation (a stored list) from the query string.
ListRequest parse_list_query(const Call& call, const model::Api& api);

// The `cursor` parameter that starts a page after `position` (ResourceStore::position_of).
std::string encode_cursor(const ListRequest& request, const std::vector<nlohmann::json>& position);

// The Link header of a page of `row_count` rows of `request.query`: first; with offset paging
// prev and next by offset, else next by `next_cursor` (the last row's); and, when the total was
// counted (`total`, query.want_total), the last page by offset.
std::string page_links(const ListRequest& request, const std::string& path, size_t row_count,
                       long long total, const std::string& next_cursor);

}  // namespace apiserver::pipeline
