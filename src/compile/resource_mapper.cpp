// Over 400 lines on purpose: one Mapper class walks collections, their candidates and the
// storage decision together; splitting it would scatter one decision over files.
#include "compile/resource_mapper.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "compile/envelopes.hpp"
#include "compile/nested_paths.hpp"
#include "compile/operation_compiler.hpp"
#include "compile/resource_columns.hpp"
#include "compile/resource_embeds.hpp"
#include "compile/resource_extensions.hpp"
#include "compile/resource_references.hpp"
#include "spec/schema_facts.hpp"
#include "text/media_type.hpp"

namespace apiserver::compile {

using spec::component_name;
using spec::object_properties;
using spec::ObjectProperty;
using spec::schema_facts;
using spec::SchemaFacts;
using validate::Direction;
using validate::to_plain_json;
namespace {

using model::CrudAction;
using model::Operation;
using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

std::optional<CrudAction> parse_action(const std::string& s) {
  static const std::map<std::string, CrudAction> kActions = {
      {"list", CrudAction::kList},
      {"create", CrudAction::kCreate},
      {"read", CrudAction::kRead},
      {"replace", CrudAction::kReplace},
      {"update", CrudAction::kUpdate},
      {"delete", CrudAction::kDelete},
      {"update-many", CrudAction::kUpdateMany},
      {"delete-many", CrudAction::kDeleteMany},
      {"none", CrudAction::kNone},
  };
  auto it = kActions.find(s);
  if (it == kActions.end()) return std::nullopt;
  return it->second;
}

bool is_collection_action(CrudAction a) {
  return a == CrudAction::kList || a == CrudAction::kCreate || a == CrudAction::kUpdateMany ||
         a == CrudAction::kDeleteMany;
}

// "/todos/{id}" -> true when the last segment is exactly one parameter.
bool ends_with_param_segment(const std::string& path, std::string& param) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return false;
  std::string last = path.substr(slash + 1);
  if (last.size() < 3 || last.front() != '{' || last.back() != '}') return false;
  param = last.substr(1, last.size() - 2);
  return param.find_first_of("{}") == std::string::npos;
}

std::string sanitize_table_name(const std::string& raw) {
  std::string out;
  for (char c : raw) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "t_" + out;
  if (out.rfind("sqlite_", 0) == 0) out = "t_" + out;
  return out;
}

// The schema of the first 2xx JSON response of `op`.
NodeRef success_schema(const Document& document, const Operation& op,
                       spec::Diagnostics& diagnostics) {
  NodeRef responses = Document::child(op.node, "responses");
  if (!responses.valid() || !responses.node->is_object()) return {};
  for (const auto& [code, value] : responses.node->items()) {
    if (code.empty() || code[0] != '2') continue;
    NodeRef response = document.follow(Document::child(responses, code), diagnostics);
    NodeRef content = Document::child(response, "content");
    if (!content.valid() || !content.node->is_object()) continue;
    for (const auto& [media, ignored] : content.node->items()) {
      if (text::is_json_media_type(text::normalize_media_type(media)))
        return Document::child(Document::child(content, media), "schema");
    }
  }
  return {};
}

NodeRef body_schema(const Document& document, const Operation& op, spec::Diagnostics& diagnostics) {
  NodeRef body = document.follow(Document::child(op.node, "requestBody"), diagnostics);
  NodeRef content = Document::child(body, "content");
  if (!content.valid() || !content.node->is_object()) return {};
  for (const auto& [media, ignored] : content.node->items()) {
    if (text::is_json_media_type(text::normalize_media_type(media)))
      return Document::child(Document::child(content, media), "schema");
  }
  return {};
}

NodeRef array_items(const Document& document, const NodeRef& schema) {
  SchemaFacts facts = schema_facts(document, schema);
  if (value_shape(facts) != model::ValueShape::kArray) return {};
  return Document::child(facts.resolved, "items");
}

bool has_file_parts(const Operation& op) {
  if (!op.body) return false;
  for (const model::BodyMediaType& type : op.body->media_types)
    if (type.has_file_fields) return true;
  return false;
}

struct Candidate {
  Operation* op = nullptr;
  CrudAction action = CrudAction::kNone;
};

class Mapper {
 public:
  Mapper(const Document& document, SchemaCache& schemas, model::Api& api, spec::Diagnostics& d,
         bool mock)
      : document_(document), schemas_(schemas), api_(api), diagnostics_(d), mock_(mock) {}

  void run() {
    read_explicit_actions();
    if (api_.settings.mock_only) {
      for (auto& item : api_.paths)
        for (Operation& op : item.operations)
          if (!op.forwarding) op.not_stored_reason = "the document sets mode: mock";
      return;
    }
    for (auto& item : api_.paths) {
      if (item.path_template.find('{') == std::string::npos) map_collection(item, nullptr);
    }
    map_nested_collections();
    tie_references(document_, api_, references_, [this](Diagnostic d) { report(std::move(d)); });
    find_embeds(api_);
    for (auto& item : api_.paths) {
      for (Operation& op : item.operations) {
        auto it = explicit_.find(&op);
        if (op.stored() || it == explicit_.end() || it->second == CrudAction::kNone) continue;
        report(document_.at(
            op.node, Diagnostic::Severity::kError,
            std::string("x-apiserver-crud: ") + model::to_string(it->second) + " on " + op.method +
                " " + op.path_template + " cannot be mapped: " +
                (op.not_stored_reason.empty() ? "it is not on a collection path (/things) or its "
                                                "item path (/things/{id})"
                                              : op.not_stored_reason)));
      }
    }
  }

 private:
  void read_explicit_actions() {
    for (auto& item : api_.paths) {
      for (Operation& op : item.operations) {
        NodeRef crud = Document::child(op.node, "x-apiserver-crud");
        if (!crud.valid()) continue;
        auto action =
            crud.node->is_string() ? parse_action(crud.node->get<std::string>()) : std::nullopt;
        if (!action) {
          report(document_.at(crud, Diagnostic::Severity::kError,
                              "x-apiserver-crud must be one of list, create, read, "
                              "replace, update, delete, update-many, delete-many, none"));
          continue;
        }
        explicit_[&op] = *action;
        if (*action == CrudAction::kNone) op.not_stored_reason = "x-apiserver-crud: none";
      }
    }
  }

  CrudAction action_for(Operation& op, CrudAction conventional) {
    auto it = explicit_.find(&op);
    return it != explicit_.end() ? it->second : conventional;
  }

  // A nested collection's place: the parent resource whose item path it extends, and the path
  // parameters naming the keys of its ancestors (Operation::lineage_parameters).
  struct Nest {
    model::Resource* parent = nullptr;
    std::vector<std::string> lineage;
  };

  // Collections under the item paths of stored resources, level by level (a level's parents
  // are the resources the level above stored).
  void map_nested_collections() {
    std::set<const model::PathItem*> done;
    for (size_t mapped = api_.resources.size(), before = 0; mapped != before;) {
      before = mapped;
      for (auto& collection : api_.paths) {
        if (done.count(&collection) > 0) continue;
        std::optional<Nest> nest = nest_of(collection.path_template);
        if (!nest) continue;
        done.insert(&collection);
        map_collection(collection, &*nest);
      }
      mapped = api_.resources.size();
    }
  }

  // Where `path` nests: under a stored resource's item path, ending in a plain segment.
  std::optional<Nest> nest_of(const std::string& path) const {
    std::optional<std::string> parent_path = nesting_item_path(path);
    if (!parent_path) return std::nullopt;
    const std::string parent_shape = path_shape(*parent_path);
    for (const auto& [resource, item_path] : item_paths_) {
      if (path_shape(item_path) == parent_shape)
        return Nest{resource, path_parameters_innermost_first(*parent_path)};
    }
    return std::nullopt;
  }

  void map_collection(model::PathItem& collection, const Nest* nest) {
    model::PathItem* item = nullptr;
    std::string key_param;
    if (collection.path_template == "/") return;  // the root is no collection
    for (auto& other : api_.paths) {
      std::string param;
      if (other.path_template.rfind('/') == collection.path_template.size() &&
          other.path_template.compare(0, collection.path_template.size(),
                                      collection.path_template) == 0 &&
          ends_with_param_segment(other.path_template, param)) {
        item = &other;
        key_param = param;
        break;
      }
    }
    std::vector<Candidate> candidates;
    auto consider = [&](model::PathItem* path, const char* method, CrudAction conventional,
                        bool on_item) {
      if (path == nullptr) return;
      for (Operation& op : path->operations) {
        if (op.method != method) continue;
        if (op.forwarding) return;  // answered by its upstream (not_stored_reason says so)
        if (has_file_parts(op)) {
          op.not_stored_reason = "its body has file parts (multipart/form-data), never stored";
          return;
        }
        CrudAction action = action_for(op, conventional);
        if (action == CrudAction::kNone) return;
        if (is_collection_action(action) == on_item) {
          op.not_stored_reason = std::string(model::to_string(action)) + " belongs on the " +
                                 (on_item ? "collection path" : "item path");
          return;
        }
        candidates.push_back({&op, action});
      }
    };
    consider(&collection, "GET", CrudAction::kList, false);
    consider(&collection, "POST", CrudAction::kCreate, false);
    // Writes to every item a filter selects: only where x-apiserver-crud asks for them.
    consider(&collection, "PATCH", CrudAction::kNone, false);
    consider(&collection, "DELETE", CrudAction::kNone, false);
    consider(item, "GET", CrudAction::kRead, true);
    consider(item, "PUT", CrudAction::kReplace, true);
    consider(item, "PATCH", CrudAction::kUpdate, true);
    consider(item, "DELETE", CrudAction::kDelete, true);
    if (candidates.empty()) return;

    NodeRef schema = find_item_schema(candidates, collection.path_template);
    auto refuse = [&](const std::string& reason) {
      for (Candidate& c : candidates) c.op->not_stored_reason = reason;
    };
    if (!schema.valid()) {
      refuse("no JSON object schema describes the items of " + collection.path_template);
      return;
    }
    SchemaFacts facts = schema_facts(document_, schema);
    NodeRef table_node = Document::child(facts.resolved, "x-apiserver-table");
    if (table_node.valid() && table_node.node->is_boolean() && !table_node.node->get<bool>()) {
      refuse("its schema sets x-apiserver-table: false");
      return;
    }
    // A lone collection (no item path) is CRUD-shaped only when its schema says so.
    if (item == nullptr && !table_node.valid()) {
      refuse("no item path " + collection.path_template +
             "/{id} beside it (or mark its schema "
             "with x-apiserver-table)");
      return;
    }
    std::string table;
    if (table_node.valid()) {
      if (!table_node.node->is_string() || table_node.node->get<std::string>().empty()) {
        report(document_.at(table_node, Diagnostic::Severity::kError,
                            "x-apiserver-table must be a table name or false"));
        refuse("x-apiserver-table is not a table name");
        return;
      }
      table = sanitize_table_name(table_node.node->get<std::string>());
    } else {
      table = sanitize_table_name(last_segment(collection.path_template));
    }
    if (!table_node.valid() && nest != nullptr) {
      // A nested collection takes its parent's name before its own where its own is taken
      // (/posts/{id}/comments beside /comments: posts_comments).
      if (table_taken(table) || collections_ending_in(last_segment(collection.path_template)) > 0)
        table = nest->parent->table + "_" + table;
    } else if (!table_node.valid() &&
               collections_ending_in(last_segment(collection.path_template)) > 1) {
      // Two collections end in the same word (/a/items, /items): name each by its whole path.
      table = sanitize_table_name(collection.path_template.substr(1));
    }
    spec::Diagnostics found;  // what storing this shape runs into
    std::unique_ptr<model::Resource> built =
        resource_for(table, schema, facts, key_param, collection, found);
    if (built && nest != nullptr) tie_to_parent(*built, schema, facts, *nest, found);
    if (!found.has_errors()) {
      for (const Diagnostic& d : found.items()) diagnostics_.add(d);
      api_.resources.push_back(std::move(built));
    } else {
      keep_as_mocks(candidates, facts, found);
      return;
    }
    model::Resource* resource = api_.resources.back().get();
    if (item != nullptr) item_paths_.emplace_back(resource, item->path_template);
    if (nest != nullptr) {
      nest->parent->children.push_back(resource);
      nest->parent->dependents.push_back(
          {resource, resource->parent->column, resource->parent->on_delete});
    }
    find_references(document_, schema, *resource, references_);
    for (Candidate& c : candidates) {
      c.op->crud = c.action;
      c.op->resource = resource;
      c.op->not_stored_reason.clear();
      if (!is_collection_action(c.action)) c.op->key_parameter = key_param;
      if (nest != nullptr) c.op->lineage_parameters = nest->lineage;
      spec::Diagnostics seen;  // find_item_schema reported what following these runs into
      spec::Diagnostics declared;
      c.op->envelope =
          envelope_of(document_, c.action, body_schema(document_, *c.op, seen),
                      success_schema(document_, *c.op, seen), collection.path_template, declared);
      for (const Diagnostic& d : declared.items()) report(d);
    }
  }

  // A nested resource's column for its parent's key and its delete rule.
  void tie_to_parent(model::Resource& resource, const NodeRef& schema, const SchemaFacts& facts,
                     const Nest& nest, spec::Diagnostics& found) {
    int column =
        add_parent_column(document_, resource, schema, nest.lineage.front(), *nest.parent, found);
    if (column < 0) return;
    model::ParentLink link;
    link.resource = nest.parent;
    link.column = static_cast<size_t>(column);
    NodeRef rule = Document::child(facts.resolved, "x-apiserver-on-parent-delete");
    if (rule.valid()) {
      std::string value = rule.node->is_string() ? rule.node->get<std::string>() : "";
      if (value == "cascade") {
        link.on_delete = model::OnDelete::kCascade;
      } else if (value != "restrict") {
        found.add(document_.at(rule, Diagnostic::Severity::kError,
                               "x-apiserver-on-parent-delete must be cascade or restrict"));
      }
    }
    if (!resource.seed_rows.empty() && !resource.columns[link.column].in_schema)
      found.add(document_.at(schema, Diagnostic::Severity::kError,
                             "x-apiserver-seed rows of a nested collection need the parent's key "
                             "as a property named " +
                                 nest.lineage.front() + ", like the path parameter"));
    resource.parent = link;
  }

  bool table_taken(const std::string& table) const {
    for (const auto& existing : api_.resources)
      if (existing->table == table) return true;
    return false;
  }

  NodeRef find_item_schema(const std::vector<Candidate>& candidates, const std::string& path) {
    auto object_schema = [&](const NodeRef& s) {
      std::vector<ObjectProperty> props;
      return s.valid() && object_properties(document_, s, props);
    };
    std::vector<NodeRef> found;
    spec::Diagnostics declared;  // envelopes declared where they do not fit
    for (const Candidate& c : candidates) {
      switch (c.action) {
        case CrudAction::kRead:
        case CrudAction::kCreate:
        case CrudAction::kReplace:
          // An envelope holds the item ({"article": {...}}).
          for (const NodeRef& s : {success_schema(document_, *c.op, diagnostics_),
                                   body_schema(document_, *c.op, diagnostics_)}) {
            const NodeRef inner = unwrap_item(document_, s, path, nullptr, &declared);
            found.push_back(inner.valid() ? inner : s);
          }
          break;
        case CrudAction::kList: {
          const NodeRef s = success_schema(document_, *c.op, diagnostics_);
          const NodeRef inner = unwrap_list(document_, s, path, nullptr, nullptr, &declared);
          found.push_back(inner.valid() ? inner : array_items(document_, s));
          break;
        }
        default:
          break;
      }
    }
    for (const Diagnostic& d : declared.items()) report(d);
    // A schema with storage declarations (its table, key, stamps...) wins, over a list's
    // summary of the item (Conduit's); then the operations' schemas in their order.
    for (const NodeRef& s : found) {
      if (object_schema(s) && declares_storage(document_, schema_facts(document_, s).resolved))
        return s;
    }
    for (const NodeRef& s : found) {
      if (object_schema(s)) return s;
    }
    return {};
  }

  // Collection paths with an item path that end in `segment`.
  size_t collections_ending_in(const std::string& segment) const {
    size_t count = 0;
    for (const auto& collection : api_.paths) {
      const std::string& path = collection.path_template;
      if (path == "/" || path.find('{') != std::string::npos || last_segment(path) != segment)
        continue;
      for (const auto& other : api_.paths) {
        std::string param;
        if (other.path_template.rfind('/') == path.size() &&
            other.path_template.compare(0, path.size(), path) == 0 &&
            ends_with_param_segment(other.path_template, param)) {
          ++count;
          break;
        }
      }
    }
    return count;
  }

  // The resource storing `schema` on `table`; problems go to `found` (a resource with errors
  // in `found` is not to be used).
  std::unique_ptr<model::Resource> resource_for(const std::string& table, const NodeRef& schema,
                                                const SchemaFacts& facts,
                                                const std::string& key_param,
                                                const model::PathItem& collection,
                                                spec::Diagnostics& found) {
    for (auto& existing : api_.resources) {
      if (existing->table != table) continue;
      found.add(document_.at(schema, Diagnostic::Severity::kError,
                             "table '" + table + "' would store both " + existing->collection_path +
                                 " and " + collection.path_template +
                                 "; give one schema another x-apiserver-table"));
      return nullptr;
    }
    auto resource = std::make_unique<model::Resource>();
    resource->table = table;
    resource->collection_path = collection.path_template;
    std::string name = component_name(document_, schema);
    resource->name = name.empty() ? table : name;
    if (!build_columns(document_, *resource, schema, facts, key_param, found)) return nullptr;
    resource->item_schema = schemas_.get(schema, Direction::kRequest);
    read_seed(document_, *resource, facts.resolved, found);
    read_owner(document_, *resource, facts.resolved, found);
    read_if_match(document_, *resource, facts.resolved, found);
    read_query_surface(document_, *resource, facts.resolved, found);
    check_schema_extensions(document_, facts.resolved, found);
    return resource;
  }

  // True when the document itself asks for storage here: an x-apiserver-crud action on one of
  // the operations, or a storage extension on the item schema (declares_storage).
  bool stated_by_document(const std::vector<Candidate>& candidates,
                          const SchemaFacts& facts) const {
    for (const Candidate& c : candidates) {
      auto it = explicit_.find(c.op);
      if (it != explicit_.end() && it->second != CrudAction::kNone) return true;
    }
    return declares_storage(document_, facts.resolved);
  }

  // The candidates cannot be stored for the errors in `found`: they answer as mocks. When the
  // document stated the mapping, its errors stand (as warnings under --mock); when only the
  // convention found it, they are warnings naming the operations that stay mocks.
  void keep_as_mocks(std::vector<Candidate>& candidates, const SchemaFacts& facts,
                     const spec::Diagnostics& found) {
    std::string why;
    for (const Diagnostic& d : found.items()) {
      if (d.severity == Diagnostic::Severity::kError) {
        why = d.message;
        break;
      }
    }
    for (Candidate& c : candidates)
      c.op->not_stored_reason = "its item schema cannot be stored: " + why;
    if (stated_by_document(candidates, facts)) {
      for (const Diagnostic& d : found.items()) report(d);
      return;
    }
    std::string operations;
    for (const Candidate& c : candidates)
      operations += (operations.empty() ? "" : ", ") + c.op->method + " " + c.op->path_template;
    bool first = true;
    for (Diagnostic d : found.items()) {
      if (d.severity == Diagnostic::Severity::kError) {
        d.severity = Diagnostic::Severity::kWarning;
        if (first) d.message = operations + " answer as mocks, not stored: " + d.message;
        first = false;
      }
      diagnostics_.add(std::move(d));
    }
  }

  // A storage error: fatal, except under --mock, which never fails on storage.
  void report(Diagnostic diagnostic) {
    if (mock_ && diagnostic.severity == Diagnostic::Severity::kError) {
      diagnostic.severity = Diagnostic::Severity::kWarning;
      diagnostic.message = "--mock serves it as a mock: " + diagnostic.message;
    }
    diagnostics_.add_once(std::move(diagnostic));
  }

  const Document& document_;
  SchemaCache& schemas_;
  model::Api& api_;
  spec::Diagnostics& diagnostics_;
  bool mock_;
  std::map<const Operation*, CrudAction> explicit_;
  // The item path of each stored resource that has one: where nested collections hang.
  std::vector<std::pair<model::Resource*, std::string>> item_paths_;
  std::vector<DeclaredReference> references_;  // tied once every resource is mapped
};

}  // namespace

void unmap_unseeded_resources(model::Api& api) {
  // Without seed rows, or nested under a resource that goes: a child needs its parent's table.
  std::set<const model::Resource*> dropped;
  for (bool more = true; more;) {
    more = false;
    for (const auto& resource : api.resources) {
      if (dropped.count(resource.get()) > 0) continue;
      if (resource->seed_rows.empty() ||
          (resource->parent && dropped.count(resource->parent->resource) > 0)) {
        dropped.insert(resource.get());
        more = true;
      }
    }
  }
  for (auto& item : api.paths) {
    for (Operation& op : item.operations) {
      if (!op.stored() || dropped.count(op.resource) == 0) continue;
      op.not_stored_reason = op.resource->seed_rows.empty()
                                 ? "--mock: " + op.resource->name + " has no x-apiserver-seed rows"
                                 : "--mock: the resource it is nested under is not stored";
      op.resource = nullptr;
      op.crud = CrudAction::kNone;
      op.key_parameter.clear();
      op.lineage_parameters.clear();
    }
  }
  auto& resources = api.resources;
  for (auto& resource : resources) {
    auto& children = resource->children;
    children.erase(std::remove_if(children.begin(), children.end(),
                                  [&](const model::Resource* c) { return dropped.count(c) > 0; }),
                   children.end());
    auto& embeds = resource->embeds;
    embeds.erase(std::remove_if(embeds.begin(), embeds.end(),
                                [&](const auto& e) { return dropped.count(e.target) > 0; }),
                 embeds.end());
    auto& dependents = resource->dependents;
    dependents.erase(std::remove_if(dependents.begin(), dependents.end(),
                                    [&](const auto& d) { return dropped.count(d.resource) > 0; }),
                     dependents.end());
    // A reference to a table that is not there is not checked (the mock has no such rows).
    auto& references = resource->references;
    references.erase(std::remove_if(references.begin(), references.end(),
                                    [&](const auto& r) { return dropped.count(r.target) > 0; }),
                     references.end());
  }
  resources.erase(
      std::remove_if(resources.begin(), resources.end(),
                     [&](const auto& resource) { return dropped.count(resource.get()); }),
      resources.end());
}

void map_resources(const Document& document, SchemaCache& schemas, model::Api& api,
                   spec::Diagnostics& diagnostics, bool mock) {
  Mapper(document, schemas, api, diagnostics, mock).run();
}

}  // namespace apiserver::compile
