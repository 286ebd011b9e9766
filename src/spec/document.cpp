#include "spec/document.hpp"

#include <filesystem>
#include <set>

#include "spec/json_pointer.hpp"
#include "text/file_text.hpp"
#include "text/percent_encoding.hpp"

namespace apiserver::spec {
namespace fs = std::filesystem;
namespace {

// A spec larger than this is almost certainly a mistake (or an attack on the loader).
constexpr std::uintmax_t kMaxFileBytes = 64ull * 1024 * 1024;

struct RefSite {
  const SourceFile* file;
  std::string pointer;  // where the $ref object is
  std::string ref;
};

// Members whose values are data, not document structure: a "$ref" key in them
// is just a key (an enum value may well be {"$ref": "..."}).
bool holds_data(const std::string& key, const Json& value) {
  if (key == "enum" || key == "const" || key == "default" || key == "example" || key == "value")
    return true;
  if (key == "examples" && value.is_array())
    return true;  // schema examples; objects map Example Objects
  return key.rfind("x-", 0) == 0;
}

void collect_refs(const SourceFile& file, const Json& node, const std::string& pointer,
                  std::vector<RefSite>& out) {
  if (node.is_object()) {
    auto it = node.find("$ref");
    if (it != node.end() && it->is_string())
      out.push_back({&file, pointer, it->get<std::string>()});
    for (const auto& [key, value] : node.items()) {
      if (!value.is_structured() || holds_data(key, value)) continue;
      collect_refs(file, value, append_pointer(pointer, key), out);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      if (node[i].is_structured())
        collect_refs(file, node[i], pointer + "/" + std::to_string(i), out);
    }
  }
}

bool has_uri_scheme(const std::string& ref) {
  size_t colon = ref.find(':');
  size_t slash = ref.find('/');
  return colon != std::string::npos && colon > 1 && (slash == std::string::npos || colon < slash);
}

// The file a $ref names, %-escapes decoded ("my%20api.yaml#/x" -> "my api.yaml").
std::string file_part(const std::string& ref) {
  std::string raw = ref.substr(0, ref.find('#'));
  std::string decoded;
  return text::percent_decode(raw, decoded, false) ? decoded : raw;
}

// A URI without its fragment and trailing '#', as $id and $ref name schema resources.
std::string without_fragment(const std::string& uri) {
  return uri.substr(0, uri.find('#'));
}

// 3.1 schema names in `file`: `$anchor`/`$dynamicAnchor` into file.anchors, absolute `$id`s
// into `ids`, relative `$id`s (not supported as a base for other references) into `relative`.
void collect_names(SourceFile& file, const Json& node, const std::string& pointer,
                   std::unordered_map<std::string, NodeRef>& ids,
                   std::vector<std::string>& relative_ids) {
  if (node.is_object()) {
    for (const char* key : {"$anchor", "$dynamicAnchor"}) {
      auto it = node.find(key);
      if (it != node.end() && it->is_string())
        file.anchors.emplace(it->get<std::string>(), pointer);
    }
    auto id = node.find("$id");
    if (id != node.end() && id->is_string()) {
      const std::string uri = without_fragment(id->get<std::string>());
      if (has_uri_scheme(uri)) {
        ids.emplace(uri, NodeRef{&file, pointer, &node});
      } else if (!uri.empty()) {
        relative_ids.push_back(pointer);
      }
    }
    for (const auto& [key, value] : node.items()) {
      if (!value.is_structured() || holds_data(key, value)) continue;
      collect_names(file, value, append_pointer(pointer, key), ids, relative_ids);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      if (node[i].is_structured())
        collect_names(file, node[i], pointer + "/" + std::to_string(i), ids, relative_ids);
    }
  }
}

// True when a $ref at or under `node` names another file: under a relative `$id` such a
// reference would be resolved against the $id, which the loader does not do.
bool refers_to_files(const Json& node) {
  if (node.is_object()) {
    auto ref = node.find("$ref");
    if (ref != node.end() && ref->is_string() && !file_part(ref->get<std::string>()).empty())
      return true;
    for (const auto& [key, value] : node.items()) {
      if (value.is_structured() && !holds_data(key, value) && refers_to_files(value)) return true;
    }
  } else if (node.is_array()) {
    for (const Json& item : node) {
      if (item.is_structured() && refers_to_files(item)) return true;
    }
  }
  return false;
}

std::string describe(const NodeRef& node) {
  return (node.file != nullptr ? node.file->display_name : std::string()) + "#" + node.pointer;
}

std::string canonical_target(const SourceFile& from, const std::string& file) {
  std::error_code ec;
  fs::path target = fs::path(from.base_dir) / file;
  fs::path canonical = fs::weakly_canonical(target, ec);
  return ec ? target.lexically_normal().string() : canonical.string();
}

Diagnostic make_diagnostic(const SourceFile* file, const std::string& pointer,
                           Diagnostic::Severity severity, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.message = std::move(message);
  d.pointer = pointer;
  if (file != nullptr) {
    d.file = file->display_name;
    SourcePosition pos = file->position_of(pointer);
    d.line = pos.line;
    d.column = pos.column;
  }
  return d;
}

std::unique_ptr<SourceFile> read_source(const std::string& canonical, std::string display,
                                        Diagnostics& diagnostics, const RefSite* referrer) {
  auto report = [&](std::string message) {
    if (referrer != nullptr) {
      diagnostics.add(make_diagnostic(referrer->file, referrer->pointer,
                                      Diagnostic::Severity::kError,
                                      "cannot load '" + referrer->ref + "': " + message));
    } else {
      Diagnostic d;
      d.file = display;
      d.message = std::move(message);
      diagnostics.add(std::move(d));
    }
  };
  std::string contents;
  if (std::optional<text::FileFailure> failure =
          text::read_file_text(canonical, kMaxFileBytes, contents)) {
    switch (*failure) {
      case text::FileFailure::kMissing:
        report("no such file");
        break;
      case text::FileFailure::kNotAFile:
        report("not a regular file");
        break;
      case text::FileFailure::kTooLarge:
        report("the file is larger than 64 MiB");
        break;
      case text::FileFailure::kUnreadable:
        report("cannot read the file");
        break;
    }
    return nullptr;
  }
  auto file = std::make_unique<SourceFile>();
  file->path = canonical;
  file->display_name = std::move(display);
  file->base_dir = fs::path(canonical).parent_path().string();
  ParseFailure failure;
  if (!parse_yaml_text(contents, file->parsed, failure)) {
    Diagnostic d;
    d.file = file->display_name;
    d.line = failure.position.line;
    d.column = failure.position.column;
    d.message = "not valid YAML or JSON: " + failure.message;
    diagnostics.add(std::move(d));
    return nullptr;
  }
  return file;
}

}  // namespace

SourcePosition SourceFile::position_of(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    auto it = parsed.positions.find(p);
    if (it != parsed.positions.end()) return it->second;
    if (p.empty()) return {};
    p.erase(p.rfind('/'));
  }
}

const SourceFile* Document::find_file(const std::string& canonical_path) const {
  for (const auto& f : files_) {
    if (f->path == canonical_path) return f.get();
  }
  return nullptr;
}

std::optional<NodeRef> Document::resolve(const SourceFile& from, const std::string& ref) const {
  size_t hash = ref.find('#');
  std::string file = file_part(ref);
  std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
  const SourceFile* target = &from;
  std::string base;  // the pointer fragments start from: a $id's schema, else the root
  if (!file.empty()) {
    if (has_uri_scheme(file)) {
      auto id = ids_.find(file);
      if (id == ids_.end()) return std::nullopt;
      target = id->second.file;
      base = id->second.pointer;
    } else {
      target = find_file(canonical_target(from, file));
      if (target == nullptr) return std::nullopt;
    }
  }
  std::string pointer;
  if (!text::percent_decode(fragment, pointer, false)) return std::nullopt;
  if (!pointer.empty() && pointer.front() != '/') {
    // A plain name: a 3.1 `$anchor` of the target file.
    auto anchor = target->anchors.find(pointer);
    if (anchor == target->anchors.end()) return std::nullopt;
    pointer = anchor->second;
  } else {
    pointer = base + pointer;
  }
  const Json* node = find_pointer(target->root(), pointer);
  if (node == nullptr) return std::nullopt;
  return NodeRef{target, pointer, node};
}

NodeRef Document::follow(NodeRef node, Diagnostics& diagnostics) const {
  std::vector<NodeRef> chain;
  while (node.valid() && node.node->is_object()) {
    auto it = node.node->find("$ref");
    if (it == node.node->end() || !it->is_string()) break;
    for (const NodeRef& earlier : chain) {
      if (earlier.file != node.file || earlier.pointer != node.pointer) continue;
      std::string links;
      for (const NodeRef& link : chain) links += describe(link) + " -> ";
      diagnostics.add(
          at(node, Diagnostic::Severity::kError,
             "circular $ref chain with nothing but references in it: " + links + describe(node)));
      return {};
    }
    chain.push_back(node);
    std::string ref = it->get<std::string>();
    auto target = resolve(*node.file, ref);
    if (!target) {
      diagnostics.add(
          at(node, Diagnostic::Severity::kError, "$ref '" + ref + "' does not resolve"));
      return {};
    }
    node = *target;
  }
  return node;
}

Diagnostic Document::at(const NodeRef& node, Diagnostic::Severity severity,
                        std::string message) const {
  return make_diagnostic(node.file, node.pointer, severity, std::move(message));
}

namespace {

// `node`, or where it leads when it is a {$ref} the structure walk followed.
NodeRef followed_in_place(NodeRef node) {
  if (node.file == nullptr || !node.node->is_object() || !node.node->contains("$ref")) return node;
  auto it = node.file->followed.find(node.pointer);
  return it == node.file->followed.end() ? node : it->second;
}

}  // namespace

NodeRef Document::child(const NodeRef& parent, const std::string& key) {
  if (!parent.valid() || !parent.node->is_object()) return {};
  auto it = parent.node->find(key);
  if (it == parent.node->end()) return {};
  return followed_in_place({parent.file, append_pointer(parent.pointer, key), &*it});
}

NodeRef Document::item(const NodeRef& parent, size_t index) {
  if (!parent.valid() || !parent.node->is_array() || index >= parent.node->size()) return {};
  return followed_in_place(
      {parent.file, parent.pointer + "/" + std::to_string(index), &(*parent.node)[index]});
}

std::unique_ptr<Document> load_document(const std::string& path, Diagnostics& diagnostics) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  fs::path canonical = fs::weakly_canonical(absolute, ec);
  auto main = read_source(ec ? absolute.string() : canonical.string(), path, diagnostics, nullptr);
  if (!main) return nullptr;

  auto document = std::unique_ptr<Document>(new Document());
  const fs::path main_dir = fs::path(main->base_dir);
  document->files_.push_back(std::move(main));

  // Load every file reachable through $ref, breadth first; files already
  // loaded are not read again, so reference cycles between files terminate.
  std::vector<RefSite> sites;
  bool load_failed = false;
  for (size_t i = 0; i < document->files_.size(); ++i) {
    const SourceFile& file = *document->files_[i];
    size_t first_new = sites.size();
    collect_refs(file, file.root(), "", sites);
    for (size_t s = first_new; s < sites.size(); ++s) {
      const RefSite& site = sites[s];
      std::string target_file = file_part(site.ref);
      if (target_file.empty()) continue;
      if (has_uri_scheme(target_file)) continue;  // a 3.1 $id, or reported by check()
      std::string canonical_path = canonical_target(file, target_file);
      if (document->find_file(canonical_path) != nullptr) continue;
      std::string display = fs::path(canonical_path).lexically_relative(main_dir).string();
      auto loaded = read_source(canonical_path, display, diagnostics, &site);
      if (!loaded) {
        load_failed = true;
        continue;
      }
      document->files_.push_back(std::move(loaded));
    }
  }
  if (load_failed || !document->check(diagnostics) || !document->link_structure(diagnostics))
    return nullptr;
  return document;
}

std::unique_ptr<Document> parse_document(const std::string& text, const std::string& name,
                                         Diagnostics& diagnostics) {
  auto file = std::make_unique<SourceFile>();
  file->path = name;
  file->display_name = name;
  ParseFailure failure;
  if (!parse_yaml_text(text, file->parsed, failure)) {
    Diagnostic d;
    d.file = name;
    d.line = failure.position.line;
    d.column = failure.position.column;
    d.message = "not valid YAML or JSON: " + failure.message;
    diagnostics.add(std::move(d));
    return nullptr;
  }
  auto document = std::unique_ptr<Document>(new Document());
  document->files_.push_back(std::move(file));
  if (!document->check(diagnostics) || !document->link_structure(diagnostics)) return nullptr;
  return document;
}

bool Document::check(Diagnostics& diagnostics) {
  bool ok = true;
  std::vector<RefSite> sites;
  for (const auto& file : files_) {
    std::vector<std::string> relative_ids;
    collect_names(*file, file->root(), "", ids_, relative_ids);
    auto version = root().is_object() ? root().find("openapi") : root().end();
    const bool v31 = version != root().end() && version->is_string() &&
                     version->get<std::string>().rfind("3.1", 0) == 0;
    for (const std::string& pointer : relative_ids) {
      if (!v31 || !refers_to_files(*find_pointer(file->root(), pointer))) continue;
      diagnostics.add(make_diagnostic(
          file.get(), pointer + "/$id", Diagnostic::Severity::kError,
          "a relative $id is not supported as the base of the references under it: they are "
          "resolved against the file; make the $id an absolute URI or the references "
          "relative to the file"));
      ok = false;
    }
    collect_refs(*file, file->root(), "", sites);
  }
  for (const RefSite& site : sites) {
    if (resolve(*site.file, site.ref)) continue;
    std::string message =
        has_uri_scheme(file_part(site.ref))
            ? "remote $ref '" + site.ref +
                  "' is not supported: only local files (and the $id of their schemas) are loaded"
            : "$ref '" + site.ref + "' does not resolve";
    diagnostics.add(
        make_diagnostic(site.file, site.pointer, Diagnostic::Severity::kError, message));
    ok = false;
  }
  const Json& root = this->root();
  NodeRef root_ref = this->root_ref();
  if (!root.is_object()) {
    diagnostics.add(at(root_ref, Diagnostic::Severity::kError,
                       "an OpenAPI document must be a mapping at the top level"));
    return false;
  }
  auto version = root.find("openapi");
  if (version == root.end()) {
    std::string message = root.contains("swagger")
                              ? "Swagger 2.0 documents are not supported; convert to OpenAPI 3"
                              : "the document has no 'openapi' version field";
    diagnostics.add(at(root_ref, Diagnostic::Severity::kError, message));
    return false;
  }
  NodeRef version_ref = Document::child(root_ref, "openapi");
  if (!version->is_string()) {
    diagnostics.add(at(version_ref, Diagnostic::Severity::kError,
                       "'openapi' must be a string such as \"3.0.3\" (quote it in YAML)"));
    return false;
  }
  openapi_version_ = version->get<std::string>();
  const std::string& v = openapi_version_;
  if (v.rfind("3.0.", 0) == 0 || v == "3.0") {
    is_v31_ = false;
  } else if (v.rfind("3.1.", 0) == 0 || v == "3.1") {
    is_v31_ = true;
  } else {
    diagnostics.add(at(version_ref, Diagnostic::Severity::kError,
                       "OpenAPI version '" + v + "' is not supported (3.0.x and 3.1.x are)"));
    return false;
  }
  return ok;
}

}  // namespace apiserver::spec
