#include "compile/rate_limit_compiler.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "compile/rate_limit_store.hpp"
#include "compile/settings.hpp"
#include "ratelimit/client_address.hpp"
#include "spec/values.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

constexpr std::chrono::hours kMaxPeriod{24 * 7};
constexpr long long kMaxKeys = 10000000;

class RateLimitCompiler {
 public:
  RateLimitCompiler(const Document& document, model::Api& api, spec::Diagnostics& diagnostics)
      : document_(document), api_(api), diagnostics_(diagnostics) {}

  void run() {
    NodeRef settings = Document::child(document_.root_ref(), "x-apiserver");
    read_trusted_proxies(Document::child(settings, "trusted-proxies"));
    read_forwarded_header(Document::child(settings, "forwarded-header"));
    if (NodeRef store = Document::child(settings, "rate-limit-store"); store.valid())
      read_rate_limit_store(document_, store, api_, diagnostics_);
    NodeRef root = Document::child(settings, "rate-limit");
    std::vector<size_t> defaults = declaration(root, "default");
    NodeRef paths = Document::child(document_.root_ref(), "paths");
    for (model::PathItem& item : api_.paths) {
      NodeRef path_node =
          document_.follow(Document::child(paths, item.path_template), diagnostics_);
      NodeRef path_level = Document::child(path_node, "x-apiserver-rate-limit");
      std::vector<size_t> inherited =
          path_level.valid() ? declaration(path_level, item.path_template) : defaults;
      for (model::Operation& op : item.operations) {
        NodeRef own = Document::child(op.node, "x-apiserver-rate-limit");
        std::string name =
            op.operation_id.empty() ? op.method + " " + op.path_template : op.operation_id;
        op.rate_limits = own.valid() ? declaration(own, name) : inherited;
        op.rate_limit_policy_field = policy_field(op.rate_limits);
      }
    }
  }

 private:
  void error(const NodeRef& node, const std::string& message) {
    diagnostics_.add(document_.at(node, Diagnostic::Severity::kError, message));
  }

  void read_trusted_proxies(const NodeRef& node) {
    if (!node.valid()) return;
    if (!node.node->is_array()) {
      error(node, "trusted-proxies must be a list of addresses or CIDR ranges");
      return;
    }
    for (size_t i = 0; i < node.node->size(); ++i) {
      NodeRef item = Document::item(node, i);
      auto range = item.node->is_string()
                       ? ratelimit::parse_address_range(item.node->get<std::string>())
                       : std::nullopt;
      if (!range) {
        error(item,
              "trusted-proxies: '" +
                  (item.node->is_string() ? item.node->get<std::string>() : item.node->dump()) +
                  "' is not an address or CIDR range (10.0.0.0/8, ::1/128)");
        continue;
      }
      api_.trusted_proxies.ranges.push_back(*range);
    }
  }

  void read_forwarded_header(const NodeRef& node) {
    if (!node.valid()) return;
    std::string name = node.node->is_string() ? node.node->get<std::string>() : "";
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "x-forwarded-for") {
      api_.trusted_proxies.header = model::ForwardedHeader::kXForwardedFor;
    } else if (name == "forwarded") {
      api_.trusted_proxies.header = model::ForwardedHeader::kForwarded;
    } else {
      error(node,
            "forwarded-header must be x-forwarded-for or forwarded: the one header the trusted "
            "proxies write (the other is ignored, since a client could forge it)");
    }
  }

  // The policy indices one declaration (a policy, a list of them, or false) stands for; the
  // same node always yields the same indices, so operations share its budget.
  std::vector<size_t> declaration(const NodeRef& node, const std::string& default_name) {
    if (!node.valid()) return {};
    auto key = std::make_pair(node.file, node.pointer);
    if (auto it = declared_.find(key); it != declared_.end()) return it->second;
    std::vector<size_t> out;
    if (node.node->is_boolean() && !node.node->get<bool>()) {
      // exempt
    } else if (node.node->is_object()) {
      if (auto index = policy(node, default_name)) out.push_back(*index);
    } else if (node.node->is_array() && node.node->size() > model::kMaxRateLimitsPerOperation) {
      error(node, "a rate-limit list holds at most " +
                      std::to_string(model::kMaxRateLimitsPerOperation) + " policies");
    } else if (node.node->is_array() && !node.node->empty()) {
      for (size_t i = 0; i < node.node->size(); ++i) {
        NodeRef item = Document::item(node, i);
        if (!item.node->is_object()) {
          error(item, "a rate-limit policy must be a mapping {requests, per, ...}");
          continue;
        }
        if (auto index = policy(item, default_name + "-" + std::to_string(i + 1)))
          out.push_back(*index);
      }
    } else {
      error(node, "a rate limit is a policy {requests, per, burst, key}, a list of them, or false");
    }
    declared_[key] = out;
    return out;
  }

  std::optional<size_t> policy(const NodeRef& node, const std::string& default_name) {
    static const std::set<std::string> kKeys = {"requests", "per",  "burst",
                                                "key",      "name", "max-keys"};
    bool ok = true;
    for (const auto& [key, ignored] : node.node->items()) {
      if (!kKeys.count(key)) {
        error(Document::child(node, key), "unknown rate-limit key '" + key +
                                              "' (known: requests, per, burst, key, name, "
                                              "max-keys)");
        ok = false;
      }
    }
    model::RateLimitPolicy p;
    // "key" and "name" are strings; anything else is reported, not thrown by value().
    auto text = [&](const char* key, const std::string& fallback) {
      NodeRef value = Document::child(node, key);
      if (!value.valid()) return fallback;
      if (!value.node->is_string()) {
        error(value, std::string("rate-limit '") + key + "' must be a string");
        ok = false;
        return fallback;
      }
      return value.node->get<std::string>();
    };
    p.name = text("name", default_name);
    // The name is a quoted string of the RateLimit fields: printable ASCII without " and \.
    auto unquotable = [](char c) { return c < 0x20 || c > 0x7e || c == '"' || c == '\\'; };
    if (Document::child(node, "name").valid()) {
      if (std::any_of(p.name.begin(), p.name.end(), unquotable)) {
        error(Document::child(node, "name"),
              "rate-limit 'name' must be printable ASCII without '\"' and '\\' (it is sent in "
              "the RateLimit header fields)");
        ok = false;
      }
    } else {
      std::replace_if(p.name.begin(), p.name.end(), unquotable, '_');
    }
    auto positive = [&](const char* key, long long max, long long& out) {
      NodeRef value = Document::child(node, key);
      if (!value.valid()) return false;
      if (!value.node->is_number_integer() || value.node->get<long long>() < 1 ||
          value.node->get<long long>() > max) {
        error(value, std::string("rate-limit '") + key + "' must be an integer from 1 to " +
                         std::to_string(max));
        ok = false;
        return false;
      }
      out = value.node->get<long long>();
      return true;
    };
    if (!positive("requests", 1000000000, p.requests)) {
      if (!Document::child(node, "requests").valid()) error(node, "rate limit needs 'requests'");
      ok = false;
    }
    NodeRef per = Document::child(node, "per");
    if (!per.valid() || !spec::parse_duration(*per.node, p.per) || p.per.count() <= 0 ||
        p.per > kMaxPeriod) {
      error(per.valid() ? per : node,
            "rate limit needs 'per': a duration such as 1s, 1m, 1h (at most 7 days)");
      ok = false;
    }
    p.burst = p.requests;
    positive("burst", 1000000000, p.burst);
    long long max_keys = static_cast<long long>(p.max_keys);
    if (positive("max-keys", kMaxKeys, max_keys)) p.max_keys = static_cast<size_t>(max_keys);
    std::string key = text("key", "ip");
    if (key == "ip") {
      p.key = model::RateLimitKey::kIp;
    } else if (key == "sub" || key == "identity" || key == "api-key") {
      p.key = model::RateLimitKey::kIdentity;
    } else if (key == "global") {
      p.key = model::RateLimitKey::kGlobal;
    } else if (key.rfind("header:", 0) == 0 && key.size() > 7) {
      p.key = model::RateLimitKey::kHeader;
      p.header = key.substr(7);
      for (char& c : p.header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      error(
          Document::child(node, "key"),
          "rate-limit key '" + key + "' is not ip, sub, identity, api-key, global or header:NAME");
      ok = false;
    }
    if (!ok) return std::nullopt;
    // A shared store keeps a budget under its policy's name, which must then name one policy.
    auto [named, fresh] = names_.emplace(p.name, node);
    if (!fresh && Document::child(settings_node(), "rate-limit-store").valid()) {
      spec::Diagnostic first = document_.at(named->second, Diagnostic::Severity::kError, "");
      error(node, "rate-limit policy name '" + p.name + "' is also used at " + first.file + ":" +
                      std::to_string(first.line) +
                      "; with a rate-limit-store every policy needs a name of its own (its "
                      "budget is kept under it)");
      return std::nullopt;
    }
    api_.rate_limits.push_back(std::move(p));
    return api_.rate_limits.size() - 1;
  }

  // The RateLimit-Policy field (draft-ietf-httpapi-ratelimit-headers-09) of `policies`. `w` is
  // whole seconds: a period that is not is advertised over the next whole second with `q`
  // scaled down (5 per 1500ms: q=6;w=2), never promising more than the policy allows.
  std::string policy_field(const std::vector<size_t>& policies) const {
    std::string field;
    for (size_t index : policies) {
      const model::RateLimitPolicy& policy = api_.rate_limits[index];
      const long long per_ms = policy.per.count();
      const long long window = (per_ms + 999) / 1000;
      const long long quota =
          per_ms % 1000 == 0 ? policy.requests : policy.requests * window * 1000 / per_ms;
      if (!field.empty()) field += ", ";
      field +=
          "\"" + policy.name + "\";q=" + std::to_string(quota) + ";w=" + std::to_string(window);
    }
    return field;
  }

  const Document& document_;
  model::Api& api_;
  spec::Diagnostics& diagnostics_;
  NodeRef settings_node() const { return Document::child(document_.root_ref(), "x-apiserver"); }

  std::map<std::pair<const spec::SourceFile*, std::string>, std::vector<size_t>> declared_;
  std::map<std::string, NodeRef> names_;  // policy name -> where it was declared
};

}  // namespace

void compile_rate_limits(const Document& document, model::Api& api,
                         spec::Diagnostics& diagnostics) {
  RateLimitCompiler(document, api, diagnostics).run();
}

}  // namespace apiserver::compile
