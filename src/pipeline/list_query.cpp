// Reading a stored list's query string, and writing its page links (see list_query.hpp).
#include "pipeline/list_query.hpp"

#include <algorithm>
#include <optional>

#include "auth/schemes.hpp"
#include "pipeline/embedding.hpp"
#include "pipeline/parameters.hpp"
#include "store/search_words.hpp"
#include "text/base64.hpp"
#include "text/percent_encoding.hpp"

namespace apiserver::pipeline {
namespace {

using model::Column;
using model::ColumnType;
using model::Resource;

bool sortable(const Column& c) {
  return c.can_sort();
}

bool filterable(const Column& c) {
  return c.can_filter();
}

std::string property_names(const Resource& resource, bool (*pick)(const Column&)) {
  std::string out;
  for (const Column& c : resource.columns) {
    if (pick(c)) out += (out.empty() ? "" : ", ") + c.property;
  }
  return out;
}

// An `in` list binds one value each: more would make statements no cache keeps.
constexpr size_t kMaxInValues = 100;

bool is_reserved_list_parameter(const std::string& name) {
  return name == "limit" || name == "offset" || name == "sort" || name == "fields" ||
         name == "cursor";
}

// A list parameter's value: the declared parameter's, else the raw text's.
std::optional<nlohmann::json> list_parameter(const Call& call, const std::string& name,
                                             model::ValueShape shape) {
  if (const nlohmann::json* v = call.parameters.find(model::ParamLocation::kQuery, name)) return *v;
  for (const auto& [key, value] : call.query) {
    if (key == name) return coerce_text(value, shape);
  }
  return std::nullopt;
}

// An API key the operation's security takes from the query string is a credential, not a filter.
bool credential_parameter(const model::Api& api, const model::Operation& op,
                          const std::string& name) {
  if (!api.auth) return false;
  for (const model::SecurityRequirement& requirement : op.security) {
    for (const model::RequiredScheme& required : requirement) {
      const auth::Scheme& scheme = api.auth->schemes[required.scheme];
      if (scheme.kind == auth::SchemeKind::kApiKey && scheme.in == auth::KeyLocation::kQuery &&
          scheme.parameter == name)
        return true;
    }
  }
  return false;
}

bool declared_query_parameter(const model::Operation& op, const std::string& name) {
  for (const model::Parameter& p : op.parameters) {
    if (p.in == model::ParamLocation::kQuery && p.name == name) return true;
  }
  return false;
}

// A query parameter that already failed its declared schema is reported once, by that schema.
bool already_reported(const Call& call, const std::string& name) {
  for (const FieldError& e : call.errors) {
    if (e.source == ErrorSource::kQuery && e.name == name) return true;
  }
  return false;
}

void read_limit_and_offset(const Call& call, const model::ListSettings& limits, ListRequest& out) {
  out.query.limit = limits.default_limit;
  if (auto limit = list_parameter(call, "limit", model::ValueShape::kInteger);
      limit && !already_reported(call, "limit")) {
    if (!limit->is_number_integer() || limit->get<long long>() < 1 ||
        limit->get<long long>() > limits.max_limit) {
      out.errors.push_back({ErrorSource::kQuery, "limit", "",
                            "must be an integer from 1 to " + std::to_string(limits.max_limit)});
    } else {
      out.query.limit = limit->get<long long>();
    }
  }
  if (auto offset = list_parameter(call, "offset", model::ValueShape::kInteger);
      offset && !already_reported(call, "offset")) {
    if (!offset->is_number_integer() || offset->get<long long>() < 0) {
      out.errors.push_back({ErrorSource::kQuery, "offset", "", "must be an integer of 0 or more"});
    } else {
      out.query.offset = offset->get<long long>();
      // A declared default does not choose offset paging: only a client's `offset` does.
      for (const auto& [key, value] : call.query) out.offset_paging |= key == "offset";
    }
  }
}

void read_sort(const Call& call, const Resource& resource, ListRequest& out) {
  auto sort = list_parameter(call, "sort", model::ValueShape::kString);
  if (!sort || !sort->is_string() || already_reported(call, "sort")) return;
  for (std::string field : split_list(sort->get<std::string>(), ',')) {
    bool descending = !field.empty() && field[0] == '-';
    if (descending) field.erase(0, 1);
    int column = resource.column_of(field);
    if (column < 0 || !sortable(resource.columns[static_cast<size_t>(column)])) {
      out.errors.push_back({ErrorSource::kQuery, "sort", "",
                            "cannot sort by '" + field +
                                "'; sort by one of: " + property_names(resource, sortable) +
                                " (prefix '-' for descending)"});
      continue;
    }
    out.query.sort.push_back({static_cast<size_t>(column), descending});
    out.sort_text +=
        (out.sort_text.empty() ? "" : ",") + std::string(descending ? "-" : "") + field;
  }
}

bool fits_column(const nlohmann::json& value, const Column& c) {
  switch (c.type) {
    case ColumnType::kInteger:
      return value.is_number_integer();
    case ColumnType::kReal:
      return value.is_number();
    case ColumnType::kBoolean:
      return value.is_boolean();
    case ColumnType::kText:
      return value.is_string();
    case ColumnType::kJson:
      return false;
  }
  return false;
}

// q= searches the resource's x-apiserver-search properties; without a sort the best matches come
// first, an order that moves as rows change, so such a list pages by offset.
void read_search(const Call& call, const Resource& resource, ListRequest& out) {
  if (resource.search_columns.empty()) return;
  auto q = list_parameter(call, "q", model::ValueShape::kString);
  if (!q || !q->is_string() || already_reported(call, "q")) return;
  out.query.search = q->get<std::string>();
  if (!store::search_has_words(out.query.search)) return;
  out.ranked = out.query.sort.empty();
  out.offset_paging |= out.ranked;
}

// A cursor is base64url of the JSON array [sort, value..., key] (encode_cursor); it holds only
// where the previous page ended, so one that does not fit this list's order is refused.
void read_cursor(const Call& call, const Resource& resource, ListRequest& out) {
  auto cursor = list_parameter(call, "cursor", model::ValueShape::kString);
  if (!cursor || !cursor->is_string() || already_reported(call, "cursor")) return;
  const std::string& text = cursor->get_ref<const std::string&>();
  if (out.offset_paging && !out.ranked) {
    out.errors.push_back({ErrorSource::kQuery, "offset", "", "cannot be combined with cursor"});
    return;
  }
  if (text.empty()) return;  // the first page
  if (out.ranked) {
    out.errors.push_back({ErrorSource::kQuery, "cursor", "",
                          "does not apply to a search in rank order (without sort): page it "
                          "by offset"});
    return;
  }
  auto refuse = [&](const std::string& why) {
    out.errors.push_back({ErrorSource::kQuery, "cursor", "", why});
  };
  std::optional<std::string> bytes = text::base64url_decode(text);
  nlohmann::json position =
      bytes ? nlohmann::json::parse(*bytes, nullptr, false) : nlohmann::json();
  const size_t keys = out.query.sort.size() + 1;
  if (!position.is_array() || position.size() != keys + 1 || !position[0].is_string())
    return refuse("is not a cursor this list gave; take it from a Link header");
  if (position[0] != out.sort_text)
    return refuse("belongs to another sort order ('" + position[0].get<std::string>() +
                  "'); keep the sort of the page it came from");
  for (size_t i = 0; i < keys; ++i) {
    const nlohmann::json& value = position[i + 1];
    const size_t column = i < out.query.sort.size() ? out.query.sort[i].column : resource.key;
    bool key = i + 1 == keys;
    if (value.is_null() ? key : !fits_column(value, resource.columns[column]))
      return refuse("is not a cursor this list gave; take it from a Link header");
  }
  out.query.after.assign(position.begin() + 1, position.end());
}

// The operators of `name[op]=value` (specs/stored-operations.md); plain `name=value` is kEq.
struct OperatorName {
  const char* name;
  store::FilterOp op;
};
constexpr OperatorName kOperators[] = {
    {"eq", store::FilterOp::kEq},
    {"ne", store::FilterOp::kNe},
    {"lt", store::FilterOp::kLt},
    {"lte", store::FilterOp::kLe},
    {"gt", store::FilterOp::kGt},
    {"gte", store::FilterOp::kGe},
    {"in", store::FilterOp::kIn},
    {"null", store::FilterOp::kIsNull},
    {"contains", store::FilterOp::kContains},
    {"icontains", store::FilterOp::kIContains},
    {"startswith", store::FilterOp::kStartsWith},
    {"istartswith", store::FilterOp::kIStartsWith},
};

std::string operator_names() {
  std::string out;
  for (const OperatorName& o : kOperators) out += (out.empty() ? "" : ", ") + std::string(o.name);
  return out;
}

bool is_text_operator(store::FilterOp op) {
  return op == store::FilterOp::kContains || op == store::FilterOp::kIContains ||
         op == store::FilterOp::kStartsWith || op == store::FilterOp::kIStartsWith;
}

bool is_order_operator(store::FilterOp op) {
  return op == store::FilterOp::kLt || op == store::FilterOp::kLe || op == store::FilterOp::kGt ||
         op == store::FilterOp::kGe;
}

model::ValueShape shape_of(const Column& c) {
  return c.type == ColumnType::kInteger   ? model::ValueShape::kInteger
         : c.type == ColumnType::kReal    ? model::ValueShape::kNumber
         : c.type == ColumnType::kBoolean ? model::ValueShape::kBoolean
                                          : model::ValueShape::kString;
}

// The text of one value coerced to the column's type; nullopt (after naming the parameter in
// `errors`) when it is not of that type.
std::optional<nlohmann::json> column_value(const std::string& text, const Column& c,
                                           const std::string& parameter,
                                           std::vector<FieldError>& errors) {
  const model::ValueShape shape = shape_of(c);
  nlohmann::json value = coerce_text(text, shape);
  if (shape == model::ValueShape::kString || !value.is_string()) return value;
  errors.push_back(
      {ErrorSource::kQuery, parameter, "",
       std::string("must be ") + (shape == model::ValueShape::kBoolean   ? "true or false"
                                  : shape == model::ValueShape::kInteger ? "an integer"
                                                                         : "a number")});
  return std::nullopt;
}

// The value of a filter with operator `op` on `c`, checked; nullopt after an error.
std::optional<nlohmann::json> filter_value(store::FilterOp op, const std::string& text,
                                           const Column& c, const std::string& parameter,
                                           std::vector<FieldError>& errors) {
  if (op == store::FilterOp::kIsNull) {
    if (text == "true" || text == "false") return text == "true";
    errors.push_back({ErrorSource::kQuery, parameter, "", "must be true or false"});
    return std::nullopt;
  }
  if (is_text_operator(op) && c.type != ColumnType::kText) {
    errors.push_back({ErrorSource::kQuery, parameter, "",
                      "applies to text properties only; '" + c.property + "' is not one"});
    return std::nullopt;
  }
  if (is_order_operator(op) && c.type == ColumnType::kBoolean) {
    errors.push_back({ErrorSource::kQuery, parameter, "",
                      "does not apply to the boolean property '" + c.property + "'"});
    return std::nullopt;
  }
  if (op != store::FilterOp::kIn) return column_value(text, c, parameter, errors);
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& item : split_list(text, ',')) {
    auto value = column_value(item, c, parameter, errors);
    if (!value) return std::nullopt;
    list.push_back(std::move(*value));
  }
  if (list.size() > kMaxInValues) {
    errors.push_back({ErrorSource::kQuery, parameter, "",
                      "takes at most " + std::to_string(kMaxInValues) + " values"});
    return std::nullopt;
  }
  return list;
}

// Every other query parameter filters on the property of its name (`name=value`, or
// `name[op]=value`), unless the operation declares it for another use or it carries a
// credential. Also keeps the sort for the links.
void read_filters(const Call& call, const model::Api& api, const Resource& resource,
                  ListRequest& out) {
  for (const auto& [name, text] : call.query) {
    const bool search = name == "q" && !resource.search_columns.empty();
    const bool embed = name == "embed" && embed_names_slots(call.operation, resource);
    if (is_reserved_list_parameter(name) || search || embed) {
      if (name == "sort" || name == "fields" || embed || search)
        out.kept_query += name + "=" + text::percent_encode(text) + "&";
      continue;
    }
    if (already_reported(call, name) || credential_parameter(api, call.operation, name)) continue;
    std::string property = name;
    std::string op_name;
    if (size_t open = name.find('['); open != std::string::npos && name.back() == ']') {
      property = name.substr(0, open);
      op_name = name.substr(open + 1, name.size() - open - 2);
    }
    int column = resource.column_of(property);
    if (column < 0 || !filterable(resource.columns[static_cast<size_t>(column)])) {
      // Declared for another use (a deepObject parameter `filter` sends `filter[name]`).
      if (declared_query_parameter(call.operation, name) ||
          declared_query_parameter(call.operation, property))
        continue;
      out.errors.push_back({ErrorSource::kQuery, name, "",
                            "is not a filterable property; filter by one of: " +
                                property_names(resource, filterable)});
      continue;
    }
    store::FilterOp op = store::FilterOp::kEq;
    if (property != name) {
      const OperatorName* found = nullptr;
      for (const OperatorName& o : kOperators) found = op_name == o.name ? &o : found;
      if (found == nullptr) {
        out.errors.push_back(
            {ErrorSource::kQuery, name, "",
             "has no operator '" + op_name + "'; use one of: " + operator_names()});
        continue;
      }
      op = found->op;
    }
    const Column& c = resource.columns[static_cast<size_t>(column)];
    auto value = filter_value(op, text, c, name, out.errors);
    if (!value) continue;
    out.query.filters.push_back({static_cast<size_t>(column), std::move(*value), op});
    out.kept_query += text::percent_encode(name) + "=" + text::percent_encode(text) + "&";
  }
}

std::string link(const std::string& path, const std::string& kept_query, long long limit,
                 long long offset, const char* rel) {
  return "<" + path + "?" + kept_query + "limit=" + std::to_string(limit) +
         "&offset=" + std::to_string(offset) + ">; rel=\"" + rel + "\"";
}

}  // namespace

ListRequest parse_list_query(const Call& call, const model::Api& api) {
  const Resource& resource = *call.operation.resource;
  ListRequest out;
  out.errors = call.errors;
  read_limit_and_offset(call, api.settings.list, out);
  read_sort(call, resource, out);
  read_search(call, resource, out);
  read_cursor(call, resource, out);
  read_filters(call, api, resource, out);
  out.fields = read_field_selection(call, resource, out.errors);
  return out;
}

std::string encode_cursor(const ListRequest& request, const std::vector<nlohmann::json>& position) {
  nlohmann::json cursor = nlohmann::json::array({request.sort_text});
  for (const nlohmann::json& value : position) cursor.push_back(value);
  return text::base64url_encode(cursor.dump());
}

std::string page_links(const ListRequest& request, const std::string& path, size_t row_count,
                       long long total, const std::string& next_cursor) {
  const store::ListQuery& query = request.query;
  const std::string& kept = request.kept_query;
  std::string links = link(path, kept, query.limit, 0, "first");
  const bool full_page = static_cast<long long>(row_count) == query.limit;
  if (request.offset_paging) {
    if (query.offset > 0)
      links +=
          ", " + link(path, kept, query.limit, std::max(0LL, query.offset - query.limit), "prev");
    bool more = query.want_total ? query.offset + query.limit < total : full_page;
    if (more) links += ", " + link(path, kept, query.limit, query.offset + query.limit, "next");
  } else if (full_page && !next_cursor.empty()) {
    links += ", <" + path + "?" + kept + "limit=" + std::to_string(query.limit) +
             "&cursor=" + next_cursor + ">; rel=\"next\"";
  }
  if (query.want_total) {
    long long last = total == 0 ? 0 : ((total - 1) / query.limit) * query.limit;
    links += ", " + link(path, kept, query.limit, last, "last");
  }
  return links;
}

}  // namespace apiserver::pipeline
