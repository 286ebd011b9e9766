#include "compile/settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "compile/environment.hpp"
#include "mock/knobs.hpp"
#include "spec/values.hpp"

namespace apiserver::compile {
namespace {

using spec::check_keys;
using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;
using spec::parse_byte_size;
using spec::parse_duration;

bool read_positive(const Document& document, const NodeRef& node, long long& out,
                   spec::Diagnostics& diagnostics) {
  if (!node.valid()) return false;
  if (!node.node->is_number_integer() || node.node->get<long long>() < 1) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError, "must be a positive integer"));
    return false;
  }
  out = node.node->get<long long>();
  return true;
}

std::vector<std::string> string_list(const Document& document, const NodeRef& node,
                                     spec::Diagnostics& diagnostics) {
  std::vector<std::string> out;
  if (node.node->is_string()) {
    out.push_back(node.node->get<std::string>());
    return out;
  }
  if (node.node->is_array()) {
    for (const auto& item : *node.node) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
    if (out.size() == node.node->size()) return out;
  }
  diagnostics.add(
      document.at(node, Diagnostic::Severity::kError, "must be a string or a list of strings"));
  return {};
}

void read_cors(const Document& document, const NodeRef& node, model::CorsSettings& cors,
               spec::Diagnostics& diagnostics) {
  if (!node.node->is_object()) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError, "'cors' must be a mapping"));
    return;
  }
  check_keys(document, node,
             {"allow-origins", "allow-headers", "expose-headers", "allow-credentials", "max-age"},
             diagnostics);
  cors.enabled = true;
  if (NodeRef n = Document::child(node, "allow-origins"); n.valid())
    cors.allow_origins = string_list(document, n, diagnostics);
  if (NodeRef n = Document::child(node, "allow-headers"); n.valid())
    cors.allow_headers = string_list(document, n, diagnostics);
  if (NodeRef n = Document::child(node, "expose-headers"); n.valid())
    cors.expose_headers = string_list(document, n, diagnostics);
  if (NodeRef n = Document::child(node, "allow-credentials"); n.valid()) {
    if (n.node->is_boolean()) {
      cors.allow_credentials = n.node->get<bool>();
    } else {
      diagnostics.add(document.at(n, Diagnostic::Severity::kError, "must be true or false"));
    }
  }
  read_positive(document, Document::child(node, "max-age"), cors.max_age_seconds, diagnostics);
  if (cors.allow_credentials && std::find(cors.allow_origins.begin(), cors.allow_origins.end(),
                                          "*") != cors.allow_origins.end())
    diagnostics.add(
        document.at(node, Diagnostic::Severity::kError,
                    "allow-credentials cannot go with allow-origins '*' (browsers refuse "
                    "it); list the origins"));
}

}  // namespace

// endpoints: {health: /healthz, ready: /readyz, metrics: /metrics, openapi: /openapi,
// docs: /docs, redoc: /redoc}; false turns one off. The docs pages show the published
// document, so they are off when it is.
void read_endpoints(const Document& document, const NodeRef& node, model::EndpointPaths& paths,
                    spec::Diagnostics& diagnostics) {
  if (!node.node->is_object()) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError,
                                "endpoints must be a mapping {health, ready, metrics, openapi, "
                                "docs, redoc}"));
    return;
  }
  check_keys(document, node, {"health", "ready", "metrics", "openapi", "docs", "redoc"},
             diagnostics);
  for (auto [key, slot] : {std::pair<const char*, std::string*>{"health", &paths.health},
                           {"ready", &paths.ready},
                           {"metrics", &paths.metrics},
                           {"openapi", &paths.openapi},
                           {"docs", &paths.docs},
                           {"redoc", &paths.redoc}}) {
    NodeRef value = Document::child(node, key);
    if (!value.valid()) continue;
    if (value.node->is_boolean() && !value.node->get<bool>()) {
      slot->clear();
    } else if (value.node->is_string() && value.node->get<std::string>().size() > 1 &&
               value.node->get<std::string>()[0] == '/' &&
               value.node->get<std::string>().find_first_of("?#{} ") == std::string::npos) {
      *slot = value.node->get<std::string>();
    } else {
      diagnostics.add(document.at(
          value, Diagnostic::Severity::kError,
          std::string("endpoints.") + key + " must be a path such as /" + key + ", or false"));
    }
  }
  if (!paths.openapi.empty()) return;
  for (auto [key, slot] :
       {std::pair<const char*, std::string*>{"docs", &paths.docs}, {"redoc", &paths.redoc}}) {
    NodeRef value = Document::child(node, key);
    if (value.valid() && value.node->is_string() && !slot->empty()) {
      diagnostics.add(document.at(value, Diagnostic::Severity::kWarning,
                                  std::string("endpoints.") + key +
                                      " is off: it shows the published document, and "
                                      "endpoints.openapi is false"));
    }
    slot->clear();
  }
}

void read_settings(const Document& document, model::Settings& settings,
                   spec::Diagnostics& diagnostics) {
  NodeRef root = Document::child(document.root_ref(), "x-apiserver");
  if (!root.valid()) return;
  if (!root.node->is_object()) {
    diagnostics.add(
        document.at(root, Diagnostic::Severity::kError, "'x-apiserver' must be a mapping"));
    return;
  }
  check_keys(document, root,
             {"database", "mode", "limits", "read-only-input", "pagination", "mock", "cors",
              "rate-limit", "rate-limit-store", "trusted-proxies", "forwarded-header", "endpoints",
              "upstream", "response-validation"},
             diagnostics);
  if (NodeRef endpoints = Document::child(root, "endpoints"); endpoints.valid())
    read_endpoints(document, endpoints, settings.endpoints, diagnostics);
  if (NodeRef mock = Document::child(root, "mock"); mock.valid())
    mock::read_mock_knobs(document, mock, settings.mock, diagnostics);
  if (NodeRef cors = Document::child(root, "cors"); cors.valid())
    read_cors(document, cors, settings.cors, diagnostics);

  if (NodeRef database = Document::child(root, "database"); database.valid()) {
    std::string unset;
    if (!database.node->is_string() || database.node->get<std::string>().empty()) {
      diagnostics.add(document.at(database, Diagnostic::Severity::kError,
                                  "'database' must be a file path, ':memory:', or a "
                                  "postgresql:// URI"));
    } else if (!expand_environment(database.node->get<std::string>(), settings.database, unset)) {
      diagnostics.add(document.at(database, Diagnostic::Severity::kError, unset));
    }
  }
  if (NodeRef mode = Document::child(root, "mode"); mode.valid()) {
    std::string value = mode.node->is_string() ? mode.node->get<std::string>() : "";
    if (value == "auto" || value == "mock") {
      settings.mock_only = value == "mock";
    } else {
      diagnostics.add(document.at(mode, Diagnostic::Severity::kError,
                                  "'mode' must be 'auto' (stored where mapped) or 'mock'"));
    }
  }
  if (NodeRef policy = Document::child(root, "read-only-input"); policy.valid()) {
    std::string value = policy.node->is_string() ? policy.node->get<std::string>() : "";
    if (value == "ignore" || value == "refuse") {
      settings.refuse_read_only = value == "refuse";
    } else {
      diagnostics.add(document.at(policy, Diagnostic::Severity::kError,
                                  "'read-only-input' must be 'ignore' or 'refuse'"));
    }
  }
  for (const char* section : {"limits", "pagination"}) {
    NodeRef node = Document::child(root, section);
    if (node.valid() && !node.node->is_object())
      diagnostics.add(document.at(node, Diagnostic::Severity::kError,
                                  std::string("'") + section + "' must be a mapping"));
  }
  if (NodeRef limits = Document::child(root, "limits");
      limits.valid() && limits.node->is_object()) {
    check_keys(document, limits, {"max-body", "query-time"}, diagnostics);
    if (NodeRef query_time = Document::child(limits, "query-time"); query_time.valid()) {
      if (!parse_duration(*query_time.node, settings.query_time_limit) ||
          settings.query_time_limit.count() <= 0)
        diagnostics.add(document.at(query_time, Diagnostic::Severity::kError,
                                    "'query-time' must be a duration such as 5s or 500ms"));
    }
    if (NodeRef max_body = Document::child(limits, "max-body"); max_body.valid()) {
      if (!parse_byte_size(*max_body.node, settings.max_body_bytes))
        diagnostics.add(document.at(max_body, Diagnostic::Severity::kError,
                                    "'max-body' must be a size such as 1MiB, 256KB or 4096"));
    }
  }
  if (NodeRef page = Document::child(root, "pagination"); page.valid() && page.node->is_object()) {
    check_keys(document, page, {"default-limit", "max-limit"}, diagnostics);
    read_positive(document, Document::child(page, "default-limit"), settings.list.default_limit,
                  diagnostics);
    read_positive(document, Document::child(page, "max-limit"), settings.list.max_limit,
                  diagnostics);
    if (settings.list.default_limit > settings.list.max_limit)
      diagnostics.add(document.at(page, Diagnostic::Severity::kError,
                                  "'default-limit' is larger than 'max-limit'"));
  }
}

}  // namespace apiserver::compile
