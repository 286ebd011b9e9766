// The list parameters of stored lists (and `fields` of stored reads), in the published document
// (see list_parameters.hpp).
#include "ops/list_parameters.hpp"

#include <set>
#include <string>

namespace apiserver::ops {
namespace {

using spec::Json;

Json type_schema(model::ColumnType type) {
  switch (type) {
    case model::ColumnType::kInteger:
      return {{"type", "integer"}};
    case model::ColumnType::kReal:
      return {{"type", "number"}};
    case model::ColumnType::kBoolean:
      return {{"type", "boolean"}};
    default:
      return {{"type", "string"}};
  }
}

// `name[op]=value` for one property, as a deepObject parameter whose members are the operators
// its type takes (specs/stored-operations.md).
Json filter_parameter(const model::Column& column) {
  const Json value = type_schema(column.type);
  Json operators = Json::object();
  operators["eq"] = value;
  operators["ne"] = value;
  if (column.type != model::ColumnType::kBoolean) {
    for (const char* op : {"lt", "lte", "gt", "gte"}) operators[op] = value;
  }
  operators["in"] = {{"type", "string"}, {"description", "comma-separated values"}};
  operators["null"] = {{"type", "boolean"}, {"description", "true: missing; false: present"}};
  if (column.type == model::ColumnType::kText) {
    for (const char* op : {"contains", "icontains", "startswith", "istartswith"})
      operators[op] = value;
  }
  return {
      {"name", column.property},
      {"in", "query"},
      {"style", "deepObject"},
      {"explode", true},
      {"description", "Filters on " + column.property + ": " + column.property + "[op]=value (" +
                          column.property + "=value is " + column.property + "[eq]=value)"},
      {"schema", {{"type", "object"}, {"properties", operators}, {"additionalProperties", false}}}};
}

Json paging_parameters(const model::ListSettings& list) {
  Json limit = {{"name", "limit"},
                {"in", "query"},
                {"description", "the most items on a page"},
                {"schema",
                 {{"type", "integer"},
                  {"minimum", 1},
                  {"maximum", list.max_limit},
                  {"default", list.default_limit}}}};
  Json offset = {{"name", "offset"},
                 {"in", "query"},
                 {"description", "the items to skip"},
                 {"schema", {{"type", "integer"}, {"minimum", 0}, {"default", 0}}}};
  Json cursor = {{"name", "cursor"},
                 {"in", "query"},
                 {"description",
                  "where the page starts: the cursor of a rel=\"next\" Link, for the same sort "
                  "(not with offset)"},
                 {"schema", {{"type", "string"}}}};
  return Json::array({limit, offset, cursor});
}

Json sort_parameter(const model::Resource& resource) {
  std::string names;
  for (const model::Column& c : resource.columns) {
    if (c.can_sort()) names += (names.empty() ? "" : ", ") + c.property;
  }
  return {
      {"name", "sort"},
      {"in", "query"},
      {"description", "comma-separated properties to sort by, '-' first for descending: " + names},
      {"schema", {{"type", "string"}}}};
}

Json search_parameter(const model::Resource& resource) {
  std::string names;
  for (size_t column : resource.search_columns)
    names += (names.empty() ? "" : ", ") + resource.columns[column].property;
  return {{"name", "q"},
          {"in", "query"},
          {"description",
           "words that must all occur in " + names + "; without sort, the best matches come first"},
          {"schema", {{"type", "string"}}}};
}

Json fields_parameter(const model::Resource& resource) {
  Json names = Json::array();
  for (const model::Column& c : resource.columns) {
    if (c.shown()) names.push_back(c.property);
  }
  return {{"name", "fields"},
          {"in", "query"},
          {"description", "the properties to answer with, comma-separated (all when absent)"},
          {"style", "form"},
          {"explode", false},
          {"schema", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", names}}}}}};
}

// Every path `embed` takes on `resource` (author, comments, comments.author).
void add_embed_paths(const model::Resource& resource, const std::string& prefix, size_t depth,
                     Json& out) {
  if (depth == model::kMaxEmbedDepth) return;
  for (const model::Embed& e : resource.embeds) {
    out.push_back(prefix + e.name);
    add_embed_paths(*e.target, prefix + e.name + ".", depth + 1, out);
  }
}

Json embed_parameter(const model::Resource& resource) {
  Json paths = Json::array();
  add_embed_paths(resource, "", 0, paths);
  return {{"name", "embed"},
          {"in", "query"},
          {"description",
           "related items to answer with in place, comma-separated: a referenced item, or the "
           "first children (a dot reaches one level deeper)"},
          {"style", "form"},
          {"explode", false},
          {"schema", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", paths}}}}}};
}

// The operation's object in `root`, unless it (or its path item) stands by reference.
Json* operation_object(spec::Json& root, const model::Operation& op) {
  auto paths = root.find("paths");
  if (paths == root.end() || !paths->is_object()) return nullptr;
  auto item = paths->find(op.path_template);
  if (item == paths->end() || !item->is_object() || item->contains("$ref")) return nullptr;
  std::string method = op.method;
  for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto operation = item->find(method);
  if (operation == item->end() || !operation->is_object() || operation->contains("$ref"))
    return nullptr;
  return &*operation;
}

}  // namespace

void describe_list_parameters(const model::Api& api, spec::Json& root) {
  for (const model::Operation* op : api.operations) {
    const bool list = op->crud == model::CrudAction::kList;
    const bool many =
        op->crud == model::CrudAction::kUpdateMany || op->crud == model::CrudAction::kDeleteMany;
    if (!op->stored() || !(list || many || op->crud == model::CrudAction::kRead)) continue;
    Json* operation = operation_object(root, *op);
    if (operation == nullptr) continue;
    Json& parameters = (*operation)["parameters"];
    if (parameters.is_null()) parameters = Json::array();
    if (!parameters.is_array()) continue;
    std::set<std::string> declared;
    for (const model::Parameter& p : op->parameters) {
      if (p.in == model::ParamLocation::kQuery) declared.insert(p.name);
    }
    auto add = [&](Json parameter) {
      if (declared.insert(parameter["name"].get<std::string>()).second)
        parameters.push_back(std::move(parameter));
    };
    if (many) {
      // Filters (and q) select the items a bulk write changes.
      if (!op->resource->search_columns.empty()) add(search_parameter(*op->resource));
      for (const model::Column& c : op->resource->columns) {
        if (c.can_filter()) add(filter_parameter(c));
      }
      continue;
    }
    if (!op->resource->embeds.empty()) add(embed_parameter(*op->resource));
    if (!list) {
      add(fields_parameter(*op->resource));
      continue;
    }
    for (Json& p : paging_parameters(api.settings.list)) add(std::move(p));
    add(sort_parameter(*op->resource));
    if (!op->resource->search_columns.empty()) add(search_parameter(*op->resource));
    add(fields_parameter(*op->resource));
    for (const model::Column& c : op->resource->columns) {
      if (c.can_filter()) add(filter_parameter(c));
    }
  }
}

}  // namespace apiserver::ops
