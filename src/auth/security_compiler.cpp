#include "auth/security_compiler.hpp"

#include <set>

#include "auth/authenticator.hpp"
#include "auth/secret_reference.hpp"
#include "spec/values.hpp"

namespace apiserver::auth {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

constexpr std::chrono::minutes kMaxLeeway{5};
const char* const kRealm = "apiserver";

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class SecurityCompiler {
 public:
  SecurityCompiler(const Document& document, model::Api& api, bool mock,
                   spec::Diagnostics& diagnostics)
      : document_(document), api_(api), mock_(mock), diagnostics_(diagnostics) {}

  void run() {
    auto schemes = std::make_shared<Schemes>();
    NodeRef declared =
        Document::child(Document::child(document_.root_ref(), "components"), "securitySchemes");
    if (declared.valid() && declared.node->is_object()) {
      for (const auto& [name, ignored] : declared.node->items()) {
        NodeRef node = document_.follow(Document::child(declared, name), diagnostics_);
        if (node.valid() && node.node->is_object()) schemes->schemes.push_back(scheme(name, node));
      }
    }
    schemes_ = schemes.get();
    NodeRef root_security = Document::child(document_.root_ref(), "security");
    std::vector<model::SecurityRequirement> defaults = requirements(root_security);
    for (auto& item : api_.paths) {
      for (model::Operation& op : item.operations) {
        NodeRef own = Document::child(op.node, "security");
        op.security = own.valid() ? requirements(own) : defaults;
        check_ownership(op);
      }
    }
    if (!schemes->schemes.empty()) api_.auth = std::move(schemes);
  }

 private:
  void error(const NodeRef& node, const std::string& message) {
    diagnostics_.add(document_.at(node, Diagnostic::Severity::kError, message));
  }
  void warning(const NodeRef& node, const std::string& message) {
    diagnostics_.add(document_.at(node, Diagnostic::Severity::kWarning, message));
  }

  // The secret a reference at `node` names; reports and returns nullopt when it cannot.
  std::optional<std::string> secret(const NodeRef& node, const std::string& what) {
    if (!node.node->is_string()) {
      error(node, what + " must be a ${ENV_VAR} or file:PATH reference");
      return std::nullopt;
    }
    std::string reference = node.node->get<std::string>();
    std::string why;
    std::optional<std::string> value = resolve_secret(reference, document_.main().base_dir, why);
    if (!value) {
      // An inline secret is never repeated in the message.
      std::string shown = is_secret_reference(reference) ? " (" + reference + ")" : "";
      error(node, what + shown + ": " + why);
    }
    return value;
  }

  Scheme scheme(const std::string& name, const NodeRef& node) {
    Scheme out;
    out.name = name;
    const std::string type = spec::string_field(*node.node, "type");
    if (type == "apiKey") {
      out.kind = SchemeKind::kApiKey;
      std::string in = spec::string_field(*node.node, "in");
      out.parameter = spec::string_field(*node.node, "name");
      out.in = in == "query"    ? KeyLocation::kQuery
               : in == "cookie" ? KeyLocation::kCookie
                                : KeyLocation::kHeader;
      if (in != "header" && in != "query" && in != "cookie")
        error(node, "securityScheme '" + name + "': apiKey 'in' must be header, query or cookie");
      if (out.parameter.empty()) error(node, "securityScheme '" + name + "': apiKey needs a name");
      if (out.in == KeyLocation::kHeader) out.parameter = lower(out.parameter);
      out.challenge = std::string("ApiKey realm=\"") + kRealm + "\", in=\"" + in + "\", name=\"" +
                      spec::string_field(*node.node, "name") + "\"";
      out.describe = "an API key in " + in + " " + spec::string_field(*node.node, "name");
      configure(out, node, "x-apiserver-keys", [&](const NodeRef& config) {
        std::optional<std::string> entries = secret(config, scheme_what(name, "x-apiserver-keys"));
        if (!entries) return false;
        out.keys = std::make_unique<ApiKeys>();
        std::string why;
        if (!out.keys->load(*entries, why)) {
          error(config, scheme_what(name, "x-apiserver-keys") + ": " + why);
          return false;
        }
        return true;
      });
    } else if (type == "http" && lower(spec::string_field(*node.node, "scheme")) == "basic") {
      out.kind = SchemeKind::kBasic;
      out.challenge = std::string("Basic realm=\"") + kRealm + "\", charset=\"UTF-8\"";
      out.describe = "HTTP Basic credentials";
      configure(out, node, "x-apiserver-users", [&](const NodeRef& config) {
        std::optional<std::string> text = secret(config, scheme_what(name, "x-apiserver-users"));
        if (!text) return false;
        out.users = std::make_unique<PasswordFile>();
        std::string why;
        if (!out.users->load(*text, why)) {
          error(config, scheme_what(name, "x-apiserver-users") + ": " + why);
          return false;
        }
        return true;
      });
    } else if ((type == "http" && lower(spec::string_field(*node.node, "scheme")) == "bearer") ||
               type == "oauth2" || type == "openIdConnect") {
      out.kind = SchemeKind::kJwt;
      out.challenge = std::string("Bearer realm=\"") + kRealm + "\"";
      out.describe = "a bearer token (Authorization: Bearer)";
      configure(out, node, "x-apiserver-jwt", [&](const NodeRef& config) {
        std::optional<JwtSettings> settings = jwt_settings(name, config);
        if (!settings) return false;
        out.jwt = std::make_unique<JwtVerifier>(std::move(*settings));
        return true;
      });
    } else {
      out.kind = SchemeKind::kUnsupported;
      out.describe = "credentials for " + name;
      out.challenge = std::string("Bearer realm=\"") + kRealm + "\"";
      warning(node, "securityScheme '" + name + "' (" + type +
                        ") is not supported: operations that require it answer 401");
    }
    return out;
  }

  static std::string scheme_what(const std::string& name, const char* key) {
    return "securityScheme '" + name + "' " + key;
  }

  template <typename Load>
  void configure(Scheme& out, const NodeRef& node, const char* key, Load&& load) {
    NodeRef config = Document::child(node, key);
    if (config.valid()) {
      out.configured = load(config);
      return;
    }
    if (mock_) {
      out.presence_only = true;
      warning(node, "securityScheme '" + out.name + "' has no " + key +
                        ": under --mock only the presence of credentials is checked");
    } else {
      warning(node, "securityScheme '" + out.name + "' has no " + key +
                        ": operations that require it answer 401 until it is configured");
    }
  }

  std::optional<JwtSettings> jwt_settings(const std::string& name, const NodeRef& config) {
    const std::string what = scheme_what(name, "x-apiserver-jwt");
    if (!config.node->is_object()) {
      error(config, what + " must be a mapping");
      return std::nullopt;
    }
    static const std::set<std::string> kKeys = {"algorithms", "secret",      "key",
                                                "jwks",       "issuer",      "audience",
                                                "leeway",     "require-exp", "subject-claim"};
    bool ok = true;
    for (const auto& [key, ignored] : config.node->items()) {
      if (!kKeys.count(key)) {
        error(Document::child(config, key), what + ": unknown key '" + key + "'");
        ok = false;
      }
    }
    JwtSettings settings;
    NodeRef algorithms = Document::child(config, "algorithms");
    if (!algorithms.valid() || !algorithms.node->is_array() || algorithms.node->empty()) {
      error(config, what + ": 'algorithms' must list the allowed algorithms");
      return std::nullopt;
    }
    for (const auto& alg : *algorithms.node) {
      std::string text = alg.is_string() ? alg.get<std::string>() : alg.dump();
      if (!is_supported_algorithm(text)) {
        error(algorithms,
              what + ": algorithm '" + text + "' is not supported" +
                  (lower(text) == "none" ? " (unsigned tokens are never accepted)" : ""));
        ok = false;
        continue;
      }
      settings.algorithms.insert(text);
    }
    if (NodeRef secret_node = Document::child(config, "secret"); secret_node.valid()) {
      if (std::optional<std::string> value = secret(secret_node, what + " secret")) {
        std::string why;
        if (std::optional<JwtKey> key = hmac_key(*value, why)) {
          settings.keys.push_back(std::move(*key));
        } else {
          error(secret_node, what + " secret: " + why);
          ok = false;
        }
      } else {
        ok = false;
      }
    }
    for (const char* key_name : {"key", "jwks"}) {
      NodeRef node = Document::child(config, key_name);
      if (!node.valid()) continue;
      std::optional<std::string> text = secret(node, what + " " + key_name);
      if (!text) {
        ok = false;
        continue;
      }
      std::string why;
      std::vector<JwtKey> keys =
          std::string(key_name) == "key" ? pem_keys(*text, why) : jwks_keys(*text, why);
      if (!why.empty()) {
        error(node, what + " " + key_name + ": " + why);
        ok = false;
      }
      for (JwtKey& key : keys) settings.keys.push_back(std::move(key));
    }
    if (!ok) return std::nullopt;
    for (const std::string& alg : settings.algorithms) {
      KeyFamily family = *family_for(alg);
      bool found = false;
      for (const JwtKey& key : settings.keys) found = found || key.family == family;
      if (!found) {
        error(config, what + ": algorithm " + alg + " needs " +
                          (family == KeyFamily::kHmac ? std::string("a 'secret'")
                                                      : std::string("a 'key' or 'jwks' with an ") +
                                                            to_string(family) + " key"));
        ok = false;
      }
    }
    for (const JwtKey& key : settings.keys) {
      bool used = false;
      for (const std::string& alg : settings.algorithms)
        used = used || *family_for(alg) == key.family;
      if (!used)
        warning(config, what + ": a " + std::string(to_string(key.family)) +
                            " key is given but no allowed algorithm uses it");
    }
    for (const char* key : {"issuer", "subject-claim"}) {
      NodeRef value = Document::child(config, key);
      if (value.valid() && !value.node->is_string()) {
        error(value, what + ": '" + key + "' must be a string");
        ok = false;
      }
    }
    settings.issuer = spec::string_field(*config.node, "issuer");
    if (NodeRef audience = Document::child(config, "audience"); audience.valid()) {
      if (audience.node->is_string()) {
        settings.audiences.push_back(audience.node->get<std::string>());
      } else if (audience.node->is_array()) {
        for (const auto& a : *audience.node)
          if (a.is_string()) settings.audiences.push_back(a.get<std::string>());
      }
      if (settings.audiences.empty()) {
        error(audience, what + ": 'audience' must be a string or a list of strings");
        ok = false;
      }
    }
    if (NodeRef leeway = Document::child(config, "leeway"); leeway.valid()) {
      std::chrono::milliseconds value{0};
      if (!spec::parse_duration(*leeway.node, value) || value > kMaxLeeway) {
        error(leeway, what + ": 'leeway' must be a duration of at most 5m");
        ok = false;
      }
      settings.leeway = std::chrono::duration_cast<std::chrono::seconds>(value);
    }
    if (NodeRef require = Document::child(config, "require-exp"); require.valid()) {
      if (!require.node->is_boolean()) {
        error(require, what + ": 'require-exp' must be true or false");
        ok = false;
      } else {
        settings.require_exp = require.node->get<bool>();
      }
    }
    settings.subject_claim = spec::string_field(*config.node, "subject-claim", "sub");
    if (!ok) return std::nullopt;
    return settings;
  }

  std::vector<model::SecurityRequirement> requirements(const NodeRef& node) {
    std::vector<model::SecurityRequirement> out;
    if (!node.valid()) return out;
    if (!node.node->is_array()) {
      error(node, "'security' must be a list of requirements");
      return out;
    }
    for (size_t i = 0; i < node.node->size(); ++i) {
      NodeRef requirement = Document::item(node, i);
      if (!requirement.node->is_object()) {
        error(requirement, "a security requirement must be a mapping");
        continue;
      }
      model::SecurityRequirement compiled;
      for (const auto& [name, scopes] : requirement.node->items()) {
        model::RequiredScheme required;
        bool found = false;
        for (size_t s = 0; s < schemes_->schemes.size() && !found; ++s) {
          if (schemes_->schemes[s].name == name) {
            required.scheme = s;
            found = true;
          }
        }
        if (!found) {
          error(Document::child(requirement, name),
                "security requirement names '" + name + "', which is not a securityScheme");
          continue;
        }
        if (scopes.is_array()) {
          for (const auto& scope : scopes)
            if (scope.is_string()) required.scopes.push_back(scope.get<std::string>());
        }
        compiled.push_back(std::move(required));
      }
      out.push_back(std::move(compiled));
    }
    return out;
  }

  // An owned resource stamps and filters by the caller's identity: there must be one.
  void check_ownership(const model::Operation& op) {
    if (!op.stored() || !op.resource->owned()) return;
    bool anonymous = op.security.empty();
    for (const auto& requirement : op.security) anonymous = anonymous || requirement.empty();
    if (anonymous)
      error(op.node, op.method + " " + op.path_template + " stores " + op.resource->name +
                         ", whose rows have an owner (x-apiserver-owner), but it allows "
                         "anonymous callers; declare a security requirement");
  }

  const Document& document_;
  model::Api& api_;
  bool mock_;
  spec::Diagnostics& diagnostics_;
  const Schemes* schemes_ = nullptr;
};

}  // namespace

void compile_security(const Document& document, model::Api& api, bool mock,
                      spec::Diagnostics& diagnostics) {
  SecurityCompiler(document, api, mock, diagnostics).run();
}

}  // namespace apiserver::auth
