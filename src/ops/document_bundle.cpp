#include "ops/document_bundle.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "spec/json_pointer.hpp"

namespace apiserver::ops {
namespace {

using spec::Json;
using spec::NodeRef;
using spec::SourceFile;

// Members whose values are data, not document structure (as the loader reads them).
bool holds_data(const std::string& key, const Json& value) {
  if (key == "enum" || key == "const" || key == "default" || key == "example" || key == "value")
    return true;
  if (key == "examples" && value.is_array()) return true;
  return key.rfind("x-", 0) == 0;
}

std::string component_name_for(const NodeRef& target) {
  std::string raw = target.pointer.empty()
                        ? std::filesystem::path(target.file->path).stem().string()
                        : target.pointer.substr(target.pointer.rfind('/') + 1);
  std::string out;
  for (char c : raw)
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '_';
  return out.empty() ? "schema" : out;
}

class Bundler {
 public:
  explicit Bundler(const spec::Document& document) : document_(document) {
    const Json& root = document.root();
    if (auto components = root.find("components");
        components != root.end() && components->is_object()) {
      if (auto schemas = components->find("schemas");
          schemas != components->end() && schemas->is_object()) {
        for (const auto& [name, ignored] : schemas->items()) used_names_.insert(name);
      }
    }
  }

  Json run() {
    Json root = copy(document_.main(), document_.root(), "");
    if (!hoisted_.empty()) {
      if (!root.contains("components") || !root["components"].is_object())
        root["components"] = Json::object();
      Json& schemas = root["components"]["schemas"];
      if (!schemas.is_object()) schemas = Json::object();
      for (auto& [name, schema] : hoisted_) schemas[name] = std::move(schema);
    }
    return root;
  }

 private:
  Json copy(const SourceFile& file, const Json& node, const std::string& pointer) {
    if (node.is_array()) {
      Json out = Json::array();
      for (size_t i = 0; i < node.size(); ++i)
        out.push_back(copy(file, node[i], pointer + "/" + std::to_string(i)));
      return out;
    }
    if (!node.is_object()) return node;
    auto ref = node.find("$ref");
    if (ref != node.end() && ref->is_string()) return reference(file, node, pointer);
    Json out = Json::object();
    for (const auto& [key, value] : node.items()) {
      if (key == "$id" && value.is_string()) continue;
      out[key] =
          holds_data(key, value) ? value : copy(file, value, spec::append_pointer(pointer, key));
    }
    return out;
  }

  Json reference(const SourceFile& file, const Json& node, const std::string& pointer) {
    const std::string ref = node["$ref"].get<std::string>();
    if (auto followed = file.followed.find(pointer); followed != file.followed.end()) {
      const NodeRef& target = followed->second;
      if (target.file == &document_.main()) return {{"$ref", "#" + target.pointer}};
      return copy(*target.file, *target.node, target.pointer);
    }
    auto target = document_.resolve(file, ref);
    if (!target) return node;  // the loader refused these; nothing better to publish
    Json out = Json::object();
    out["$ref"] = target->file == &document_.main() ? "#" + target->pointer
                                                    : "#/components/schemas/" + hoist(*target);
    for (const auto& [key, value] : node.items()) {  // 3.1 keywords beside $ref
      if (key != "$ref")
        out[key] =
            holds_data(key, value) ? value : copy(file, value, spec::append_pointer(pointer, key));
    }
    return out;
  }

  // The component name of the schema at `target`, brought in on first use.
  std::string hoist(const NodeRef& target) {
    auto key = std::make_pair(target.file, target.pointer);
    if (auto it = names_.find(key); it != names_.end()) return it->second;
    std::string base = component_name_for(target);
    std::string name = base;
    for (int n = 2; used_names_.count(name); ++n) name = base + "_" + std::to_string(n);
    used_names_.insert(name);
    names_.emplace(key, name);  // before copying: a recursive schema refers to itself
    Json schema = copy(*target.file, *target.node, target.pointer);
    hoisted_.emplace_back(name, std::move(schema));
    return name;
  }

  const spec::Document& document_;
  std::map<std::pair<const SourceFile*, std::string>, std::string> names_;
  std::set<std::string> used_names_;
  std::vector<std::pair<std::string, Json>> hoisted_;
};

}  // namespace

Json bundle_document(const spec::Document& document) {
  return Bundler(document).run();
}

}  // namespace apiserver::ops
