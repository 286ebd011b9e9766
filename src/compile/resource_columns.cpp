#include "compile/resource_columns.hpp"

#include <cctype>
#include <set>

#include "compile/mocked_properties.hpp"
#include "compile/operation_compiler.hpp"
#include "compile/time_stamps.hpp"

namespace apiserver::compile {

using spec::Diagnostic;
using spec::Diagnostics;
using spec::Document;
using spec::NodeRef;
using spec::ObjectProperty;
using spec::SchemaFacts;
using validate::to_plain_json;

namespace {

constexpr const char* kVersionColumn = "apiserver_version";
constexpr const char* kParentColumn = "apiserver_parent";

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A column the server keeps beside the schema's (`purpose` says what for), unless a property
// already takes its name.
bool reserved_name_free(const Document& document, const NodeRef& schema,
                        const model::Resource& resource, const char* name, const char* purpose,
                        spec::Diagnostics& diagnostics) {
  for (const model::Column& c : resource.columns) {
    if (lower(c.name) != name) continue;
    diagnostics.add(document.at(schema, Diagnostic::Severity::kError,
                                std::string("property '") + c.property + "' takes the column " +
                                    name + ", which the server keeps for " + purpose));
    return false;
  }
  return true;
}

model::ColumnType column_type(const SchemaFacts& facts) {
  model::ValueShape shape = value_shape(facts);
  switch (shape) {
    case model::ValueShape::kInteger:
      return model::ColumnType::kInteger;
    case model::ValueShape::kNumber:
      return model::ColumnType::kReal;
    case model::ValueShape::kBoolean:
      return model::ColumnType::kBoolean;
    case model::ValueShape::kString:
      return model::ColumnType::kText;
    default:
      return model::ColumnType::kJson;
  }
}

// The row version behind ETag, last, so that the columns of the schema keep their places.
bool add_version_column(const Document& document, const NodeRef& schema, model::Resource& resource,
                        spec::Diagnostics& diagnostics) {
  if (!reserved_name_free(document, schema, resource, kVersionColumn, "row versions", diagnostics))
    return false;
  model::Column version;
  version.name = kVersionColumn;
  version.type = model::ColumnType::kInteger;
  version.read_only = true;
  version.in_schema = false;
  version.version = true;
  resource.version_column = static_cast<int>(resource.columns.size());
  resource.columns.push_back(std::move(version));
  return true;
}

// x-apiserver-key: a property's name, or {property, from} where the key is made from another
// text property when an item comes without one.
bool read_key_declaration(const Document& document, const NodeRef& node, model::Resource& resource,
                          std::string& key, spec::Diagnostics& diagnostics) {
  auto fail = [&](const std::string& message) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError, message));
    return false;
  };
  const spec::Json& value = *node.node;
  if (value.is_string()) {
    key = value.get<std::string>();
    return resource.column_of(key) >= 0 ||
           fail("x-apiserver-key must name a property of the schema");
  }
  if (!value.is_object() || !value.contains("property") || !value["property"].is_string() ||
      !value.contains("from") || !value["from"].is_string() || value.size() != 2)
    return fail("x-apiserver-key must name a property, or be {property: slug, from: title}");
  key = value["property"].get<std::string>();
  resource.key_from = value["from"].get<std::string>();
  const int key_column = resource.column_of(key);
  const int from = resource.column_of(resource.key_from);
  if (key_column < 0 || from < 0 || key_column == from)
    return fail("x-apiserver-key: property and from must name two properties of the schema");
  if (resource.columns[static_cast<size_t>(key_column)].type != model::ColumnType::kText ||
      resource.columns[static_cast<size_t>(from)].type != model::ColumnType::kText)
    return fail("x-apiserver-key: a key made from another property is a string, from a string");
  return true;
}

}  // namespace

bool build_columns(const Document& document, model::Resource& resource, const NodeRef& schema,
                   const SchemaFacts& facts, const std::string& key_param,
                   Diagnostics& diagnostics) {
  std::vector<ObjectProperty> properties;
  object_properties(document, schema, properties);
  std::set<std::string> lowered;
  bool ok = true;
  for (const ObjectProperty& p : properties) {
    std::string low = p.name;
    for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (p.name.empty() || p.name.find('\0') != std::string::npos || !lowered.insert(low).second) {
      diagnostics.add(document.at(p.schema, Diagnostic::Severity::kError,
                                  "property '" + p.name +
                                      "' cannot be a column: SQLite "
                                      "column names are case-insensitive and non-empty"));
      ok = false;
      continue;
    }
    if (read_mocked_property(document, p, resource, diagnostics)) continue;  // no column
    model::Column column;
    column.property = p.name;
    column.name = p.name;
    column.type = column_type(p.facts);
    column.nullable = p.facts.nullable;
    column.read_only = p.facts.read_only;
    column.write_only = p.facts.write_only;
    column.not_null = p.required && !p.facts.nullable && !p.facts.read_only;
    if (p.facts.default_value) column.default_value = to_plain_json(*p.facts.default_value);
    resource.columns.push_back(std::move(column));
  }
  if (!ok || !find_time_stamps(document, resource, properties, diagnostics)) return false;

  std::string key = "id";
  NodeRef key_node = Document::child(facts.resolved, "x-apiserver-key");
  if (key_node.valid()) {
    if (!read_key_declaration(document, key_node, resource, key, diagnostics)) return false;
  } else if (!key_param.empty() && resource.column_of(key_param) >= 0) {
    key = key_param;
  }
  int index = resource.column_of(key);
  if (index < 0) {
    // No key property: the server keeps one the schema does not show.
    model::Column implicit;
    implicit.property = key;
    implicit.name = key;
    implicit.type = model::ColumnType::kInteger;
    implicit.read_only = true;
    implicit.in_schema = false;
    resource.columns.insert(resource.columns.begin(), std::move(implicit));
    index = 0;
  }
  model::Column& key_column = resource.columns[static_cast<size_t>(index)];
  key_column.not_null = true;
  resource.key = static_cast<size_t>(index);
  if (key_column.type == model::ColumnType::kInteger) {
    resource.key_kind = model::KeyKind::kInteger;
  } else if (key_column.type == model::ColumnType::kText) {
    resource.key_kind = model::KeyKind::kUuid;
  } else {
    diagnostics.add(document.at(schema, Diagnostic::Severity::kError,
                                "key property '" + key + "' must be an integer or a string"));
    return false;
  }
  // Columns added from here on are appended: the index stays.
  resource.created_column = resource.column_of(resource.created_property);
  return add_version_column(document, schema, resource, diagnostics);
}

int add_parent_column(const Document& document, model::Resource& resource, const NodeRef& schema,
                      const std::string& parameter, const model::Resource& parent,
                      Diagnostics& diagnostics) {
  const model::ColumnType key_type = parent.key_column().type;
  int index = resource.column_of(parameter);
  if (index >= 0) {
    model::Column& column = resource.columns[static_cast<size_t>(index)];
    if (column.type != key_type || static_cast<size_t>(index) == resource.key) {
      diagnostics.add(
          document.at(schema, Diagnostic::Severity::kError,
                      "property '" + parameter + "' holds the key of " + parent.name +
                          " from the path {" + parameter + "}, so it must be " +
                          (key_type == model::ColumnType::kInteger ? "an integer" : "a string") +
                          " and not this item's own key"));
      return -1;
    }
    column.indexed = true;
    return index;
  }
  if (!reserved_name_free(document, schema, resource, kParentColumn, "the parent's key",
                          diagnostics))
    return -1;
  model::Column hidden;
  hidden.property = kParentColumn;
  hidden.name = kParentColumn;
  hidden.type = key_type;
  hidden.read_only = true;
  hidden.in_schema = false;
  hidden.indexed = true;
  resource.columns.push_back(std::move(hidden));
  return static_cast<int>(resource.columns.size()) - 1;
}

}  // namespace apiserver::compile
