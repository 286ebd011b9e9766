#include "compile/settings.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

void check_keys(const Document& document, const NodeRef& node, const std::set<std::string>& known,
                spec::Diagnostics& diagnostics) {
  for (const auto& [key, value] : node.node->items()) {
    if (known.count(key)) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    diagnostics.add(document.at(Document::child(node, key), Diagnostic::Severity::kError,
                                "unknown setting '" + key + "' (known: " + list + ")"));
  }
}

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

bool parse_duration(const spec::Json& value, std::chrono::milliseconds& out) {
  if (value.is_number_integer() && value.get<long long>() >= 0) {
    out = std::chrono::milliseconds(value.get<long long>());
    return true;
  }
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  size_t i = 0;
  long long number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
         number < 100'000'000)
    number = number * 10 + (text[i++] - '0');
  if (i == 0) return false;
  std::string unit = text.substr(i);
  if (unit == "ms") {
    out = std::chrono::milliseconds(number);
  } else if (unit == "s") {
    out = std::chrono::milliseconds(number * 1000);
  } else if (unit == "m") {
    out = std::chrono::milliseconds(number * 60'000);
  } else if (unit == "h") {
    out = std::chrono::milliseconds(number * 3'600'000);
  } else if (unit == "d") {
    out = std::chrono::milliseconds(number * 86'400'000);
  } else {
    return false;
  }
  return true;
}

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

void read_mock_knobs(const Document& document, const NodeRef& node, model::MockKnobs& knobs,
                     spec::Diagnostics& diagnostics) {
  if (!node.node->is_object()) {
    diagnostics.add(document.at(node, Diagnostic::Severity::kError, "must be a mapping"));
    return;
  }
  check_keys(document, node, {"delay", "error-rate"}, diagnostics);
  // Answers wait on the server's event loop timer; keep them within the idle timeout.
  const std::chrono::milliseconds kMaxDelay{30'000};
  if (NodeRef delay = Document::child(node, "delay"); delay.valid()) {
    std::chrono::milliseconds min{0}, max{0};
    bool ok = false;
    if (delay.node->is_object()) {
      check_keys(document, delay, {"min", "max"}, diagnostics);
      NodeRef lo = Document::child(delay, "min");
      NodeRef hi = Document::child(delay, "max");
      ok = lo.valid() && hi.valid() && parse_duration(*lo.node, min) &&
           parse_duration(*hi.node, max);
    } else {
      ok = parse_duration(*delay.node, min);
      max = min;
    }
    // One message per mistake: a reader should not have to guess which rule was broken.
    std::string problem;
    if (!ok) {
      problem =
          "'delay' must be a duration such as 200ms or 2s, or {min: 100ms, max: 1s}, at most 30s";
    } else if (min > max) {
      problem = "'delay' has min " + std::to_string(min.count()) + "ms above max " +
                std::to_string(max.count()) + "ms";
    } else if (max > kMaxDelay) {
      problem = "'delay' of " + std::to_string(max.count()) + "ms is over the 30s limit";
    }
    if (!problem.empty()) {
      diagnostics.add(document.at(delay, Diagnostic::Severity::kError, problem));
    } else {
      knobs.delay_min = min;
      knobs.delay_max = max;
    }
  }
  if (NodeRef rate = Document::child(node, "error-rate"); rate.valid()) {
    if (rate.node->is_number() && rate.node->get<double>() >= 0 && rate.node->get<double>() <= 1) {
      knobs.error_rate = rate.node->get<double>();
    } else {
      diagnostics.add(document.at(rate, Diagnostic::Severity::kError,
                                  "'error-rate' must be a number from 0 to 1"));
    }
  }
}

bool parse_byte_size(const spec::Json& value, size_t& out) {
  if (value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() > 0)) {
    out = value.get<size_t>();
    return true;
  }
  if (!value.is_string()) return false;
  const std::string text = value.get<std::string>();
  size_t i = 0;
  unsigned long long number = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    number = number * 10 + static_cast<unsigned>(text[i] - '0');
    if (number > (1ull << 40)) return false;
    ++i;
  }
  if (i == 0) return false;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  unsigned long long factor = 0;
  if (unit.empty() || unit == "b")
    factor = 1;
  else if (unit == "kb" || unit == "kib" || unit == "k")
    factor = 1024;
  else if (unit == "mb" || unit == "mib" || unit == "m")
    factor = 1024 * 1024;
  else if (unit == "gb" || unit == "gib" || unit == "g")
    factor = 1024ull * 1024 * 1024;
  else
    return false;
  if (number > (1ull << 40) / factor) return false;  // 1 TiB is more than any body
  out = static_cast<size_t>(number * factor);
  return out > 0;
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
              "rate-limit", "trusted-proxies", "forwarded-header", "endpoints"},
             diagnostics);
  if (NodeRef endpoints = Document::child(root, "endpoints"); endpoints.valid())
    read_endpoints(document, endpoints, settings.endpoints, diagnostics);
  if (NodeRef mock = Document::child(root, "mock"); mock.valid())
    read_mock_knobs(document, mock, settings.mock, diagnostics);
  if (NodeRef cors = Document::child(root, "cors"); cors.valid())
    read_cors(document, cors, settings.cors, diagnostics);

  if (NodeRef database = Document::child(root, "database"); database.valid()) {
    if (database.node->is_string() && !database.node->get<std::string>().empty()) {
      settings.database = database.node->get<std::string>();
    } else {
      diagnostics.add(document.at(database, Diagnostic::Severity::kError,
                                  "'database' must be a file path, or ':memory:'"));
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
    check_keys(document, limits, {"max-body"}, diagnostics);
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
