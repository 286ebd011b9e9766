#include "spec/document.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "spec/json_pointer.hpp"
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

std::string file_part(const std::string& ref) {
  return ref.substr(0, ref.find('#'));
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
  std::error_code ec;
  if (!fs::is_regular_file(canonical, ec)) {
    report(fs::exists(canonical, ec) ? "not a regular file" : "no such file");
    return nullptr;
  }
  if (fs::file_size(canonical, ec) > kMaxFileBytes) {
    report("the file is larger than 64 MiB");
    return nullptr;
  }
  std::ifstream in(canonical, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (!in) {
    report("cannot read the file");
    return nullptr;
  }
  auto file = std::make_unique<SourceFile>();
  file->path = canonical;
  file->display_name = std::move(display);
  file->base_dir = fs::path(canonical).parent_path().string();
  ParseFailure failure;
  if (!parse_yaml_text(buffer.str(), file->parsed, failure)) {
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
  std::string file = ref.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
  const SourceFile* target = &from;
  if (!file.empty()) {
    if (has_uri_scheme(file)) return std::nullopt;
    target = find_file(canonical_target(from, file));
    if (target == nullptr) return std::nullopt;
  }
  std::string pointer;
  if (!text::percent_decode(fragment, pointer, false)) return std::nullopt;
  if (!pointer.empty() && pointer.front() != '/') return std::nullopt;  // plain-name anchors
  const Json* node = find_pointer(target->root(), pointer);
  if (node == nullptr) return std::nullopt;
  return NodeRef{target, pointer, node};
}

NodeRef Document::follow(NodeRef node, Diagnostics& diagnostics) const {
  std::set<std::pair<const SourceFile*, std::string>> seen;
  while (node.valid() && node.node->is_object()) {
    auto it = node.node->find("$ref");
    if (it == node.node->end() || !it->is_string()) break;
    if (!seen.insert({node.file, node.pointer}).second) {
      diagnostics.add(at(node, Diagnostic::Severity::kError, "circular $ref chain"));
      return {};
    }
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

NodeRef Document::child(const NodeRef& parent, const std::string& key) {
  if (!parent.valid() || !parent.node->is_object()) return {};
  auto it = parent.node->find(key);
  if (it == parent.node->end()) return {};
  return {parent.file, append_pointer(parent.pointer, key), &*it};
}

NodeRef Document::item(const NodeRef& parent, size_t index) {
  if (!parent.valid() || !parent.node->is_array() || index >= parent.node->size()) return {};
  return {parent.file, parent.pointer + "/" + std::to_string(index), &(*parent.node)[index]};
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
      if (has_uri_scheme(target_file)) {
        diagnostics.add(make_diagnostic(
            site.file, site.pointer, Diagnostic::Severity::kError,
            "remote $ref '" + site.ref + "' is not supported: only local files are loaded"));
        load_failed = true;
        continue;
      }
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
  if (load_failed || !document->check(diagnostics)) return nullptr;
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
  if (!document->check(diagnostics)) return nullptr;
  return document;
}

bool Document::check(Diagnostics& diagnostics) {
  bool ok = true;
  std::vector<RefSite> sites;
  for (const auto& file : files_) collect_refs(*file, file->root(), "", sites);
  for (const RefSite& site : sites) {
    if (has_uri_scheme(file_part(site.ref))) continue;  // reported while loading
    if (!resolve(*site.file, site.ref)) {
      diagnostics.add(make_diagnostic(site.file, site.pointer, Diagnostic::Severity::kError,
                                      "$ref '" + site.ref + "' does not resolve"));
      ok = false;
    }
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
