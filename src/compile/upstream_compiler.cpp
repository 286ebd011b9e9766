#include "compile/upstream_compiler.hpp"

#include <cstdlib>
#include <filesystem>
#include <map>

#include "auth/schemes.hpp"
#include "compile/environment.hpp"
#include "spec/values.hpp"
#include "text/file_text.hpp"
#include "text/header_values.hpp"

namespace apiserver::compile {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

// The longest a forwarded exchange may be given: beyond it a client is better served by a
// queue than by a held connection.
constexpr std::chrono::hours kMaxTimeout{1};
constexpr long long kMaxInFlight = 100000;
// A ca-file larger than this is not a bundle of certificates (Debian's whole bundle is 200 KiB).
constexpr std::uintmax_t kMaxCaFileBytes = 16ull << 20;

class UpstreamCompiler {
 public:
  UpstreamCompiler(const Document& document, model::Api& api, spec::Diagnostics& diagnostics)
      : document_(document), api_(api), diagnostics_(diagnostics) {}

  void run() {
    NodeRef settings = Document::child(document_.root_ref(), "x-apiserver");
    Declared defaults = declaration(Document::child(settings, "upstream"));
    NodeRef paths = Document::child(document_.root_ref(), "paths");
    for (model::PathItem& item : api_.paths) {
      NodeRef path_node =
          document_.follow(Document::child(paths, item.path_template), diagnostics_);
      NodeRef path_level = Document::child(path_node, "x-apiserver-upstream");
      Declared inherited = path_level.valid() ? declaration(path_level) : defaults;
      for (model::Operation& op : item.operations) {
        NodeRef own = Document::child(op.node, "x-apiserver-upstream");
        Declared upstream = own.valid() ? declaration(own) : inherited;
        if (!upstream) continue;
        op.forwarding.emplace();
        op.forwarding->upstream = upstream;
        op.not_stored_reason = "forwarded to " + upstream->url;
      }
    }
  }

 private:
  using Declared = std::shared_ptr<const model::Upstream>;

  void error(const NodeRef& node, const std::string& message) {
    diagnostics_.add(document_.at(node, Diagnostic::Severity::kError, message));
  }

  // Null for none, `false`, or a declaration with errors (reported).
  Declared declaration(const NodeRef& node) {
    if (!node.valid()) return nullptr;
    if (auto it = compiled_.find(node.node); it != compiled_.end()) return it->second;
    Declared compiled = compile(node);
    compiled_[node.node] = compiled;
    return compiled;
  }

  Declared compile(const NodeRef& node) {
    const spec::Json& value = *node.node;
    if (value.is_boolean() && !value.get<bool>()) return nullptr;
    auto upstream = std::make_shared<model::Upstream>();
    spec::Diagnostic where = document_.at(node, Diagnostic::Severity::kError, "");
    upstream->declared_at = where.file + ":" + std::to_string(where.line);
    size_t errors_before = diagnostics_.error_count();
    NodeRef url = node;
    if (value.is_object()) {
      spec::check_keys(document_, node,
                       {"url", "strip-prefix", "connect-timeout", "timeout", "max-in-flight",
                        "identity-header", "pass-credentials", "max-stream-duration", "ca-file"},
                       diagnostics_);
      url = Document::child(node, "url");
      if (!url.valid()) {
        error(node, "an upstream needs a 'url'");
        return nullptr;
      }
      read_settings(node, *upstream);
    } else if (!value.is_string()) {
      error(node, "an upstream must be a URL, a mapping with 'url', or false");
      return nullptr;
    }
    read_url(url, *upstream);
    if (NodeRef ca = Document::child(node, "ca-file");
        ca.valid() && text::ascii_lower(upstream->url.substr(0, 7)) == "http://")
      error(ca, "ca-file is for https upstreams");
    if (diagnostics_.error_count() != errors_before) return nullptr;
    return upstream;
  }

  void read_url(const NodeRef& node, model::Upstream& upstream) {
    if (!node.node->is_string()) {
      error(node, "an upstream's url must be a string such as http://127.0.0.1:9000");
      return;
    }
    std::string url;
    std::string unset;
    if (!expand_environment(node.node->get<std::string>(), url, unset)) {
      error(node, unset);
      return;
    }
    std::string scheme = text::ascii_lower(url.substr(0, url.find("://")));
    size_t host_start = url.find("://");
    if (host_start == std::string::npos || (scheme != "http" && scheme != "https")) {
      error(node, "upstream '" + url + "' is not an http:// or https:// URL");
      return;
    }
    host_start += 3;
    size_t host_end = url.find('/', host_start);
    if (host_end == host_start || url.find_first_of("?#") != std::string::npos ||
        url.find('@') != std::string::npos) {
      error(node, "upstream '" + url +
                      "' must be scheme://host[:port][/base path], without user, query or "
                      "fragment");
      return;
    }
    while (url.size() > host_start && url.back() == '/') url.pop_back();
    upstream.url = url;
  }

  void read_settings(const NodeRef& node, model::Upstream& upstream) {
    if (NodeRef prefix = Document::child(node, "strip-prefix"); prefix.valid()) {
      std::string text = prefix.node->is_string() ? prefix.node->get<std::string>() : "";
      if (text.empty() || text.front() != '/')
        error(prefix, "strip-prefix must be a path starting with '/'");
      while (text.size() > 1 && text.back() == '/') text.pop_back();
      upstream.strip_prefix = text;
    }
    read_duration(Document::child(node, "connect-timeout"), upstream.connect_timeout);
    read_duration(Document::child(node, "timeout"), upstream.timeout);
    read_duration(Document::child(node, "max-stream-duration"), upstream.max_stream_duration);
    if (NodeRef bound = Document::child(node, "max-in-flight"); bound.valid()) {
      if (!bound.node->is_number_integer() || bound.node->get<long long>() < 1 ||
          bound.node->get<long long>() > kMaxInFlight) {
        error(bound, "max-in-flight must be an integer from 1 to " + std::to_string(kMaxInFlight));
      } else {
        upstream.max_in_flight = bound.node->get<int>();
      }
    }
    if (NodeRef header = Document::child(node, "identity-header"); header.valid()) {
      std::string name = header.node->is_string() ? header.node->get<std::string>() : "";
      if (!text::is_token(name))
        error(header, "identity-header must be a header name such as X-User");
      upstream.identity_header = text::ascii_lower(name);
    }
    if (NodeRef file = Document::child(node, "ca-file"); file.valid()) read_ca_file(file, upstream);
    if (NodeRef pass = Document::child(node, "pass-credentials"); pass.valid()) {
      if (!pass.node->is_boolean()) error(pass, "pass-credentials must be true or false");
      upstream.pass_credentials = pass.node->is_boolean() && pass.node->get<bool>();
    }
  }

  // The certificates an https upstream's must chain to, read now: a missing file is said at
  // start-up, not at the first request.
  void read_ca_file(const NodeRef& node, model::Upstream& upstream) {
    std::string path;
    std::string unset;
    if (!node.node->is_string() ||
        !expand_environment(node.node->get<std::string>(), path, unset)) {
      error(node, unset.empty() ? "ca-file must be the path of a PEM file" : unset);
      return;
    }
    path = (std::filesystem::path(node.file->base_dir) / path).string();
    std::string pem;
    if (auto failure = text::read_file_text(path, kMaxCaFileBytes, pem)) {
      error(node, *failure == text::FileFailure::kTooLarge
                      ? "ca-file " + path + " is larger than 16 MiB"
                      : "cannot read ca-file " + path);
      return;
    }
    if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      error(node, "ca-file " + path + " holds no PEM certificate");
      return;
    }
    upstream.ca_certificates = std::make_shared<const std::string>(std::move(pem));
  }

  void read_duration(const NodeRef& node, std::chrono::milliseconds& out) {
    if (!node.valid()) return;
    if (!spec::parse_duration(*node.node, out) || out.count() <= 0 || out > kMaxTimeout)
      error(node, "must be a duration such as 2s or 500ms, at most 1h");
  }

  const Document& document_;
  model::Api& api_;
  spec::Diagnostics& diagnostics_;
  // One declaration, one upstream: every operation it covers shares it.
  std::map<const spec::Json*, Declared> compiled_;
};

}  // namespace

void compile_upstreams(const spec::Document& document, model::Api& api,
                       spec::Diagnostics& diagnostics) {
  UpstreamCompiler(document, api, diagnostics).run();
}

void find_forwarded_credentials(model::Api& api) {
  if (!api.auth) return;
  for (model::PathItem& item : api.paths) {
    for (model::Operation& op : item.operations) {
      if (!op.forwarding) continue;
      model::Forwarding& forwarding = *op.forwarding;
      for (const model::SecurityRequirement& requirement : op.security) {
        for (const model::RequiredScheme& required : requirement) {
          const auth::Scheme& scheme = api.auth->schemes[required.scheme];
          if (scheme.kind == auth::SchemeKind::kBasic || scheme.kind == auth::SchemeKind::kJwt) {
            forwarding.credential_headers.emplace_back("authorization");
          } else if (scheme.kind == auth::SchemeKind::kApiKey) {
            switch (scheme.in) {
              case auth::KeyLocation::kHeader:
                forwarding.credential_headers.push_back(scheme.parameter);
                break;
              case auth::KeyLocation::kQuery:
                forwarding.credential_query.push_back(scheme.parameter);
                break;
              case auth::KeyLocation::kCookie:
                forwarding.credential_cookies.push_back(scheme.parameter);
                break;
            }
          }
        }
      }
    }
  }
}

}  // namespace apiserver::compile
