#include "compile/compiler.hpp"

#include <set>

#include "auth/security_compiler.hpp"
#include "compile/bulk_operations.hpp"
#include "compile/error_plan_compiler.hpp"
#include "compile/operation_compiler.hpp"
#include "compile/rate_limit_compiler.hpp"
#include "compile/resource_mapper.hpp"
#include "compile/response_contract_compiler.hpp"
#include "compile/schema_cache.hpp"
#include "compile/settings.hpp"
#include "compile/upstream_compiler.hpp"
#include "mock/planner.hpp"
#include "spec/values.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

const char* const kMethods[] = {"get",     "put",  "post",  "delete",
                                "options", "head", "patch", "trace"};

const std::set<std::string> kPathItemFields = {"$ref", "summary", "description", "servers",
                                               "parameters"};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string allow_header(const model::PathItem& item) {
  std::vector<std::string> methods;
  for (const auto& op : item.operations) methods.push_back(op.method);
  if (item.find("GET") && !item.find("HEAD")) methods.push_back("HEAD");
  if (!item.find("OPTIONS")) methods.push_back("OPTIONS");
  std::string out;
  for (const auto& m : methods) out += (out.empty() ? "" : ", ") + m;
  return out;
}

void warn_unenforced_features(const Document& document, spec::Diagnostics& diagnostics) {
  NodeRef root = document.root_ref();
  NodeRef servers = Document::child(root, "servers");
  if (servers.valid() && servers.node->is_array()) {
    for (size_t i = 0; i < servers.node->size(); ++i) {
      const auto& url = spec::string_field((*servers.node)[i], "url");
      size_t scheme = url.find("://");
      size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
      std::string base = path == std::string::npos ? "" : url.substr(path);
      if (!base.empty() && base != "/" && base.find('{') == std::string::npos) {
        diagnostics.add(document.at(
            Document::item(servers, i), Diagnostic::Severity::kWarning,
            "paths are served as written, without the server base path '" + base + "'"));
        break;
      }
    }
  }
}

// The server's own endpoints must not hide an operation of the document.
void check_endpoint_collisions(const Document& document, const model::Api& api,
                               spec::Diagnostics& diagnostics) {
  const model::EndpointPaths& e = api.settings.endpoints;
  std::vector<std::pair<const char*, std::string>> served{
      {"health", e.health},
      {"ready", e.ready},
      {"metrics", e.metrics},
      {"openapi", e.openapi.empty() ? "" : e.openapi + ".json"},
      {"openapi", e.openapi.empty() ? "" : e.openapi + ".yaml"},
      {"docs", e.docs},
      {"redoc", e.redoc}};
  // The docs pages' own files too: a document path there would be hidden just the same.
  for (const char* file : model::kSwaggerUiFiles) {
    if (!e.docs.empty()) served.emplace_back("docs", model::docs_file_path(e.docs, file));
  }
  for (const char* file : model::kRedocFiles) {
    if (!e.redoc.empty()) served.emplace_back("redoc", model::docs_file_path(e.redoc, file));
  }
  for (const auto& [key, path] : served) {
    if (path.empty() || !api.router.match(path)) continue;
    diagnostics.add(document.at(Document::child(document.root_ref(), "paths"),
                                Diagnostic::Severity::kError,
                                "the document declares " + path + ", which is the server's " + key +
                                    " endpoint; move the endpoint (x-apiserver: {endpoints: {" +
                                    key + ": /other}}) or turn it off (" + key + ": false)"));
  }
}

// A path key with '#' or '?' (Box writes `/files/{file_id}#add_shared_link` for a second
// operation on one URL): what follows is a fragment, which clients never send, or a query, which
// routing never sees. Requests meant for it reach the path before that character, validated and
// answered by its operations, so `validate` fails on it; serving, it stays reachable as %23/%3F.
void warn_unreachable_path_key(const Document& document, const NodeRef& paths,
                               const std::string& path, spec::Diagnostics& diagnostics) {
  size_t cut = path.find_first_of("#?");
  if (cut == std::string::npos) return;
  const bool fragment = path[cut] == '#';
  const std::string before = path.substr(0, cut);
  const bool declared = paths.node->contains(before);
  const std::string mark(1, path[cut]);
  std::string message = "path '" + path + "' contains '" + mark + "', which begins ";
  message += fragment ? "a URI fragment: clients never send it" : "the query string";
  message += ", so a request meant for this path is routed as '" + before + "'";
  message += declared ? " (declared too: its operations validate and answer it)"
                      : " (which the document does not declare)";
  message += "; this path is reached only with the '" + mark + "' sent as ";
  message += fragment ? "%23" : "%3F";
  spec::Diagnostic warning =
      document.at(Document::child(paths, path), Diagnostic::Severity::kWarning, message);
  warning.not_enforced = true;
  diagnostics.add(std::move(warning));
}

void compile_paths(const Document& document, SchemaCache& schemas, model::Api& api,
                   spec::Diagnostics& diagnostics) {
  NodeRef paths = Document::child(document.root_ref(), "paths");
  if (!paths.valid()) return;
  if (!paths.node->is_object()) {
    diagnostics.add(document.at(paths, Diagnostic::Severity::kError, "'paths' must be a mapping"));
    return;
  }
  for (const auto& [path, value] : paths.node->items()) {
    NodeRef path_node = Document::child(paths, path);
    if (path.rfind("x-", 0) == 0) continue;
    warn_unreachable_path_key(document, paths, path, diagnostics);
    std::string error;
    if (!api.router.add(path, api.paths.size(), error)) {
      diagnostics.add(
          document.at(path_node, Diagnostic::Severity::kError, "path '" + path + "': " + error));
      continue;
    }
    NodeRef item = document.follow(path_node, diagnostics);
    model::PathItem compiled;
    compiled.path_template = path;
    if (item.valid() && item.node->is_object()) {
      const std::vector<std::string>& names = api.router.names(api.paths.size());
      for (const char* method : kMethods) {
        NodeRef op = Document::child(item, method);
        if (!op.valid()) continue;
        compiled.operations.push_back(compile_operation(document, schemas, upper(method), path,
                                                        names, item, op, diagnostics));
      }
      for (const auto& [key, ignored] : item.node->items()) {
        bool known = kPathItemFields.count(key) || key.rfind("x-", 0) == 0;
        for (const char* method : kMethods) known = known || key == method;
        if (!known)
          diagnostics.add(document.at(Document::child(item, key), Diagnostic::Severity::kWarning,
                                      "unknown path item field '" + key + "' is ignored"));
      }
    } else if (item.valid()) {
      diagnostics.add(
          document.at(item, Diagnostic::Severity::kError, "a path item must be a mapping"));
    }
    compiled.allow = allow_header(compiled);
    api.paths.push_back(std::move(compiled));
  }
}

}  // namespace

std::unique_ptr<model::Api> compile_api(std::shared_ptr<const Document> document,
                                        spec::Diagnostics& diagnostics,
                                        const CompileOptions& options) {
  auto api = std::make_unique<model::Api>();
  api->document = document;
  read_settings(*document, api->settings, diagnostics);
  SchemaCache schemas(*document, diagnostics);
  compile_paths(*document, schemas, *api, diagnostics);
  for (auto& item : api->paths) {
    for (auto& op : item.operations) {
      op.index = static_cast<int>(api->operations.size());
      api->operations.push_back(&op);
    }
  }
  compile_upstreams(*document, *api, diagnostics);
  compile_response_contracts(*document, schemas, *api, options.validate_responses, diagnostics);
  map_resources(*document, schemas, *api, diagnostics, options.mock);
  if (options.mock) unmap_unseeded_resources(*api);
  find_bulk_operations(*document, *api, diagnostics);
  auth::compile_security(*document, *api, options.mock, diagnostics);
  find_forwarded_credentials(*api);
  compile_rate_limits(*document, *api, diagnostics);
  check_endpoint_collisions(*document, *api, diagnostics);
  mock::plan_mocks(*document, *api, diagnostics);
  compile_error_plans(*document, *api, diagnostics);
  warn_unenforced_features(*document, diagnostics);
  if (diagnostics.has_errors()) return nullptr;
  return api;
}

}  // namespace apiserver::compile
