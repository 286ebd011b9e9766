#include "mock/planner.hpp"

#include <algorithm>
#include <functional>

#include "mock/generator.hpp"
#include "mock/knobs.hpp"
#include "mock/schema_matcher.hpp"
#include "mock/unhonoured_keywords.hpp"
#include "text/media_type.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::mock {
namespace {

using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

// "200" -> 200, "4XX" -> 400, "default" -> 200 (until a Prefer picks another).
int status_of(const std::string& declared) {
  if (declared.size() == 3 && std::isdigit(static_cast<unsigned char>(declared[0]))) {
    if (std::isdigit(static_cast<unsigned char>(declared[1])) &&
        std::isdigit(static_cast<unsigned char>(declared[2])))
      return std::stoi(declared);
    if ((declared[1] == 'X' || declared[1] == 'x') && (declared[2] == 'X' || declared[2] == 'x'))
      return (declared[0] - '0') * 100;
  }
  return 200;
}

// Orders declared responses for the default pick: exact 2xx first (lowest),
// then 2XX, then default, then the rest in document order (equal ranks: the
// first wins), interim 1xx last since they cannot be an answer.
int preference_rank(const std::string& declared) {
  if (declared == "default") return 400;
  int status = status_of(declared);
  bool exact = declared.size() == 3 && std::isdigit(static_cast<unsigned char>(declared[2]));
  if (status >= 200 && status < 300) return exact ? status : 300;
  return status < 200 ? 2000 : 1000;
}

uint64_t seed_of(const std::string& text) {
  return std::hash<std::string>{}(text);
}

template <typename JsonValue>
std::string text_of(const JsonValue& value, bool is_json) {
  if (!is_json && value.is_string()) return value.template get<std::string>();
  return value.dump(-1, ' ', false, JsonValue::error_handler_t::replace);
}

std::string header_text(const spec::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) out += (out.empty() ? "" : ",") + header_text(item);
    return out;
  }
  if (value.is_object()) {  // simple style, explode false: k,v,k,v
    std::string out;
    for (const auto& [k, v] : value.items())
      out += (out.empty() ? "" : ",") + k + "," + header_text(v);
    return out;
  }
  return value.dump();
}

class Planner {
 public:
  Planner(const Document& document, const model::Api& api, spec::Diagnostics& diagnostics)
      : document_(document), api_(api), diagnostics_(diagnostics) {}

  std::optional<model::MockPlan> plan(const model::Operation& op) {
    model::MockPlan plan;
    plan.knobs = api_.settings.mock;
    if (NodeRef knobs = Document::child(op.node, "x-apiserver-mock"); knobs.valid())
      read_mock_knobs(document_, knobs, plan.knobs, diagnostics_);
    plan.seed = seed_of(op.method + " " + op.path_template);
    NodeRef responses = Document::child(op.node, "responses");
    if (responses.valid() && responses.node->is_object()) {
      for (const auto& [declared, ignored] : responses.node->items()) {
        if (declared.rfind("x-", 0) == 0) continue;
        NodeRef response = document_.follow(Document::child(responses, declared), diagnostics_);
        if (!response.valid()) continue;
        plan.responses.push_back(plan_response(op, declared, response, plan.seed));
      }
    }
    if (plan.responses.empty()) {
      // No declared response: answer 204, the least a client can expect.
      model::MockResponse none;
      none.declared = "204";
      none.status = 204;
      plan.responses.push_back(none);
    }
    plan.default_response = static_cast<size_t>(
        std::min_element(plan.responses.begin(), plan.responses.end(),
                         [](const auto& a, const auto& b) {
                           return preference_rank(a.declared) < preference_rank(b.declared);
                         }) -
        plan.responses.begin());
    return plan;
  }

 private:
  model::MockResponse plan_response(const model::Operation& op, const std::string& declared,
                                    const NodeRef& response, uint64_t seed) {
    model::MockResponse out;
    out.declared = declared;
    out.status = status_of(declared);
    std::string where = op.method + " " + op.path_template + " " + declared;
    NodeRef content = Document::child(response, "content");
    if (content.valid() && content.node->is_object()) {
      for (const auto& [media, ignored] : content.node->items()) {
        out.contents.push_back(plan_content(Document::child(content, media), media,
                                            seed_of(where + media) ^ seed, where));
      }
    }
    NodeRef headers = Document::child(response, "headers");
    if (headers.valid() && headers.node->is_object()) {
      for (const auto& [name, ignored] : headers.node->items()) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "content-type" || lower == "content-length") continue;
        NodeRef header = document_.follow(Document::child(headers, name), diagnostics_);
        NodeRef schema = Document::child(header, "schema");
        unhonoured_.report(schema);
        spec::Json value = "x";
        if (header.valid() && header.node->contains("example")) {
          value = (*header.node)["example"];
        } else if (schema.valid()) {
          GenerateOptions options;
          options.seed = seed_of(where + name);
          std::string why;
          auto generated = generate(document_, schema, options, &why);
          if (generated) {
            value = std::move(*generated);
          } else {
            diagnostics_.add(
                document_.at(schema, Diagnostic::Severity::kWarning,
                             "cannot generate header " + name + " for " + where + ": " + why));
          }
        }
        out.headers.push_back({name, header_text(value)});
      }
    }
    return out;
  }

  model::MockContent plan_content(const NodeRef& node, const std::string& media, uint64_t seed,
                                  const std::string& where) {
    model::MockContent out;
    out.media_type = text::normalize_media_type(media);
    // A range that admits JSON (*/*, application/*) is answered as JSON unless Accept narrows
    // it, so its bodies are planned as JSON text (strings quoted, unambiguous to unquote).
    out.is_json = text::is_json_media_type(out.media_type) || out.media_type == "*/*" ||
                  out.media_type == "application/*";
    out.schema = Document::child(node, "schema");
    unhonoured_.report(out.schema);
    // Examples are serialized from the document's own (ordered) nodes: a client gets the keys
    // back in the order the document wrote them.
    if (node.valid() && node.node->contains("example") &&
        fits_schema(Document::child(node, "example"), out, "the example", where))
      out.examples.push_back({"", body_text((*node.node)["example"], out.is_json)});
    NodeRef examples = Document::child(node, "examples");
    if (examples.valid() && examples.node->is_object()) {
      for (const auto& [name, ignored] : examples.node->items()) {
        NodeRef example = document_.follow(Document::child(examples, name), diagnostics_);
        if (!example.valid() || !example.node->is_object()) continue;
        if (example.node->contains("value")) {
          if (fits_schema(Document::child(example, "value"), out, "example '" + name + "'", where))
            out.examples.push_back({name, body_text((*example.node)["value"], out.is_json)});
        } else if (example.node->contains("externalValue")) {
          diagnostics_.add(document_.at(example, Diagnostic::Severity::kWarning,
                                        "example '" + name + "' of " + where +
                                            " has only an externalValue, which is not fetched"));
        }
      }
    }
    if (!out.examples.empty()) {
      out.default_body = out.examples.front().text;
      return out;
    }
    if (!out.schema.valid()) {
      out.default_body = out.is_json ? "{}" : "";
      return out;
    }
    GenerateOptions options;
    options.seed = seed;
    std::string why;
    auto generated = generate(document_, out.schema, options, &why);
    if (generated) {
      out.default_body = body_text(*generated, out.is_json);
    } else {
      diagnostics_.add(document_.at(out.schema, Diagnostic::Severity::kWarning,
                                    "cannot generate a " + out.media_type + " body for " + where +
                                        ": " + why + "; it answers null"));
      out.default_body = out.is_json ? "null" : "";
    }
    return out;
  }

  // Whether the JSON example at `value` is valid against the media type's schema. One that is
  // not is reported and never served: an answer must be in the shape the document declares,
  // even where the document's own example is not (it then answers a value built from the
  // schema, or its next example).
  bool fits_schema(const NodeRef& value, const model::MockContent& content, const std::string& what,
                   const std::string& where) {
    if (!content.is_json || !content.schema.valid() || !value.valid()) return true;
    matcher_.reset_budget();
    matcher_.clear_mismatch();
    if (matcher_.match(*value.node, content.schema)) return true;
    diagnostics_.add(document_.at(value, Diagnostic::Severity::kWarning,
                                  what + " of " + where + " does not match its schema (" +
                                      matcher_.mismatch() + "); it is not served"));
    return false;
  }

  const Document& document_;
  const model::Api& api_;
  spec::Diagnostics& diagnostics_;
  detail::SchemaMatcher matcher_{document_, Audience::kResponse};
  UnhonouredKeywords unhonoured_{document_, diagnostics_};
};

}  // namespace

std::string body_text(const nlohmann::json& value, bool is_json) {
  return text_of(value, is_json);
}

std::string body_text(const spec::Json& value, bool is_json) {
  return text_of(value, is_json);
}

void plan_mocks(const Document& document, model::Api& api, spec::Diagnostics& diagnostics) {
  Planner planner(document, api, diagnostics);
  for (auto& item : api.paths) {
    for (auto& op : item.operations) {
      if (!op.stored()) {
        op.mock = planner.plan(op);
      } else if (NodeRef knobs = Document::child(op.node, "x-apiserver-mock"); knobs.valid()) {
        // Not a mock now, but one under --mock: a bad knob is refused either way.
        model::MockKnobs unused;
        read_mock_knobs(document, knobs, unused, diagnostics);
      }
    }
  }
}

}  // namespace apiserver::mock
