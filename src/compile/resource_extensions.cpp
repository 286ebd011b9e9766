#include "compile/resource_extensions.hpp"

#include <filesystem>
#include <set>

#include "spec/schema_facts.hpp"
#include "text/file_text.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::compile {

using spec::Diagnostic;
using spec::Diagnostics;
using spec::Document;
using spec::NodeRef;
using validate::to_plain_json;

// The bound of a seed file, as of a file of the document itself.
constexpr std::uintmax_t kMaxSeedFileBytes = 64ull << 20;

// x-apiserver-seed: a list of items, or the path (relative to the document
// file) of a YAML or JSON file holding one. Every row is validated now.
void read_seed(const Document& document, model::Resource& resource, const NodeRef& schema,
               Diagnostics& diagnostics) {
  NodeRef seed = Document::child(schema, "x-apiserver-seed");
  if (!seed.valid()) return;
  spec::Json rows;
  std::string origin = "x-apiserver-seed";
  if (seed.node->is_string()) {
    std::string path =
        (std::filesystem::path(seed.file->base_dir) / seed.node->get<std::string>()).string();
    std::string contents;
    std::optional<text::FileFailure> unread =
        text::read_file_text(path, kMaxSeedFileBytes, contents);
    spec::ParsedText parsed;
    spec::ParseFailure failure;
    if (unread || !spec::parse_yaml_text(contents, parsed, failure)) {
      std::string why =
          !unread ? "line " + std::to_string(failure.position.line) + ": " + failure.message
          : *unread == text::FileFailure::kMissing  ? "no such file"
          : *unread == text::FileFailure::kTooLarge ? "it is larger than 64 MiB"
                                                    : "it cannot be read";
      diagnostics.add(document.at(seed, Diagnostic::Severity::kError,
                                  "cannot read seed file " + path + ": " + why));
      return;
    }
    rows = std::move(parsed.root);
    origin = path;
  } else {
    rows = *seed.node;
  }
  if (!rows.is_array()) {
    diagnostics.add(document.at(seed, Diagnostic::Severity::kError,
                                "x-apiserver-seed must be a list of items, or the path of a file "
                                "holding one"));
    return;
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    nlohmann::json row = to_plain_json(rows[i]);
    std::vector<FieldError> errors;
    if (resource.item_schema &&
        !resource.item_schema->validate(row, ErrorSource::kBody, "", errors)) {
      std::string detail;
      for (const FieldError& e : errors)
        detail += (detail.empty() ? "" : "; ") + e.pointer + " " + e.detail;
      // An inline row is pointed at itself; a row of a file at the reference to the file.
      NodeRef where = seed.node->is_string() ? seed : Document::item(seed, i);
      diagnostics.add(document.at(
          where.valid() ? where : seed, Diagnostic::Severity::kError,
          "seed row " + std::to_string(i) + " of " + origin + " breaks the schema: " + detail));
      continue;
    }
    resource.seed_rows.push_back(std::move(row));
  }
}

// x-apiserver-owner: a property name, or {property, admins, admin-scope}.
void read_owner(const Document& document, model::Resource& resource, const NodeRef& schema,
                Diagnostics& diagnostics) {
  NodeRef owner = Document::child(schema, "x-apiserver-owner");
  if (!owner.valid()) return;
  auto fail = [&](const std::string& message) {
    diagnostics.add(
        document.at(owner, Diagnostic::Severity::kError, "x-apiserver-owner: " + message));
  };
  std::string property;
  if (owner.node->is_string()) {
    property = owner.node->get<std::string>();
  } else if (owner.node->is_object()) {
    for (const auto& [key, value] : owner.node->items()) {
      if (key == "property" && value.is_string()) {
        property = value.get<std::string>();
      } else if (key == "admin-scope" && value.is_string()) {
        resource.owner_admin_scope = value.get<std::string>();
      } else if (key == "admins" && value.is_array()) {
        for (const auto& admin : value) {
          if (admin.is_string()) resource.owner_admins.push_back(admin.get<std::string>());
        }
      } else {
        return fail("unknown or malformed key '" + key +
                    "' (property: name, admins: [identities], admin-scope: scope)");
      }
    }
  }
  if (property.empty()) return fail("must name a property, or be {property: NAME, ...}");
  int column = resource.column_of(property);
  if (column < 0 || static_cast<size_t>(column) == resource.key ||
      resource.columns[static_cast<size_t>(column)].type != model::ColumnType::kText)
    return fail("'" + property + "' is not a string property of the schema (other than its key)");
  resource.owner_column = column;
}

// x-apiserver-if-match: `required` (writes need If-Match) or `optional` (the default).
void read_if_match(const Document& document, model::Resource& resource, const NodeRef& schema,
                   Diagnostics& diagnostics) {
  NodeRef setting = Document::child(schema, "x-apiserver-if-match");
  if (!setting.valid()) return;
  const std::string value = setting.node->is_string() ? setting.node->get<std::string>() : "";
  if (value != "required" && value != "optional") {
    diagnostics.add(document.at(setting, Diagnostic::Severity::kError,
                                "x-apiserver-if-match must be 'required' or 'optional'"));
    return;
  }
  resource.if_match_required = value == "required";
}

namespace {

// The columns a list of property names names; each must be filterable (and text, for search).
std::vector<size_t> named_columns(const Document& document, const model::Resource& resource,
                                  const NodeRef& list, bool text_only, Diagnostics& diagnostics) {
  std::vector<size_t> columns;
  auto fail = [&](const NodeRef& at, const std::string& message) {
    diagnostics.add(document.at(at, Diagnostic::Severity::kError, message));
  };
  if (!list.node->is_array()) {
    fail(list, "must be a list of property names");
    return columns;
  }
  for (size_t i = 0; i < list.node->size(); ++i) {
    NodeRef item = Document::item(list, i);
    const std::string name = item.node->is_string() ? item.node->get<std::string>() : "";
    int column = resource.column_of(name);
    const model::Column* c = column < 0 ? nullptr : &resource.columns[static_cast<size_t>(column)];
    if (c == nullptr || !c->filterable() || (text_only && c->type != model::ColumnType::kText)) {
      std::string names;
      for (const model::Column& other : resource.columns) {
        if (other.filterable() && (!text_only || other.type == model::ColumnType::kText))
          names += (names.empty() ? "" : ", ") + other.property;
      }
      fail(item, "'" + name + "' is not a " + (text_only ? "text" : "scalar") +
                     " property of the schema; name one of: " + names);
      continue;
    }
    columns.push_back(static_cast<size_t>(column));
  }
  return columns;
}

}  // namespace

void read_query_surface(const Document& document, model::Resource& resource, const NodeRef& schema,
                        Diagnostics& diagnostics) {
  if (NodeRef filter = Document::child(schema, "x-apiserver-filter"); filter.valid()) {
    for (model::Column& c : resource.columns) c.filter_allowed = false;
    for (size_t column : named_columns(document, resource, filter, false, diagnostics)) {
      resource.columns[column].filter_allowed = true;
      resource.columns[column].indexed = column != resource.key;
    }
  }
  if (NodeRef sort = Document::child(schema, "x-apiserver-sort"); sort.valid()) {
    for (model::Column& c : resource.columns) c.sort_allowed = false;
    for (size_t column : named_columns(document, resource, sort, false, diagnostics)) {
      resource.columns[column].sort_allowed = true;
      resource.columns[column].indexed = column != resource.key;
    }
  }
  // The key is the table's own order and index: it always filters and sorts.
  resource.columns[resource.key].filter_allowed = true;
  resource.columns[resource.key].sort_allowed = true;
  if (NodeRef search = Document::child(schema, "x-apiserver-search"); search.valid()) {
    resource.search_columns = named_columns(document, resource, search, true, diagnostics);
  }
}

namespace {

// The storage keys of an item schema.
const std::set<std::string> kStorageKeys = {
    "x-apiserver-table", "x-apiserver-key",      "x-apiserver-seed",
    "x-apiserver-owner", "x-apiserver-if-match", "x-apiserver-filter",
    "x-apiserver-sort",  "x-apiserver-search",   "x-apiserver-on-parent-delete"};

}  // namespace

bool declares_storage(const Document& document, const NodeRef& schema) {
  for (const std::string& key : kStorageKeys) {
    if (Document::child(schema, key).valid()) return true;
  }
  std::vector<spec::ObjectProperty> properties;
  object_properties(document, schema, properties);
  for (const spec::ObjectProperty& p : properties) {
    for (const char* key : {"x-apiserver-stamp", "x-apiserver-mock"}) {
      if (Document::child(p.schema, key).valid() || Document::child(p.facts.resolved, key).valid())
        return true;
    }
  }
  return false;
}

void check_schema_extensions(const Document& document, const NodeRef& schema,
                             Diagnostics& diagnostics) {
  if (!schema.valid() || !schema.node->is_object()) return;
  for (const auto& [key, value] : schema.node->items()) {
    // x-apiserver-envelope: false says a schema shaped like an envelope is the item.
    if (key.rfind("x-apiserver", 0) != 0 || kStorageKeys.count(key) > 0 ||
        key == "x-apiserver-envelope")
      continue;
    diagnostics.add(
        document.at(Document::child(schema, key), Diagnostic::Severity::kError,
                    "unknown extension '" + key +
                        "' (stored schemas know: x-apiserver-table, -key, -seed, "
                        "-owner, -if-match, -filter, -sort, -search, -on-parent-delete, "
                        "-envelope)"));
  }
}

}  // namespace apiserver::compile
