#include "compile/rate_limit_store.hpp"

#include <charconv>

#include "auth/secret_reference.hpp"
#include "compile/environment.hpp"
#include "spec/values.hpp"
#include "text/percent_encoding.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

constexpr const char* kUrlForms =
    "a Redis URL: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] or unix:///PATH[?db=DB]";

bool parse_number(std::string_view text, int max, int& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0 && out <= max;
}

// Fills the connection parts of `store` from `url`; an error message when it is not one.
std::string parse_url(const std::string& url, model::SharedRateLimitStore& store) {
  if (url.rfind("rediss://", 0) == 0)
    return "rediss:// (Redis over TLS) is not supported; reach Redis over a private network, "
           "a Unix socket, or a TLS tunnel such as stunnel";
  if (url.rfind("unix://", 0) == 0) {
    std::string rest = url.substr(7);
    std::string db;
    if (size_t query = rest.find('?'); query != std::string::npos) {
      std::string_view q = std::string_view(rest).substr(query + 1);
      if (q.rfind("db=", 0) != 0) return "the only query parameter of a unix:// URL is db=N";
      db = std::string(q.substr(3));
      rest.resize(query);
    }
    if (rest.empty() || rest[0] != '/') return "a unix:// URL names an absolute socket path";
    store.socket = rest;
    if (!db.empty() && !parse_number(db, 1 << 20, store.database))
      return "db must be a database number";
    store.shown = url;
    return "";
  }
  if (url.rfind("redis://", 0) != 0) return std::string("must be ") + kUrlForms;
  std::string rest = url.substr(8);
  std::string path;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    path = rest.substr(slash + 1);
    rest.resize(slash);
  }
  std::string shown_auth;
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = credentials.find(':');
    std::string user = credentials.substr(0, colon);
    std::string password = colon == std::string::npos ? "" : credentials.substr(colon + 1);
    if (colon == std::string::npos) std::swap(user, password);  // redis://secret@host
    if (!text::percent_decode(user, store.user, false) ||
        !text::percent_decode(password, store.password, false))
      return "the credentials have a malformed %-escape";
    shown_auth = store.user + (store.password.empty() ? "" : ":***") + "@";
  }
  std::string port;
  if (!rest.empty() && rest[0] == '[') {  // [::1]:6379
    size_t close = rest.find(']');
    if (close == std::string::npos) return "an IPv6 host needs its closing ]";
    store.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return "a port follows the host after ':'";
      port = rest.substr(close + 2);
    }
  } else {
    size_t colon = rest.rfind(':');
    store.host = rest.substr(0, colon);
    if (colon != std::string::npos) port = rest.substr(colon + 1);
  }
  if (store.host.empty()) return std::string("names no host; it must be ") + kUrlForms;
  if (!port.empty() && (!parse_number(port, 65535, store.port) || store.port == 0))
    return "the port must be a number from 1 to 65535";
  if (!path.empty() && !parse_number(path, 1 << 20, store.database))
    return "the path of a redis:// URL is a database number (/0)";
  store.shown = "redis://" + shown_auth + rest + (path.empty() ? "" : "/" + path);
  return "";
}

}  // namespace

void read_rate_limit_store(const Document& document, const NodeRef& node, model::Api& api,
                           spec::Diagnostics& diagnostics) {
  auto error = [&](const NodeRef& at, const std::string& message) {
    diagnostics.add(document.at(at, Diagnostic::Severity::kError, message));
  };
  NodeRef url_node = node;
  if (node.node->is_object()) {
    spec::check_keys(document, node,
                     {"url", "password", "timeout", "when-unreachable", "key-prefix"}, diagnostics);
    url_node = Document::child(node, "url");
    if (!url_node.valid()) {
      error(node, std::string("rate-limit-store needs 'url': ") + kUrlForms);
      return;
    }
  }
  if (!url_node.node->is_string()) {
    error(url_node,
          std::string("rate-limit-store must be ") + kUrlForms + ", or a mapping with 'url'");
    return;
  }
  model::SharedRateLimitStore store;
  std::string url;
  std::string why;
  if (!expand_environment(url_node.node->get<std::string>(), url, why)) {
    error(url_node, why);
    return;
  }
  if (std::string problem = parse_url(url, store); !problem.empty()) {
    error(url_node, "rate-limit-store: " + problem);
    return;
  }
  bool ok = true;
  if (NodeRef password = Document::child(node, "password"); password.valid()) {
    std::string reference = password.node->is_string() ? password.node->get<std::string>() : "";
    std::optional<std::string> secret;
    if (!auth::is_secret_reference(reference)) {
      error(password, "'password' must be a reference, ${NAME} or file:PATH, never the secret");
      ok = false;
    } else if (!(secret = auth::resolve_secret(reference, document.main().base_dir, why))) {
      error(password, why);
      ok = false;
    } else {
      store.password = *secret;
    }
  }
  if (NodeRef timeout = Document::child(node, "timeout"); timeout.valid()) {
    if (!spec::parse_duration(*timeout.node, store.timeout) || store.timeout.count() <= 0 ||
        store.timeout > std::chrono::seconds(10)) {
      error(timeout, "'timeout' must be a duration from 1ms to 10s, such as 250ms");
      ok = false;
    }
  }
  if (NodeRef policy = Document::child(node, "when-unreachable"); policy.valid()) {
    std::string value = policy.node->is_string() ? policy.node->get<std::string>() : "";
    if (value == "admit" || value == "refuse") {
      store.admit_when_unreachable = value == "admit";
    } else {
      error(policy,
            "'when-unreachable' must be 'admit' (counted in /metrics and logged) or 'refuse' "
            "(503 with Retry-After)");
      ok = false;
    }
  }
  if (NodeRef prefix = Document::child(node, "key-prefix"); prefix.valid()) {
    if (!prefix.node->is_string() || prefix.node->get<std::string>().empty()) {
      error(prefix, "'key-prefix' must be a non-empty string");
      ok = false;
    } else {
      store.key_prefix = prefix.node->get<std::string>();
    }
  }
  if (ok) api.rate_limit_store = std::move(store);
}

}  // namespace apiserver::compile
