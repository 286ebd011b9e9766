#include "ops/published_document.hpp"

#include <yaml-cpp/yaml.h>

#include "ops/document_bundle.hpp"
#include "ops/list_parameters.hpp"
#include "spec/values.hpp"

namespace apiserver::ops {
namespace {

void strip_server_keys(spec::Json& node) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end();) {
      if (it.key().rfind("x-apiserver", 0) == 0) {
        it = node.erase(it);
      } else {
        strip_server_keys(it.value());
        ++it;
      }
    }
  } else if (node.is_array()) {
    for (auto& item : node) strip_server_keys(item);
  }
}

void emit(YAML::Emitter& out, const spec::Json& node) {
  if (node.is_object()) {
    out << YAML::BeginMap;
    for (auto it = node.begin(); it != node.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      emit(out, it.value());
    }
    out << YAML::EndMap;
  } else if (node.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& item : node) emit(out, item);
    out << YAML::EndSeq;
  } else if (node.is_string()) {
    // Quoted, so that "1.0", "true" or "null" stay strings.
    out << YAML::DoubleQuoted << node.get<std::string>();
  } else if (node.is_null()) {
    out << YAML::Null;
  } else {
    out << node.dump();
  }
}

// This server first in `servers`, so that "Try it out" calls it and not the vendor's
// production URL; the document's own entries follow. "/" is relative to where the document was
// fetched from: this server, whatever name a browser reached it by.
void put_this_server_first(spec::Json& root) {
  spec::Json servers = spec::Json::array();
  servers.push_back({{"url", "/"}, {"description", "this server"}});
  if (auto declared = root.find("servers"); declared != root.end() && declared->is_array()) {
    for (const auto& server : *declared) {
      if (!(server.is_object() && spec::string_field(server, "url") == "/"))
        servers.push_back(server);
    }
  }
  root["servers"] = std::move(servers);
}

}  // namespace

PublishedDocument publish(const model::Api& api) {
  spec::Json root = bundle_document(*api.document);
  strip_server_keys(root);
  describe_list_parameters(api, root);
  put_this_server_first(root);
  PublishedDocument out;
  out.json = root.dump(-1, ' ', false, spec::Json::error_handler_t::replace);
  YAML::Emitter emitter;
  emit(emitter, root);
  out.yaml = std::string(emitter.c_str()) + "\n";
  return out;
}

}  // namespace apiserver::ops
