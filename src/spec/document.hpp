// A loaded OpenAPI document: the main file and every file its $refs reach,
// parsed, with source positions, and a resolver for $ref strings.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spec/diagnostics.hpp"
#include "spec/yaml_json.hpp"

namespace apiserver::spec {

using Json = nlohmann::ordered_json;

struct SourceFile;

// A node somewhere in the document's files.
struct NodeRef {
  const SourceFile* file = nullptr;
  std::string pointer;
  const nlohmann::ordered_json* node = nullptr;

  bool valid() const { return node != nullptr; }
};

struct SourceFile {
  std::string path;          // canonical absolute path
  std::string display_name;  // what error messages call it
  std::string base_dir;      // directory relative $refs start from
  ParsedText parsed;
  // Where each {$ref} that stands for an OpenAPI object (Path Item, Operation, Parameter,
  // Response...) or for a whole map or list (`properties`, `parameters`, `responses`,
  // `headers`, `content`...) leads, by the pointer of the {$ref} node. Document::child and
  // item answer the target in its place, so every reader sees the object, in its own file.
  // Schema references are not here: schemas are walked by their own rules (recursion).
  std::unordered_map<std::string, NodeRef> followed;
  // 3.1 `$anchor` (and `$dynamicAnchor`) names -> pointer of the schema declaring them.
  std::unordered_map<std::string, std::string> anchors;

  const Json& root() const { return parsed.root; }
  // Position of the node at `pointer`, or of its nearest ancestor that has one.
  SourcePosition position_of(const std::string& pointer) const;
};

class Document {
 public:
  const SourceFile& main() const { return *files_.front(); }
  const Json& root() const { return main().root(); }
  NodeRef root_ref() const { return {&main(), "", &main().root()}; }
  const std::string& openapi_version() const { return openapi_version_; }
  // True for OpenAPI 3.1 (JSON Schema 2020-12 dialect), false for 3.0.
  bool is_v31() const { return is_v31_; }
  const std::vector<std::unique_ptr<SourceFile>>& files() const { return files_; }

  // Resolves `ref` (a $ref value found in `from`). Every file was loaded up
  // front, so this never touches the disk.
  std::optional<NodeRef> resolve(const SourceFile& from, const std::string& ref) const;

  // Follows `node` while it is a {$ref: ...} object; reports a dangling or
  // circular chain (naming its links) into `diagnostics` and returns an invalid NodeRef then.
  NodeRef follow(NodeRef node, Diagnostics& diagnostics) const;

  // A diagnostic located at `node`.
  Diagnostic at(const NodeRef& node, Diagnostic::Severity severity, std::string message) const;

  // The child `key` of an object node (invalid NodeRef when absent); a {$ref} standing for an
  // OpenAPI object or a whole map is answered by its target (SourceFile::followed).
  static NodeRef child(const NodeRef& parent, const std::string& key);
  static NodeRef item(const NodeRef& parent, size_t index);

 private:
  friend std::unique_ptr<Document> load_document(const std::string&, Diagnostics&);
  friend std::unique_ptr<Document> parse_document(const std::string&, const std::string&,
                                                  Diagnostics&);
  // Checks the version field and every $ref; false after reporting problems.
  bool check(Diagnostics& diagnostics);
  // Fills SourceFile::followed (document_structure.cpp); false after reporting problems.
  bool link_structure(Diagnostics& diagnostics);
  const SourceFile* find_file(const std::string& canonical_path) const;

  std::vector<std::unique_ptr<SourceFile>> files_;
  // 3.1 schemas' absolute `$id`s (without a trailing '#') -> the schema.
  std::unordered_map<std::string, NodeRef> ids_;
  std::string openapi_version_;
  bool is_v31_ = false;
};

// Reads `path` (YAML or JSON) and every local file reachable through $ref.
// Problems go to `diagnostics`; returns nullptr when the document cannot be
// used at all (unreadable, not parseable, not OpenAPI 3.0/3.1, or has
// unresolvable references).
std::unique_ptr<Document> load_document(const std::string& path, Diagnostics& diagnostics);

// Parses a document held in memory (`name` labels diagnostics). $refs to
// other files are not followed: they are reported as unresolvable.
std::unique_ptr<Document> parse_document(const std::string& text, const std::string& name,
                                         Diagnostics& diagnostics);

}  // namespace apiserver::spec
