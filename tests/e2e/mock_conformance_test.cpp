// The end-to-end oracle for mock mode: every operation of the thirty conformance documents
// (tests/conformance/openapi, LICENSES/ aside) is called on the real binary started with
// `--mock DOC`, with a valid request built from the document itself:
//   - path parameters and the required query, header and cookie parameters, with values from
//     mock::generate (request audience), serialized per their style (path simple, query form,
//     header simple, cookie form; `content` parameters as JSON text);
//   - credentials for the first security requirement a client can meet over plain HTTP;
//   - a body generated from the request-body schema, as the first JSON media type (else the
//     first declared one: form-urlencoded, multipart, XML, text and binary are built too).
// Every generated value is first checked with the server's own request validator, so a bad
// value is reported as the generator's fault, not the server's.
//
// Each answer must have a status the operation declares (exact, NXX range or `default`), a
// Content-Type among the declared response's media types, a body that validates against the
// declared schema with the server's response-direction validator, and every declared header
// with a value its schema admits. The request goes out
//   - preferring the operation's JSON media types, twice: the status must be the one mock.md
//     promises and the bodies byte-identical (mock answers are deterministic);
//   - without Accept;
//   - with `Prefer: code=` for every declared response (and `example=` for each of its named
//     examples), then with `Prefer: dynamic=true`;
//   - once more with every optional parameter too, when there are any.
//
// Operations that cannot be called validly, or that fail for a reason outside the mock code, are
// listed in kSkips with the reason. They are still tried: an entry whose operation now passes,
// or that matches no operation, fails the test, so the list stays honest.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compile/schema_cache.hpp"
#include "mock/generator.hpp"
#include "problem/problem.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "support/conformance_documents.hpp"
#include "support/http_client.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"
#include "text/markup_escape.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using spec::Document;
using spec::NodeRef;

const std::string kRoot = test::conformance_openapi_root();

struct Skip {
  const char* document;   // relative to kRoot
  const char* operation;  // "METHOD /path/template"
  const char* reason;
};

const Skip kSkips[] = {
    // The request body schema admits no value (the generator unit test lists the same five).
    {"features/readme-3.0-schema-types.yaml", "PUT /anything/quirks/polymorphism",
     "request body: allOf of type string and type integer admits no value"},
    {"features/readme-3.0-schema-types.yaml", "PATCH /anything/quirks/polymorphism",
     "request body: allOf of type string and type integer admits no value"},
    {"features/readme-3.1-schema-types.yaml", "PUT /anything/quirks/polymorphism",
     "request body: allOf of type string and type integer admits no value"},
    {"features/readme-3.1-schema-types.yaml", "PATCH /anything/quirks/polymorphism",
     "request body: allOf of type string and type integer admits no value"},
    {"features/readme-3.0-discriminators.yaml", "POST /potentially-undefined-formData",
     "request body: oneOf of two identical schemas, every value matches both"},
    // The credential is a TLS client certificate: no HTTP request can carry it (the server
    // answers 401, as it supports no mutualTLS).
    {"features/readme-3.1-security.yaml", "POST /anything/mutualTLS",
     "mutualTLS: the credential is a TLS client certificate, not part of a request"},
    // The optional query parameter 'status' is {type: string, enum: [], allOf: [...]}: an empty
    // enum admits no value, so the request with every parameter cannot be built.
    {"real-world-large/discord-openapi.json", "GET /guilds/{guild_id}/requests",
     "query 'status' has enum: [], which admits no value: it can only be left out"},
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type_of(const std::string& text) {
  std::string out = text.substr(0, text.find(';'));
  size_t b = out.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  out = out.substr(b, out.find_last_not_of(" \t") - b + 1);
  return lower(out);
}

bool is_json_media(const std::string& type) {
  size_t slash = type.find('/');
  if (slash == std::string::npos) return false;
  std::string subtype = type.substr(slash + 1);
  return subtype == "json" ||
         (subtype.size() > 5 && subtype.compare(subtype.size() - 5, 5, "+json") == 0);
}

// A declared media type (possibly a range such as text/* or */*) covering a sent one.
bool media_covers(const std::string& declared, const std::string& sent) {
  if (declared == sent || declared == "*/*") return true;
  return declared.size() > 2 && declared.compare(declared.size() - 2, 2, "/*") == 0 &&
         sent.compare(0, declared.size() - 1, declared, 0, declared.size() - 1) == 0;
}

bool unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(const std::string& text, const char* also_allowed = "") {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (c != 0 && std::strchr(also_allowed, c) != nullptr)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string base64(const std::string& bytes, bool url) {
  const char* alphabet = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  if (i < bytes.size()) {
    unsigned n = byte(i) << 16;
    if (i + 1 < bytes.size()) n |= byte(i + 1) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (i + 1 < bytes.size()) out += alphabet[(n >> 6) & 63];
    if (!url) out += i + 1 < bytes.size() ? "=" : "==";
  }
  return out;
}

// The text of a scalar in a parameter or form field: strings as they are, the rest as JSON.
std::string scalar_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

bool contains_null(const json& value) {
  if (value.is_null()) return true;
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (contains_null(item)) return true;
    }
  }
  return false;
}

std::string clip(std::string text, size_t limit = 400) {
  if (text.size() > limit) text = text.substr(0, limit) + "...";
  return text;
}

// What one request needs, built from the document.
struct Request {
  std::string method;
  std::string target;
  std::string body;
  Headers headers;
};

// A value for a schema, or why there is none. `invalid` marks a value the generator produced
// that the server's own request validator refuses: a generator bug, never skipped.
struct Generated {
  std::optional<json> value;
  std::string why;
  bool invalid = false;
};

class RequestBuilder {
 public:
  RequestBuilder(const Document& document, compile::SchemaCache& cache)
      : document_(document), cache_(cache) {}

  // Builds the request for `method` on `path` with its required parameters (`every_parameter`:
  // the optional ones too); nullopt with `why` when it cannot be built (`generator_fault` set
  // when the cause is a value the server's validator refuses).
  std::optional<Request> build(const std::string& path, const NodeRef& item, const NodeRef& op,
                               const std::string& method, std::string& why, bool& generator_fault,
                               bool every_parameter = false) {
    generator_fault = false;
    Request request;
    request.method = upper(method);
    std::map<std::string, std::string> path_values;
    std::vector<std::string> query;
    std::vector<std::string> cookies;
    for (const NodeRef& parameter : parameters(item, op)) {
      const spec::Json& p = *parameter.node;
      std::string name = p.value("name", std::string());
      std::string in = p.value("in", std::string());
      bool required = p.value("required", false) || in == "path";
      if (!required && !every_parameter) continue;
      if (in == "header") {
        std::string l = lower(name);
        // OpenAPI: these header parameters are ignored; HTTP itself defines them.
        if (l == "accept" || l == "content-type" || l == "authorization") continue;
      }
      std::optional<std::string> failure =
          add_parameter(parameter, name, in, path_values, query, request.headers, cookies);
      if (failure) {
        why = "parameter " + in + " '" + name + "': " + *failure;
        generator_fault = last_invalid_;
        return std::nullopt;
      }
    }
    if (std::optional<std::string> failure = add_credentials(op, query, request.headers, cookies)) {
      why = *failure;
      return std::nullopt;
    }
    request.target = fill_template(path, path_values);
    for (size_t i = 0; i < query.size(); ++i) request.target += (i == 0 ? "?" : "&") + query[i];
    if (!cookies.empty()) {
      std::string cookie;
      for (const std::string& c : cookies) cookie += (cookie.empty() ? "" : "; ") + c;
      request.headers.emplace_back("Cookie", cookie);
    }
    if (std::optional<std::string> failure = add_body(op, request)) {
      why = "request body: " + *failure;
      generator_fault = last_invalid_;
      return std::nullopt;
    }
    return request;
  }

  bool has_optional_parameters(const NodeRef& item, const NodeRef& op) const {
    for (const NodeRef& p : parameters(item, op)) {
      if (!p.node->value("required", false) && p.node->value("in", std::string()) != "path")
        return true;
    }
    return false;
  }

 private:
  NodeRef follow(const NodeRef& node) const {
    spec::Diagnostics ignored;
    return node.valid() ? document_.follow(node, ignored) : node;
  }

  // Path-level parameters merged with the operation's, the operation winning on name and `in`.
  std::vector<NodeRef> parameters(const NodeRef& item, const NodeRef& op) const {
    std::vector<NodeRef> out;
    auto key = [](const NodeRef& p) {
      std::string in = p.node->value("in", std::string());
      std::string name = p.node->value("name", std::string());
      return in + " " + (in == "header" ? lower(name) : name);
    };
    for (const NodeRef& owner : {item, op}) {
      NodeRef list = Document::child(owner, "parameters");
      if (!list.valid() || !list.node->is_array()) continue;
      for (size_t i = 0; i < list.node->size(); ++i) {
        NodeRef parameter = follow(Document::item(list, i));
        if (!parameter.valid() || !parameter.node->is_object()) continue;
        auto same = std::find_if(out.begin(), out.end(),
                                 [&](const NodeRef& p) { return key(p) == key(parameter); });
        if (same != out.end()) {
          *same = parameter;
        } else {
          out.push_back(parameter);
        }
      }
    }
    return out;
  }

  // A value for `schema` that the request validator accepts and `fits` can serialize; a few
  // seeds are tried, with and without the document's examples.
  Generated generate(const NodeRef& schema, const std::function<bool(const json&)>& fits) {
    Generated out;
    std::shared_ptr<const validate::CompiledSchema> validator =
        cache_.get(schema, validate::Direction::kRequest);
    if (!validator) {
      out.why = "the schema does not compile";
      return out;
    }
    std::string unfit;
    for (uint64_t seed = 0; seed < 24; ++seed) {
      mock::GenerateOptions options;
      options.seed = seed;
      options.audience = mock::Audience::kRequest;
      options.use_examples = seed % 2 == 0;
      std::string why;
      std::optional<json> value = mock::generate(document_, schema, options, &why);
      if (!value) {
        out.why = "the generator found no value: " + why;
        return out;
      }
      std::vector<FieldError> errors;
      if (!validator->validate(*value, ErrorSource::kBody, "", errors)) {
        out.invalid = true;
        out.why = "the generated value " + clip(value->dump()) + " fails the request schema: " +
                  (errors.empty() ? "" : errors[0].pointer + " " + errors[0].detail);
        return out;
      }
      if (fits(*value)) {
        out.value = std::move(value);
        return out;
      }
      unfit = value->dump();
    }
    out.why = "no generated value can be serialized here (last: " + clip(unfit) + ")";
    return out;
  }

  std::optional<std::string> add_parameter(const NodeRef& parameter, const std::string& name,
                                           const std::string& in,
                                           std::map<std::string, std::string>& path_values,
                                           std::vector<std::string>& query, Headers& headers,
                                           std::vector<std::string>& cookies) {
    last_invalid_ = false;
    const spec::Json& p = *parameter.node;
    NodeRef schema = Document::child(parameter, "schema");
    bool json_text = false;
    std::string content_type;
    if (!schema.valid()) {
      NodeRef content = Document::child(parameter, "content");
      if (!content.valid() || !content.node->is_object() || content.node->empty())
        return "neither schema nor content";
      content_type = media_type_of(content.node->begin().key());
      json_text = is_json_media(content_type);
      schema = Document::child(Document::child(content, content.node->begin().key()), "schema");
      if (!schema.valid()) {
        // Without a schema anything goes; send something of the declared kind.
        std::string text = json_text ? "{}" : "mock";
        if (in == "path") path_values[name] = percent_encode(text);
        if (in == "query") query.push_back(percent_encode(name) + "=" + percent_encode(text));
        if (in == "header") headers.emplace_back(name, text);
        if (in == "cookie") cookies.push_back(name + "=" + text);
        return std::nullopt;
      }
    }
    std::string style =
        p.value("style", std::string(in == "query" || in == "cookie" ? "form" : "simple"));
    bool explode = p.value("explode", style == "form");

    // How each location carries text, and what text it cannot carry.
    auto header_safe = [](const std::string& text) {
      if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
      return std::all_of(text.begin(), text.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
      });
    };
    auto cookie_safe = [&](const std::string& text) {
      return header_safe(text) && text.find_first_of(";,\"\\") == std::string::npos;
    };
    auto text_of = [&](const json& value) { return json_text ? value.dump() : scalar_text(value); };
    // The simple / form explode=false list form: a,b,c or k,v,k,v (k=v,k=v exploded).
    auto joined = [&](const json& value, bool exploded_object) {
      if (json_text || !value.is_structured()) return text_of(value);
      std::string out;
      if (value.is_array()) {
        for (const auto& item : value) out += (out.empty() ? "" : ",") + scalar_text(item);
      } else {
        for (const auto& [k, v] : value.items())
          out += (out.empty() ? "" : ",") + k + (exploded_object ? "=" : ",") + scalar_text(v);
      }
      return out;
    };
    auto items_fit = [&](const json& value, const std::function<bool(const std::string&)>& ok) {
      if (json_text || !value.is_structured()) return ok(text_of(value));
      for (const auto& item : value) {
        std::string t = scalar_text(item);
        if (!ok(t) || t.find(',') != std::string::npos) return false;
      }
      return true;
    };

    std::function<bool(const json&)> fits;
    if (in == "path") {
      fits = [&](const json& v) {
        // "." and ".." are path steps, not values.
        std::string text = joined(v, explode);
        return !contains_null(v) && !text.empty() && text != "." && text != ".." &&
               items_fit(v, [](const std::string& t) { return !t.empty(); });
      };
    } else if (in == "query") {
      fits = [&](const json& v) {
        if (json_text) return true;
        if (contains_null(v)) return false;
        // An exploded empty list sends nothing, which reads as missing.
        if (v.is_structured() && v.empty()) return false;
        if (!v.is_structured() || style == "deepObject" || (style == "form" && explode))
          return true;
        // Delimited lists are split after %-decoding: an item cannot hold the delimiter.
        const char* delimiter = style == "spaceDelimited"  ? " "
                                : style == "pipeDelimited" ? "|"
                                                           : ",";
        for (const auto& item : v) {
          if (scalar_text(item).find(delimiter) != std::string::npos) return false;
        }
        return true;
      };
    } else if (in == "header") {
      fits = [&](const json& v) {
        return !contains_null(v) && header_safe(joined(v, explode)) &&
               items_fit(v, [](const std::string& t) {
                 return !t.empty() && t.front() != ' ' && t.back() != ' ';
               });
      };
    } else if (in == "cookie") {
      fits = [&](const json& v) {
        return !contains_null(v) && cookie_safe(joined(v, false)) &&
               items_fit(v, [](const std::string& t) { return !t.empty(); });
      };
    } else {
      return "unknown location '" + in + "'";
    }
    Generated generated = generate(schema, fits);
    if (!generated.value) {
      last_invalid_ = generated.invalid;
      return generated.why;
    }
    const json& value = *generated.value;

    if (in == "path") {
      // Each item on its own, so a ',' inside a string is escaped and the separators are not.
      if (json_text || !value.is_structured()) {
        path_values[name] = percent_encode(text_of(value));
      } else {
        std::string text;
        if (value.is_array()) {
          for (const auto& item : value)
            text += (text.empty() ? "" : ",") + percent_encode(scalar_text(item));
        } else {
          for (const auto& [k, v] : value.items())
            text += (text.empty() ? "" : ",") + percent_encode(k) + (explode ? "=" : ",") +
                    percent_encode(scalar_text(v));
        }
        path_values[name] = text;
      }
    } else if (in == "query") {
      std::string n = percent_encode(name);
      if (json_text || !value.is_structured()) {
        query.push_back(n + "=" + percent_encode(text_of(value)));
      } else if (style == "deepObject" && value.is_object()) {
        for (const auto& [k, v] : value.items())
          query.push_back(n + "%5B" + percent_encode(k) + "%5D=" + percent_encode(scalar_text(v)));
      } else if (value.is_array() && style == "form" && explode) {
        for (const auto& item : value) query.push_back(n + "=" + percent_encode(scalar_text(item)));
      } else if (value.is_object() && style == "form" && explode) {
        for (const auto& [k, v] : value.items())
          query.push_back(percent_encode(k) + "=" + percent_encode(scalar_text(v)));
      } else {
        std::string separator = style == "spaceDelimited"  ? "%20"
                                : style == "pipeDelimited" ? "%7C"
                                                           : ",";
        std::string text;
        if (value.is_array()) {
          for (const auto& item : value)
            text += (text.empty() ? "" : separator) + percent_encode(scalar_text(item));
        } else {
          for (const auto& [k, v] : value.items())
            text += (text.empty() ? "" : separator) + percent_encode(k) + separator +
                    percent_encode(scalar_text(v));
        }
        query.push_back(n + "=" + text);
      }
    } else if (in == "header") {
      headers.emplace_back(name, joined(value, explode));
    } else {
      cookies.push_back(name + "=" + joined(value, false));
    }
    return std::nullopt;
  }

  std::string fill_template(const std::string& path,
                            const std::map<std::string, std::string>& values) const {
    std::string out;
    for (size_t i = 0; i < path.size();) {
      if (path[i] == '{') {
        size_t close = path.find('}', i);
        if (close != std::string::npos) {
          std::string name = path.substr(i + 1, close - i - 1);
          auto it = values.find(name);
          // A template name no parameter declares is a plain string to the server.
          out += it != values.end() ? it->second : "mock";
          i = close + 1;
          continue;
        }
      }
      // Literal characters a path may not carry as they are get escaped.
      out += percent_encode(std::string(1, path[i]), "/!$&'()*+,;=:@");
      ++i;
    }
    return out;
  }

  // Credentials for the first security requirement a client can meet over plain HTTP. Unset
  // schemes under --mock only check that a credential of their kind is present; bearer tokens
  // carry the required scopes, as a real token for the requirement would.
  std::optional<std::string> add_credentials(const NodeRef& op, std::vector<std::string>& query,
                                             Headers& headers, std::vector<std::string>& cookies) {
    NodeRef security = Document::child(op, "security");
    if (!security.valid()) security = Document::child(document_.root_ref(), "security");
    if (!security.valid() || !security.node->is_array() || security.node->empty())
      return std::nullopt;
    NodeRef schemes =
        Document::child(Document::child(document_.root_ref(), "components"), "securitySchemes");
    std::string refusals;
    for (const spec::Json& requirement : *security.node) {
      if (!requirement.is_object()) continue;
      std::optional<std::string> authorization;
      Headers h;
      std::vector<std::string> q;
      std::vector<std::string> c;
      std::string why;
      for (const auto& [name, scopes] : requirement.items()) {
        NodeRef scheme = follow(Document::child(schemes, name));
        if (!scheme.valid() || !scheme.node->is_object()) {
          why = "scheme " + name + " is not declared";
          break;
        }
        std::string type = scheme.node->value("type", std::string());
        std::string http_scheme = lower(scheme.node->value("scheme", std::string()));
        std::string credential;
        if (type == "apiKey") {
          std::string in = scheme.node->value("in", std::string());
          std::string key_name = scheme.node->value("name", std::string());
          const std::string key = "mock-api-key-0123456789abcdef";
          if (in == "header") {
            h.emplace_back(key_name, key);
          } else if (in == "query") {
            q.push_back(percent_encode(key_name) + "=" + key);
          } else if (in == "cookie") {
            c.push_back(key_name + "=" + key);
          } else {
            why = "apiKey " + name + " is in '" + in + "'";
            break;
          }
          continue;
        }
        if (type == "http" && http_scheme == "basic") {
          credential = "Basic " + base64("mock:mock-password", false);
        } else if ((type == "http" && http_scheme == "bearer") || type == "oauth2" ||
                   type == "openIdConnect") {
          std::string scope;
          for (const auto& s : scopes) {
            if (s.is_string()) scope += (scope.empty() ? "" : " ") + s.get<std::string>();
          }
          json claims = {{"sub", "mock"}, {"exp", 4102444800}};
          if (!scope.empty()) claims["scope"] = scope;
          credential = "Bearer " + base64(R"({"alg":"HS256","typ":"JWT"})", true) + "." +
                       base64(claims.dump(), true) + "." + base64("not-a-signature", true);
        } else {
          why = "scheme " + name + " (" + type + (http_scheme.empty() ? "" : " " + http_scheme) +
                ") has no credential a client can send in a request";
          break;
        }
        if (authorization && *authorization != credential) {
          why = "two schemes need the Authorization header";
          break;
        }
        authorization = credential;
      }
      if (!why.empty()) {
        refusals += (refusals.empty() ? "" : "; ") + why;
        continue;
      }
      if (authorization) headers.emplace_back("Authorization", *authorization);
      headers.insert(headers.end(), h.begin(), h.end());
      query.insert(query.end(), q.begin(), q.end());
      cookies.insert(cookies.end(), c.begin(), c.end());
      return std::nullopt;
    }
    return "no security requirement can be met: " + refusals;
  }

  // The body as the first JSON media type, else the first declared one.
  std::optional<std::string> add_body(const NodeRef& op, Request& request) {
    last_invalid_ = false;
    NodeRef body = follow(Document::child(op, "requestBody"));
    NodeRef content = Document::child(body, "content");
    if (!content.valid() || !content.node->is_object() || content.node->empty())
      return std::nullopt;
    std::string key = content.node->begin().key();
    for (const auto& [media, ignored] : content.node->items()) {
      if (is_json_media(media_type_of(media))) {
        key = media;
        break;
      }
    }
    std::string media = media_type_of(key);
    // A declared range is sent as a concrete type inside it.
    if (media == "*/*" || media == "application/*") {
      media = "application/octet-stream";
    } else if (media.size() > 2 && media.compare(media.size() - 2, 2, "/*") == 0) {
      media = media.substr(0, media.size() - 1) + (media.rfind("text/", 0) == 0 ? "plain" : "x");
    }
    std::string content_type = media;
    const std::string boundary = "mock-conformance-boundary";
    if (media == "multipart/form-data") content_type += "; boundary=" + boundary;
    auto serialize = [&](const json& value) {
      if (is_json_media(media)) return value.dump();
      if (media == "application/x-www-form-urlencoded") return form_urlencoded(value);
      if (media == "multipart/form-data") return multipart(value, boundary);
      if (media == "application/xml" || media == "text/xml")
        return "<?xml version=\"1.0\"?>" + xml(value, "body");
      return scalar_text(value);
    };
    NodeRef schema = Document::child(Document::child(content, key), "schema");
    json value = is_json_media(media) ? json::object() : json("mock");
    if (schema.valid()) {
      // An empty body reads as no body at all.
      Generated generated = generate(schema, [&](const json& v) { return !serialize(v).empty(); });
      if (!generated.value) {
        last_invalid_ = generated.invalid;
        return generated.why;
      }
      value = *generated.value;
    }
    request.body = serialize(value);
    request.headers.emplace_back("Content-Type", content_type);
    return std::nullopt;
  }

  static std::string form_urlencoded(const json& value) {
    if (!value.is_object()) return "value=" + percent_encode(scalar_text(value));
    std::string out;
    auto add = [&](const std::string& name, const json& v) {
      out += (out.empty() ? "" : "&") + percent_encode(name) + "=" + percent_encode(scalar_text(v));
    };
    for (const auto& [name, v] : value.items()) {
      if (v.is_array()) {
        for (const auto& item : v) add(name, item);
      } else {
        add(name, v);
      }
    }
    return out;
  }

  static std::string multipart(const json& value, const std::string& boundary) {
    std::string out;
    auto part = [&](const std::string& name, const json& v) {
      out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n";
      if (v.is_structured()) out += "Content-Type: application/json\r\n";
      out += "\r\n" + scalar_text(v) + "\r\n";
    };
    if (value.is_object()) {
      for (const auto& [name, v] : value.items()) part(name, v);
    } else {
      part("value", value);
    }
    return out + "--" + boundary + "--\r\n";
  }

  static std::string xml(const json& value, const std::string& tag) {
    std::string inner;
    if (value.is_object()) {
      for (const auto& [k, v] : value.items()) inner += xml(v, k);
    } else if (value.is_array()) {
      for (const auto& item : value) inner += xml(item, "item");
    } else if (!value.is_null()) {
      inner = text::escape_markup(scalar_text(value));
    }
    return "<" + tag + ">" + inner + "</" + tag + ">";
  }

  const Document& document_;
  compile::SchemaCache& cache_;
  bool last_invalid_ = false;
};

// Checks answers against what the operation declares.
class ResponseChecker {
 public:
  ResponseChecker(const Document& document, compile::SchemaCache& cache)
      : document_(document), cache_(cache) {}

  // The Accept header preferring every JSON media type the operation's responses declare, so
  // the answer can be validated wherever the document allows it; empty when they declare none.
  std::string json_accept(const NodeRef& op) const {
    std::vector<std::string> types;
    NodeRef responses = Document::child(op, "responses");
    if (!responses.valid() || !responses.node->is_object()) return "";
    for (const auto& [status, ignored] : responses.node->items()) {
      NodeRef content = Document::child(follow(Document::child(responses, status)), "content");
      if (!content.valid() || !content.node->is_object()) continue;
      for (const auto& [media, ignored2] : content.node->items()) {
        std::string type = media_type_of(media);
        if (is_json_media(type) && std::find(types.begin(), types.end(), type) == types.end())
          types.push_back(type);
      }
    }
    if (types.empty()) return "";
    std::string accept;
    for (const std::string& t : types) accept += t + ", ";
    return accept + "*/*;q=0.1";
  }

  // Answers whose body was checked against its media type (and schema, where one is declared).
  size_t bodies_checked() const { return bodies_checked_; }

  // Whether `value` is valid against `schema` as a response body.
  bool fits(const NodeRef& schema, const json& value) const {
    std::shared_ptr<const validate::CompiledSchema> validator =
        cache_.get(schema, validate::Direction::kResponse);
    std::vector<FieldError> errors;
    return validator && validator->validate(value, ErrorSource::kBody, "", errors);
  }

  void check(const NodeRef& op, const std::string& method, const HttpResponse& r,
             const std::string& label, std::vector<std::string>& failures) const {
    auto fail = [&](const std::string& what) {
      std::string text = label + ": " + what;
      if (media_type_of(r.header("content-type").value_or("")) == "application/problem+json" &&
          what.find(clip(r.body)) == std::string::npos)
        text += "\n    answer: " + clip(r.body);
      failures.push_back(text);
    };
    NodeRef responses = Document::child(op, "responses");
    std::string declared_list;
    std::optional<std::string> declared;
    if (responses.valid() && responses.node->is_object()) {
      std::string code = std::to_string(r.status);
      std::optional<std::string> range;
      bool has_default = false;
      for (const auto& [key, ignored] : responses.node->items()) {
        if (key.rfind("x-", 0) == 0) continue;
        declared_list += (declared_list.empty() ? "" : ", ") + key;
        if (key == code) declared = key;
        if (key.size() == 3 && key[0] == code[0] && upper(key.substr(1)) == "XX") range = key;
        if (key == "default") has_default = true;
      }
      if (!declared && range) declared = range;
      if (!declared && has_default) declared = "default";
    }
    if (declared_list.empty()) {
      // No declared response: a mock answers 204, the least a client can expect.
      if (r.status != 204) fail("status " + std::to_string(r.status) + ", none declared");
      return;
    }
    if (!declared) {
      fail("status " + std::to_string(r.status) + " is not declared (declared: " + declared_list +
           ")");
      return;
    }
    NodeRef response = follow(Document::child(responses, *declared));
    check_headers(response, r, fail);
    NodeRef content = Document::child(response, "content");
    bool no_body_status = r.status == 204 || r.status == 304 || method == "HEAD";
    if (!content.valid() || !content.node->is_object() || content.node->empty() || no_body_status) {
      if (!r.body.empty())
        fail("status " + std::to_string(r.status) + " (" + *declared + ") declares no body, got " +
             clip(r.body));
      return;
    }
    std::optional<std::string> sent = r.header("content-type");
    if (!sent) {
      fail("no Content-Type on a " + *declared + " answer that declares content");
      return;
    }
    std::string type = media_type_of(*sent);
    std::string declared_types;
    std::optional<std::string> media;
    for (const auto& [key, ignored] : content.node->items()) {
      declared_types += (declared_types.empty() ? "" : ", ") + key;
      if (!media && media_covers(media_type_of(key), type)) media = key;
    }
    if (!media) {
      fail("Content-Type '" + *sent + "' is not declared for " + *declared +
           " (declared: " + declared_types + ")");
      return;
    }
    NodeRef schema = Document::child(Document::child(content, *media), "schema");
    if (is_json_media(type)) {
      json body = json::parse(r.body, nullptr, false);
      if (body.is_discarded()) {
        fail("a " + type + " body that is not JSON: " + clip(r.body));
        return;
      }
      if (schema.valid()) validate(schema, body, *declared + " " + *media, fail);
      ++bodies_checked_;
      return;
    }
    if (!schema.valid()) return;
    // Other media types carry a string's own text, anything else as JSON text (mock.md).
    std::shared_ptr<const validate::CompiledSchema> validator =
        cache_.get(schema, validate::Direction::kResponse);
    std::vector<FieldError> errors;
    ++bodies_checked_;
    if (validator && validator->validate(json(r.body), ErrorSource::kBody, "", errors)) return;
    json parsed = json::parse(r.body, nullptr, false);
    if (!parsed.is_discarded()) {
      validate(schema, parsed, *declared + " " + *media, fail);
      return;
    }
    fail("the " + type + " body matches the schema neither as text nor as JSON: " + clip(r.body));
  }

 private:
  NodeRef follow(const NodeRef& node) const {
    spec::Diagnostics ignored;
    return node.valid() ? document_.follow(node, ignored) : node;
  }

  template <typename Fail>
  void validate(const NodeRef& schema, const json& body, const std::string& what,
                Fail& fail) const {
    std::shared_ptr<const validate::CompiledSchema> validator =
        cache_.get(schema, validate::Direction::kResponse);
    if (!validator) {
      fail("the schema of " + what + " does not compile");
      return;
    }
    std::vector<FieldError> errors;
    if (validator->validate(body, ErrorSource::kBody, "", errors)) return;
    std::string list;
    for (size_t i = 0; i < errors.size() && i < 3; ++i)
      list += "\n    " + errors[i].pointer + ": " + errors[i].detail;
    fail("the body does not match the schema of " + what + ":" + list +
         "\n    body: " + clip(body.dump()));
  }

  template <typename Fail>
  void check_headers(const NodeRef& response, const HttpResponse& r, Fail& fail) const {
    NodeRef headers = Document::child(response, "headers");
    if (!headers.valid() || !headers.node->is_object()) return;
    for (const auto& [name, ignored] : headers.node->items()) {
      std::string l = lower(name);
      if (l == "content-type" || l == "content-length") continue;
      std::optional<std::string> text = r.header(name);
      if (!text) {
        fail("declared header " + name + " is missing");
        continue;
      }
      NodeRef schema = Document::child(follow(Document::child(headers, name)), "schema");
      if (!schema.valid()) continue;
      std::shared_ptr<const validate::CompiledSchema> validator =
          cache_.get(schema, validate::Direction::kResponse);
      if (!validator) continue;
      // Header text has no type: it may stand for a string, a JSON scalar or a simple-style
      // list (a,b,c); one reading must match.
      auto reading = [](const std::string& t) {
        json parsed = json::parse(t, nullptr, false);
        return parsed.is_discarded() || parsed.is_structured() ? json(t) : parsed;
      };
      json list = json::array();
      for (size_t start = 0;;) {
        size_t comma = text->find(',', start);
        list.push_back(reading(text->substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      bool matched = false;
      for (const json& candidate : {json(*text), reading(*text), list}) {
        std::vector<FieldError> errors;
        matched = matched || validator->validate(candidate, ErrorSource::kHeader, name, errors);
      }
      if (!matched) fail("header " + name + ": '" + *text + "' does not match its schema");
    }
  }

  const Document& document_;
  compile::SchemaCache& cache_;
  mutable size_t bodies_checked_ = 0;
};

// The declared response keys of an operation ("200", "4XX", "default"), in document order.
std::vector<std::string> declared_responses(const NodeRef& op) {
  std::vector<std::string> out;
  NodeRef responses = Document::child(op, "responses");
  if (!responses.valid() || !responses.node->is_object()) return out;
  for (const auto& [key, ignored] : responses.node->items()) {
    if (key.rfind("x-", 0) != 0) out.push_back(key);
  }
  return out;
}

bool is_range(const std::string& key) {
  return key.size() == 3 && std::isdigit(static_cast<unsigned char>(key[0])) &&
         upper(key.substr(1)) == "XX";
}

bool is_exact(const std::string& key) {
  return key.size() == 3 && std::all_of(key.begin(), key.end(), [](char c) {
           return std::isdigit(static_cast<unsigned char>(c));
         });
}

// The status mock.md promises without a preference: the lowest exact 2xx, else 2XX (200), else
// `default` (200), else the first declared; 204 when nothing is declared.
int promised_status(const std::vector<std::string>& keys) {
  std::optional<int> lowest;
  for (const std::string& key : keys) {
    if (is_exact(key) && key[0] == '2' && (!lowest || std::stoi(key) < *lowest))
      lowest = std::stoi(key);
  }
  if (lowest) return *lowest;
  for (const std::string& key : keys) {
    if (is_range(key) && key[0] == '2') return 200;
  }
  if (std::find(keys.begin(), keys.end(), "default") != keys.end()) return 200;
  if (keys.empty()) return 204;
  return is_range(keys.front()) ? (keys.front()[0] - '0') * 100 : std::stoi(keys.front());
}

// A code that `Prefer: code=` picks `key` with: the code itself, a code of the range that no
// exact declaration takes, or (for `default`) a code no declaration covers. Nullopt if none.
std::optional<int> code_selecting(const std::string& key, const std::vector<std::string>& keys) {
  auto covered = [&](int code, bool ranges_too) {
    std::string text = std::to_string(code);
    for (const std::string& k : keys) {
      if (k == text || (ranges_too && is_range(k) && k[0] == text[0])) return true;
    }
    return false;
  };
  if (is_exact(key)) return std::stoi(key);
  if (is_range(key)) {
    int base = (key[0] - '0') * 100;
    for (int code = base; code < base + 100; ++code) {
      if (!covered(code, false)) return code;
    }
    return std::nullopt;
  }
  if (key == "default") {
    for (int code : {500, 418, 503, 599, 299}) {
      if (!covered(code, true)) return code;
    }
  }
  return std::nullopt;
}

NodeRef follow(const Document& document, const NodeRef& node) {
  spec::Diagnostics ignored;
  return node.valid() ? document.follow(node, ignored) : node;
}

const Skip* find_skip(const std::string& document, const std::string& operation) {
  for (const Skip& s : kSkips) {
    if (document == s.document && operation == s.operation) return &s;
  }
  return nullptr;
}

// Sends `request` as a client of the mock would and checks every answer; returns how many
// requests went out. First preferring the operation's JSON media types (twice: a mock answers
// the same every time), then without Accept, then once per declared response with
// `Prefer: code=` picking it (and each of its named examples), then with `Prefer: dynamic=true`.
size_t exchange(HttpClient& client, const Document& document, const ResponseChecker& checker,
                const NodeRef& op, const Request& request, std::vector<std::string>& problems) {
  const std::vector<std::string> keys = declared_responses(op);
  const std::string accept = checker.json_accept(op);
  Headers with_accept = request.headers;
  if (!accept.empty()) with_accept.emplace_back("Accept", accept);
  size_t sent = 0;
  auto send = [&](const std::string& label, const Headers& headers) -> std::optional<HttpResponse> {
    try {
      HttpResponse r = client.request(request.method, request.target, request.body, headers);
      ++sent;
      checker.check(op, request.method, r, label, problems);
      return r;
    } catch (const std::exception& e) {
      problems.push_back(label + ": no answer: " + e.what());
      client.close();
      return std::nullopt;
    }
  };

  const int promised = promised_status(keys);
  std::optional<HttpResponse> first =
      send("Accept: " + (accept.empty() ? "(none)" : accept), with_accept);
  if (!first) return sent;
  if (first->status != promised)
    problems.push_back("status " + std::to_string(first->status) + ", mock.md promises " +
                       std::to_string(promised) + " for responses " + [&] {
                         std::string list;
                         for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
                         return list.empty() ? std::string("(none)") : list;
                       }());
  std::optional<HttpResponse> again = send("repeated", with_accept);
  if (!again) return sent;
  if (again->status != first->status || again->body != first->body)
    problems.push_back("the same request answered differently: " + std::to_string(first->status) +
                       " " + clip(first->body, 200) + " then " + std::to_string(again->status) +
                       " " + clip(again->body, 200));
  if (!accept.empty() && !send("no Accept", request.headers)) return sent;

  for (const std::string& key : keys) {
    std::optional<int> code = code_selecting(key, keys);
    if (!code) continue;
    std::string preference = "code=" + std::to_string(*code);
    Headers headers = with_accept;
    headers.emplace_back("Prefer", preference);
    std::optional<HttpResponse> r = send("Prefer: " + preference + " (" + key + ")", headers);
    if (!r) return sent;
    if (r->status != *code) {
      problems.push_back("Prefer: " + preference + " answered " + std::to_string(r->status));
      continue;
    }
    std::string applied = r->header("preference-applied").value_or("");
    if (applied.find(preference) == std::string::npos)
      problems.push_back("Prefer: " + preference + " is not in Preference-Applied ('" + applied +
                         "')");
    // Every named example of the response, as its own media type.
    NodeRef content = Document::child(
        follow(document, Document::child(Document::child(op, "responses"), key)), "content");
    if (!content.valid() || !content.node->is_object()) continue;
    for (const auto& [media, ignored] : content.node->items()) {
      NodeRef examples = Document::child(Document::child(content, media), "examples");
      if (!examples.valid() || !examples.node->is_object()) continue;
      NodeRef schema = Document::child(Document::child(content, media), "schema");
      for (const auto& [name, ignored2] : examples.node->items()) {
        // An example that breaks its own schema must not be served (mock.md): the answer is
        // still checked against the schema, and must not claim the example.
        NodeRef example = follow(document, Document::child(examples, name));
        bool broken = schema.valid() && is_json_media(media_type_of(media)) && example.valid() &&
                      example.node->is_object() && example.node->contains("value") &&
                      !checker.fits(schema, json::parse((*example.node)["value"].dump()));
        Headers named = request.headers;
        named.emplace_back("Accept", media_type_of(media));
        named.emplace_back("Prefer", preference + ", example=" + name);
        std::optional<HttpResponse> e =
            send("Prefer: " + preference + ", example=" + name + " (" + media + ")", named);
        if (!e) return sent;
        const bool applied_example =
            e->header("preference-applied").value_or("").find("example=" + name) !=
            std::string::npos;
        if (!broken && !applied_example)
          problems.push_back("Prefer: example=" + name + " of " + key + " " + media +
                             " is not in Preference-Applied");
        if (broken && applied_example)
          problems.push_back("Prefer: example=" + name + " of " + key + " " + media +
                             " breaks its schema and was served");
      }
    }
  }

  // Fresh data from the schema: a different value, but just as valid.
  Headers dynamic = with_accept;
  dynamic.emplace_back("Prefer", "dynamic=true");
  std::optional<HttpResponse> d = send("Prefer: dynamic=true", dynamic);
  if (d && d->status != promised)
    problems.push_back("Prefer: dynamic=true answered " + std::to_string(d->status));
  return sent;
}

// Sends a request that carries every parameter once; it must get the answer mock.md promises.
size_t send_every_parameter(HttpClient& client, const ResponseChecker& checker, const NodeRef& op,
                            const Request& request, std::vector<std::string>& problems) {
  Headers headers = request.headers;
  std::string accept = checker.json_accept(op);
  if (!accept.empty()) headers.emplace_back("Accept", accept);
  const std::string label = "every parameter (" + request.target + ")";
  try {
    HttpResponse r = client.request(request.method, request.target, request.body, headers);
    checker.check(op, request.method, r, label, problems);
    int promised = promised_status(declared_responses(op));
    if (r.status != promised)
      problems.push_back(label + ": status " + std::to_string(r.status) + ", mock.md promises " +
                         std::to_string(promised) + "; answer: " + clip(r.body));
  } catch (const std::exception& e) {
    problems.push_back(label + ": no answer: " + e.what());
    client.close();
  }
  return 1;
}

TEST(MockConformance, EveryOperationAnswersAsDeclared) {
  auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> documents = conformance_documents();
  ASSERT_EQ(documents.size(), 32u);
  std::set<std::pair<std::string, std::string>> skips_used;
  size_t total_operations = 0;
  size_t total_requests = 0;
  size_t total_failures = 0;
  size_t total_skipped = 0;
  size_t total_bodies = 0;

  for (const std::string& relative : documents) {
    const std::string path = kRoot + "/" + relative;
    spec::Diagnostics diagnostics;
    std::unique_ptr<Document> document = spec::load_document(path, diagnostics);
    ASSERT_TRUE(document) << relative;
    compile::SchemaCache cache(*document, diagnostics);
    RequestBuilder builder(*document, cache);
    ResponseChecker checker(*document, cache);

    std::optional<ServerProcess> server;
    try {
      server.emplace(std::vector<std::string>{"--mock", path});
    } catch (const std::exception& e) {
      ADD_FAILURE() << relative << ": the server did not start: " << e.what();
      continue;
    }
    HttpClient client(server->port());

    size_t operations = 0;
    size_t requests = 0;
    size_t failures = 0;
    NodeRef paths = Document::child(document->root_ref(), "paths");
    if (paths.valid() && paths.node->is_object()) {
      for (const auto& [template_path, ignored] : paths.node->items()) {
        spec::Diagnostics ignored_diagnostics;
        NodeRef item = document->follow(Document::child(paths, template_path), ignored_diagnostics);
        if (!item.valid() || !item.node->is_object()) continue;
        for (const auto& [method, ignored2] : item.node->items()) {
          if (!is_openapi_method(method)) continue;
          ++operations;
          const std::string operation = upper(method) + " " + template_path;
          NodeRef op = Document::child(item, method);
          std::vector<std::string> problems;
          bool generator_fault = false;
          std::string why;
          std::optional<Request> request =
              builder.build(template_path, item, op, method, why, generator_fault);
          if (!request) {
            problems.push_back("cannot build a valid request: " + why);
          } else {
            requests += exchange(client, *document, checker, op, *request, problems);
          }
          // Optional parameters are read, coerced and validated as well: they must not
          // change a valid request into an invalid one.
          if (request && builder.has_optional_parameters(item, op)) {
            std::optional<Request> full =
                builder.build(template_path, item, op, method, why, generator_fault, true);
            if (!full) {
              problems.push_back("cannot build a request with every parameter: " + why);
            } else {
              requests += send_every_parameter(client, checker, op, *full, problems);
            }
          }
          std::string where = relative + " " + operation;
          if (request) {
            where += "\n  request: " + request->method + " " + request->target;
            if (!request->body.empty()) where += "\n  body: " + clip(request->body, 300);
          }
          const Skip* skip = find_skip(relative, operation);
          if (skip != nullptr && !generator_fault) {
            skips_used.insert({skip->document, skip->operation});
            if (problems.empty()) {
              ADD_FAILURE() << where << ": skipped (" << skip->reason
                            << ") but it now answers as declared; remove the skip entry";
              ++failures;
            } else {
              ++total_skipped;
              std::cout << "[   skip   ] " << relative << " " << operation << ": " << skip->reason
                        << "\n";
            }
            continue;
          }
          for (const std::string& problem : problems) {
            ADD_FAILURE() << where << "\n  " << problem;
            ++failures;
          }
        }
      }
    }
    EXPECT_EQ(operations, expected_operation_counts().at(relative)) << relative;
    EXPECT_TRUE(server->running()) << relative << ": the server exited\n" << server->log();
    std::cout << "[   mock   ] " << relative << ": " << operations << " operations, " << requests
              << " requests, " << failures << " failures\n";
    total_operations += operations;
    total_requests += requests;
    total_failures += failures;
    total_bodies += checker.bodies_checked();
  }
  for (const Skip& s : kSkips) {
    if (!skips_used.count({s.document, s.operation}))
      ADD_FAILURE() << "skip entry matches no operation: " << s.document << " " << s.operation;
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << "[ mock sum ] " << documents.size() << " documents, " << total_operations
            << " operations, " << total_requests << " requests, " << total_failures << " failures, "
            << total_bodies << " bodies checked, " << total_skipped << " skipped ("
            << std::size(kSkips) << " skip entries), " << elapsed.count() << " ms\n";
}

// The oracle itself must refuse wrong answers and build requests as OpenAPI serializes them;
// otherwise the test above could pass on anything.
const char* const kSelfTestDocument = R"({
  "openapi": "3.0.3",
  "info": {"title": "self-test", "version": "1"},
  "paths": {
    "/items/{id}": {
      "parameters": [{"name": "id", "in": "path", "required": true,
                      "schema": {"type": "integer", "minimum": 7, "maximum": 7}}],
      "get": {
        "parameters": [
          {"name": "tag", "in": "query", "required": true,
           "schema": {"type": "array", "minItems": 2, "maxItems": 2,
                      "items": {"type": "string", "enum": ["a b"]}}},
          {"name": "X-Trace", "in": "header", "required": true,
           "schema": {"type": "string", "enum": ["t1"]}},
          {"name": "session", "in": "cookie", "required": true,
           "schema": {"type": "string", "enum": ["s1"]}},
          {"name": "filter", "in": "query", "required": true,
           "content": {"application/json": {"schema": {"type": "object", "required": ["n"],
             "properties": {"n": {"type": "integer", "enum": [1]}}}}}},
          {"name": "optional", "in": "query", "schema": {"type": "string"}}
        ],
        "responses": {
          "200": {"description": "ok",
                  "headers": {"X-Rate": {"schema": {"type": "integer"}}},
                  "content": {"application/json": {"schema": {
                    "type": "object", "required": ["id"],
                    "properties": {"id": {"type": "integer"}}}}}},
          "4XX": {"description": "client error"},
          "default": {"description": "error"}
        }
      }
    }
  }
})";

TEST(MockConformance, OracleRefusesWrongAnswersAndSerializesRequests) {
  spec::Diagnostics diagnostics;
  std::unique_ptr<Document> document =
      spec::parse_document(kSelfTestDocument, "self-test.json", diagnostics);
  ASSERT_TRUE(document);
  compile::SchemaCache cache(*document, diagnostics);
  NodeRef item = Document::child(Document::child(document->root_ref(), "paths"), "/items/{id}");
  NodeRef op = Document::child(item, "get");

  RequestBuilder builder(*document, cache);
  std::string why;
  bool generator_fault = false;
  std::optional<Request> request =
      builder.build("/items/{id}", item, op, "get", why, generator_fault);
  ASSERT_TRUE(request) << why;
  EXPECT_EQ(request->target, "/items/7?tag=a%20b&tag=a%20b&filter=%7B%22n%22%3A1%7D");
  EXPECT_EQ(request->body, "");
  Headers expected = {{"X-Trace", "t1"}, {"Cookie", "session=s1"}};
  EXPECT_EQ(request->headers, expected);

  ResponseChecker checker(*document, cache);
  EXPECT_EQ(checker.json_accept(op), "application/json, */*;q=0.1");
  auto failures_for = [&](int status, const std::string& type, const std::string& body,
                          bool with_header = true) {
    HttpResponse r;
    r.status = status;
    if (!type.empty()) r.headers.emplace_back("Content-Type", type);
    if (with_header) r.headers.emplace_back("X-Rate", "3");
    r.body = body;
    std::vector<std::string> failures;
    checker.check(op, "GET", r, "self-test", failures);
    return failures.size();
  };
  EXPECT_EQ(failures_for(200, "application/json; charset=utf-8", R"({"id":1})"), 0u);
  EXPECT_EQ(failures_for(404, "", ""), 0u) << "4XX covers 404";
  EXPECT_EQ(failures_for(500, "", ""), 0u) << "default covers 500";
  EXPECT_EQ(failures_for(200, "text/plain", R"({"id":1})"), 1u) << "undeclared media type";
  EXPECT_EQ(failures_for(200, "", R"({"id":1})"), 1u) << "no Content-Type";
  EXPECT_EQ(failures_for(200, "application/json", R"({"id":"one"})"), 1u) << "schema";
  EXPECT_EQ(failures_for(200, "application/json", R"({"id":)"), 1u) << "not JSON";
  EXPECT_EQ(failures_for(200, "application/json", R"({"id":1})", false), 1u) << "header";
  EXPECT_EQ(failures_for(404, "application/problem+json", "{}"), 1u) << "body on 4XX";

  EXPECT_EQ(promised_status({"404", "default", "201", "200"}), 200);
  EXPECT_EQ(promised_status({"404", "2XX"}), 200);
  EXPECT_EQ(promised_status({"404", "400"}), 404);
  EXPECT_EQ(promised_status({}), 204);
  EXPECT_EQ(code_selecting("4XX", {"400", "4XX"}), 401);
  EXPECT_EQ(code_selecting("default", {"500", "default"}), 418);
  EXPECT_EQ(code_selecting("201", {"201"}), 201);
}

// No conformance document declares a response media range, so one is checked here: the answer
// must name a real type inside the declared range that the client accepts (mock.md: "A declared
// range like text/* is sent as a concrete type"), with a body the schema admits.
TEST(MockConformance, DeclaredMediaRangesAnswerWithATypeInsideThem) {
  TempDir dir;
  const std::string spec = write_file(dir, "ranges.yaml", R"(openapi: 3.0.3
info: {title: ranges, version: "1"}
paths:
  /image:
    get:
      responses:
        "200":
          description: ok
          content:
            image/*: {schema: {type: string, format: binary}}
  /app:
    get:
      responses:
        "200":
          description: ok
          content:
            application/*: {schema: {type: object, required: [a], properties: {a: {type: integer}}}}
  /text:
    get:
      responses:
        "200":
          description: ok
          content:
            text/*: {schema: {type: string, enum: [plain words]}}
  /any:
    get:
      responses:
        "200":
          description: ok
          content:
            "*/*": {schema: {type: string, enum: [just text]}}
  /any-object:
    get:
      responses:
        "200":
          description: ok
          content:
            "*/*": {schema: {type: object, required: [a], properties: {a: {type: integer}}}}
)");
  ServerProcess server({"--mock", spec});
  HttpClient client(server.port());
  // GET `path` with `accept` ("" sends none); `outcome` ends the scenario's name.
  auto asking = [](const std::string& path, const std::string& accept, const std::string& outcome) {
    Scenario scenario("GET " + path +
                      (accept.empty() ? " without Accept" : " with Accept: " + accept) + " " +
                      outcome + ".");
    scenario.get(path);
    if (!accept.empty()) scenario.header("Accept", accept);
    return scenario;
  };
  auto refused = [&](const std::string& path, const std::string& accept) {
    Scenario scenario = asking(path, accept, "is a 406");
    return scenario.expect_status(406);
  };
  // ... answered as `content_type`, with exactly `body` unless it is "".
  auto answered = [&](const std::string& path, const std::string& accept,
                      const std::string& content_type, const std::string& body = "") {
    Scenario scenario = asking(path, accept, "is answered as " + content_type);
    scenario.expect_status(200).expect_header("content-type", content_type);
    if (!body.empty()) scenario.expect_body(body);
    if (path == "/app" || path == "/any-object") {
      scenario.expect("the body is an object whose a is an integer", [](const HttpResponse& r) {
        json value = json::parse(r.body, nullptr, false);
        return value.is_object() && value.contains("a") && value["a"].is_number_integer();
      });
    }
    return scenario;
  };
  run_each_scenario(client,
                    {
                        answered("/image", "", "image/png"),
                        answered("/image", "image/webp", "image/webp"),
                        answered("/image", "*/*;q=0.1, image/gif", "image/gif"),
                        refused("/image", "text/plain"),
                        answered("/app", "", "application/json"),
                        answered("/app", "application/json", "application/json"),
                        refused("/app", "text/*"),
                        answered("/text", "", "text/plain", "plain words"),
                        answered("/text", "text/html", "text/html", "plain words"),
                        answered("/text", "text/*", "text/plain", "plain words"),
                        refused("/text", "application/json"),
                        answered("/any", "", "text/plain", "just text"),
                        answered("/any", "text/plain", "text/plain", "just text"),
                        answered("/any", "application/json", "application/json", "\"just text\""),
                        answered("/any-object", "", "application/json"),
                        answered("/any-object", "application/xml", "application/xml"),
                    });
}

// The status rules of mock.md on shapes the conformance documents lack: with no 2xx the first
// declared response answers (not the lowest code), and an interim 1xx is never sent as an answer
// (the client would wait for a final one forever).
TEST(MockConformance, StatusPickFollowsMockMdAndNeverSendsAnInterimStatus) {
  TempDir dir;
  const std::string spec = write_file(dir, "statuses.yaml", R"(openapi: 3.0.3
info: {title: statuses, version: "1"}
paths:
  /errors-only:
    get:
      responses:
        "404": {description: missing, content: {application/json: {example: {e: 404}}}}
        "400": {description: bad, content: {application/json: {example: {e: 400}}}}
  /upgrade-or-error:
    get:
      responses:
        "101": {description: switching}
        "426": {description: upgrade required}
  /upgrade-only:
    get:
      responses:
        "101": {description: switching}
  /with-default:
    get:
      responses:
        "200": {description: ok, content: {application/json: {example: {ok: true}}}}
        default: {description: other, content: {application/json: {example: {ok: false}}}}
)");
  ServerProcess server({"--mock", spec});
  HttpClient client(server.port());
  client.set_timeout(std::chrono::seconds(3));

  HttpResponse errors = client.get("/errors-only");
  EXPECT_EQ(errors.status, 404) << "the first declared, not the lowest";
  EXPECT_EQ(errors.body, R"({"e":404})");
  EXPECT_EQ(client.get("/upgrade-or-error").status, 426) << "a 1xx is not an answer";
  HttpResponse upgrade = client.get("/upgrade-only");
  EXPECT_EQ(upgrade.status, 501) << upgrade.body;
  EXPECT_EQ(media_type_of(upgrade.header("content-type").value_or("")), "application/problem+json");
  for (const char* code : {"100", "101", "103", "199"}) {
    SCOPED_TRACE(code);
    HttpResponse r = client.get("/with-default", {{"Prefer", std::string("code=") + code}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("interim"), std::string::npos) << r.body;
  }
  HttpResponse teapot = client.get("/with-default", {{"Prefer", "code=418"}});
  EXPECT_EQ(teapot.status, 418) << "default answers any final code";
  EXPECT_EQ(teapot.body, R"({"ok":false})");
}

}  // namespace
}  // namespace apiserver::test
