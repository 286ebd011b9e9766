// The structure walk: which {$ref}s stand for OpenAPI objects and whole maps, and where they
// lead (SourceFile::followed), so that every reader of the document sees a Path Item, an
// Operation, a `parameters` list or a `properties` map given by reference as if it were
// written in place (JSON Reference semantics, as bundlers and mock servers resolve them).
//
// The walk starts at the root and knows, at each step, what kind of object it stands on: the
// same {$ref} means an object to follow in a `responses` map and a schema to keep in
// `properties`. Schema references stay as written (their readers handle recursion), but the
// schemas they lead to are walked too, for the maps inside them. A chain of objects that
// comes back to itself with no schema on the way is refused, naming its links.
#include <set>
#include <tuple>

#include "spec/document.hpp"
#include "spec/field_types.hpp"

namespace apiserver::spec {
namespace {

enum class Kind {
  kRoot,
  kPaths,  // map of Path Item (paths, webhooks, a Callback, components.pathItems)
  kPathItem,
  kOperation,
  kParameters,  // list of Parameter
  kParameter,   // Parameter or Header
  kRequestBody,
  kResponses,  // map of Response
  kResponse,
  kHeaders,  // map of Header
  kContent,  // map of Media Type
  kMediaType,
  kEncodings,  // map of Encoding
  kEncoding,
  kExamples,   // map of Example
  kLinks,      // map of Link
  kCallbacks,  // map of Callback
  kComponents,
  kComponentMap,  // components.X: map of the kind `element`
  kSchema,
  kSchemaMap,   // properties, patternProperties, $defs, dependentSchemas
  kSchemaList,  // allOf, anyOf, oneOf, prefixItems, items as a list
  kSecurityScheme,
  kLeaf,  // an object whose insides hold no references to follow (Example, Link)
};

const char* const kMethods[] = {"get",     "put",  "post",  "delete",
                                "options", "head", "patch", "trace"};

class Walker {
 public:
  Walker(const Document& document, Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics) {
    for (const auto& file : document.files()) writable_[file.get()] = file.get();
  }

  void walk(NodeRef node, Kind kind, Kind element = Kind::kLeaf) {
    if (!node.valid() || !node.node->is_structured()) return;
    if (is_reference(node)) {
      NodeRef target = follow(node);
      if (!target.valid()) return;
      if (kind == Kind::kSchema) {
        // 3.1 applies the keywords beside a $ref: their types are checked as the target's.
        check_field_types(document_, node, FieldOwner::kSchema, diagnostics_);
        walk(target, kind);  // kept as written: only walked for what is inside
        return;
      }
      writable_.at(node.file)->followed.emplace(node.pointer, target);
      if (on_stack(target)) {
        refuse_cycle(node, target);
        return;
      }
      node = target;
    }
    if (!visited_.insert({node.file, node.pointer, kind}).second) return;
    stack_.push_back(node);
    walk_inside(node, kind, element);
    stack_.pop_back();
    check_fields(node, kind);  // after the walk: the members it followed read as their targets
  }

  bool failed() const { return failed_; }

 private:
  static bool is_reference(const NodeRef& node) {
    if (!node.node->is_object()) return false;
    auto ref = node.node->find("$ref");
    return ref != node.node->end() && ref->is_string();
  }

  // Document::follow, reporting a chain of nothing but references once, not at each entry.
  NodeRef follow(const NodeRef& node) {
    Diagnostics found;
    NodeRef target = document_.follow(node, found);
    for (const Diagnostic& d : found.items()) {
      failed_ = true;
      if (reported_.insert(d.file + "#" + d.pointer).second) diagnostics_.add(d);
    }
    return target;
  }

  bool on_stack(const NodeRef& target) const {
    for (const NodeRef& open : stack_) {
      if (open.file == target.file && open.pointer == target.pointer) return true;
    }
    return false;
  }

  void refuse_cycle(const NodeRef& reference, const NodeRef& target) {
    std::string links;
    bool inside = false;
    for (const NodeRef& open : stack_) {
      inside = inside || (open.file == target.file && open.pointer == target.pointer);
      if (inside) links += open.file->display_name + "#" + open.pointer + " -> ";
    }
    links += reference.file->display_name + "#" + reference.pointer;
    diagnostics_.add(document_.at(reference, Diagnostic::Severity::kError,
                                  "a $ref cycle with no schema in it cannot be served: " + links +
                                      " leads back to " + target.file->display_name + "#" +
                                      target.pointer));
    failed_ = true;
  }

  // The types of the fields later stages read (spec/field_types.hpp).
  void check_fields(const NodeRef& node, Kind kind) {
    const std::pair<Kind, FieldOwner> owners[] = {
        {Kind::kRoot, FieldOwner::kRoot},
        {Kind::kPathItem, FieldOwner::kPathItem},
        {Kind::kOperation, FieldOwner::kOperation},
        {Kind::kParameter, FieldOwner::kParameter},
        {Kind::kRequestBody, FieldOwner::kRequestBody},
        {Kind::kMediaType, FieldOwner::kMediaType},
        {Kind::kEncoding, FieldOwner::kEncoding},
        {Kind::kSchema, FieldOwner::kSchema},
        {Kind::kSecurityScheme, FieldOwner::kSecurityScheme},
    };
    for (const auto& [walked, owner] : owners) {
      if (walked == kind) check_field_types(document_, node, owner, diagnostics_);
    }
  }

  void each_value(const NodeRef& map, Kind kind) {
    if (!map.node->is_object()) return;
    for (const auto& [key, value] : map.node->items()) {
      if (key.rfind("x-", 0) == 0) continue;
      walk(Document::child(map, key), kind);
    }
  }

  void each_item(const NodeRef& list, Kind kind) {
    if (!list.node->is_array()) return;
    for (size_t i = 0; i < list.node->size(); ++i) walk(Document::item(list, i), kind);
  }

  void member(const NodeRef& object, const char* key, Kind kind) {
    walk(Document::child(object, key), kind);
  }

  void walk_inside(const NodeRef& node, Kind kind, Kind element) {
    switch (kind) {
      case Kind::kRoot:
        member(node, "paths", Kind::kPaths);
        member(node, "webhooks", Kind::kPaths);
        member(node, "components", Kind::kComponents);
        return;
      case Kind::kPaths:
        return each_value(node, Kind::kPathItem);
      case Kind::kPathItem:
        for (const char* method : kMethods) member(node, method, Kind::kOperation);
        member(node, "parameters", Kind::kParameters);
        return;
      case Kind::kOperation:
        member(node, "parameters", Kind::kParameters);
        member(node, "requestBody", Kind::kRequestBody);
        member(node, "responses", Kind::kResponses);
        member(node, "callbacks", Kind::kCallbacks);
        return;
      case Kind::kParameters:
        return each_item(node, Kind::kParameter);
      case Kind::kParameter:
        member(node, "schema", Kind::kSchema);
        member(node, "content", Kind::kContent);
        member(node, "examples", Kind::kExamples);
        return;
      case Kind::kRequestBody:
        return member(node, "content", Kind::kContent);
      case Kind::kResponses:
        return each_value(node, Kind::kResponse);
      case Kind::kResponse:
        member(node, "headers", Kind::kHeaders);
        member(node, "content", Kind::kContent);
        member(node, "links", Kind::kLinks);
        return;
      case Kind::kHeaders:
        return each_value(node, Kind::kParameter);
      case Kind::kContent:
        return each_value(node, Kind::kMediaType);
      case Kind::kMediaType:
        member(node, "schema", Kind::kSchema);
        member(node, "examples", Kind::kExamples);
        member(node, "encoding", Kind::kEncodings);
        return;
      case Kind::kEncodings:
        return each_value(node, Kind::kEncoding);
      case Kind::kEncoding:
        return member(node, "headers", Kind::kHeaders);
      case Kind::kExamples:
      case Kind::kLinks:
        return each_value(node, Kind::kLeaf);
      case Kind::kCallbacks:
        return each_value(node, Kind::kPaths);
      case Kind::kComponents:
        return walk_components(node);
      case Kind::kComponentMap:
        return each_value(node, element);
      case Kind::kSchema:
        return walk_schema(node);
      case Kind::kSchemaMap:
        return each_value(node, Kind::kSchema);
      case Kind::kSchemaList:
        return each_item(node, Kind::kSchema);
      case Kind::kSecurityScheme:
      case Kind::kLeaf:
        return;
    }
  }

  void walk_components(const NodeRef& components) {
    const std::pair<const char*, Kind> kinds[] = {
        {"schemas", Kind::kSchema},
        {"responses", Kind::kResponse},
        {"parameters", Kind::kParameter},
        {"examples", Kind::kLeaf},
        {"requestBodies", Kind::kRequestBody},
        {"headers", Kind::kParameter},
        {"securitySchemes", Kind::kSecurityScheme},
        {"links", Kind::kLeaf},
        {"callbacks", Kind::kPaths},
        {"pathItems", Kind::kPathItem},
    };
    for (const auto& [key, element] : kinds)
      walk(Document::child(components, key), Kind::kComponentMap, element);
  }

  void walk_schema(const NodeRef& schema) {
    if (!schema.node->is_object()) return;
    for (const char* key :
         {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
      member(schema, key, Kind::kSchemaMap);
    for (const char* key : {"allOf", "anyOf", "oneOf", "prefixItems"})
      member(schema, key, Kind::kSchemaList);
    for (const char* key :
         {"additionalProperties", "additionalItems", "not", "contains", "propertyNames", "if",
          "then", "else", "unevaluatedItems", "unevaluatedProperties", "contentSchema"})
      member(schema, key, Kind::kSchema);
    NodeRef items = Document::child(schema, "items");
    if (items.valid()) walk(items, items.node->is_array() ? Kind::kSchemaList : Kind::kSchema);
  }

  const Document& document_;
  Diagnostics& diagnostics_;
  std::set<std::tuple<const SourceFile*, std::string, Kind>> visited_;
  std::vector<NodeRef> stack_;  // the objects being walked, outermost first
  std::unordered_map<const SourceFile*, SourceFile*> writable_;
  std::set<std::string> reported_;  // where a circular chain was reported
  bool failed_ = false;
};

}  // namespace

bool Document::link_structure(Diagnostics& diagnostics) {
  size_t errors_before = diagnostics.error_count();
  Walker walker(*this, diagnostics);
  walker.walk(root_ref(), Kind::kRoot);
  return !walker.failed() && diagnostics.error_count() == errors_before;
}

}  // namespace apiserver::spec
