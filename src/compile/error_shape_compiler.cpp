// Builds the body shape of a declared error response (see error_shape_compiler.hpp).
#include "compile/error_shape_compiler.hpp"

#include <algorithm>
#include <map>

#include "compile/error_slots.hpp"
#include "mock/generator.hpp"
#include "text/media_type.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::compile {
namespace {

using model::ErrorBodyKind;
using model::ErrorField;
using spec::Document;
using spec::NodeRef;

// What x-apiserver-error `fields` may name as a member's value.
const std::map<std::string, std::optional<ErrorField>> kFieldSources = {
    {"message", ErrorField::kMessage},    {"detail", ErrorField::kMessage},
    {"title", ErrorField::kTitle},        {"type", ErrorField::kType},
    {"code", ErrorField::kCode},          {"status", ErrorField::kStatus},
    {"instance", ErrorField::kInstance},  {"timestamp", ErrorField::kTimestamp},
    {"errors", ErrorField::kFieldErrors}, {"none", std::nullopt},
};

bool is_problem_json(const std::string& media) {
  return media.size() >= 12 && media.compare(media.size() - 12, 12, "problem+json") == 0;
}

// The declared media type an error answer is sent as: problem+json when declared, else the
// first JSON type, else text/plain, else the first one (answered as problem+json).
std::string pick_media_type(const spec::Json& content) {
  std::string json;
  std::string plain;
  for (const auto& [media, ignored] : content.items()) {
    std::string normalized = text::normalize_media_type(media);
    if (is_problem_json(normalized)) return media;
    if (json.empty() && text::is_json_media_type(normalized)) json = media;
    if (plain.empty() && normalized == "text/plain") plain = media;
  }
  if (!json.empty()) return json;
  if (!plain.empty()) return plain;
  return content.begin().key();
}

}  // namespace

std::shared_ptr<const model::ErrorShape> ErrorShapeCompiler::shape(const NodeRef& response,
                                                                   const std::string& key) {
  auto cache_key = std::make_pair(response.file, response.pointer);
  if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  std::shared_ptr<model::ErrorShape> built = build(response, key);
  cache_.emplace(cache_key, built);
  return built;
}

std::shared_ptr<model::ErrorShape> ErrorShapeCompiler::build(const NodeRef& response,
                                                             const std::string& key) {
  NodeRef content = Document::child(response, "content");
  if (!content.valid() || !content.node->is_object() || content.node->empty()) {
    if (Document::child(response, "x-apiserver-error").valid())
      diagnostics_.add(document_.at(Document::child(response, "x-apiserver-error"),
                                    spec::Diagnostic::Severity::kError,
                                    "x-apiserver-error 'fields' needs a response with content"));
    return nullptr;
  }
  auto shape = std::make_shared<model::ErrorShape>();
  shape->declared = key;
  const std::string media = pick_media_type(*content.node);
  shape->media_type = text::normalize_media_type(media);
  NodeRef schema = Document::child(Document::child(content, media), "schema");
  if (is_problem_json(shape->media_type)) {
    shape->kind = ErrorBodyKind::kProblem;
  } else if (text::is_json_media_type(shape->media_type)) {
    if (schema.valid()) {
      shape->kind = ErrorBodyKind::kTemplate;
      build_template(schema, *shape);
      apply_fields(response, schema, *shape);
      shape->message_lists_errors = std::none_of(
          shape->slots.begin(), shape->slots.end(),
          [](const model::ErrorSlot& s) { return s.field == model::ErrorField::kFieldErrors; });
    } else {
      shape->kind = ErrorBodyKind::kProblem;  // any JSON is valid: the problem's own
    }
  } else if (shape->media_type == "text/plain") {
    shape->kind = ErrorBodyKind::kText;
  } else {
    shape->fallback_reason = "only JSON and text/plain error bodies are written";
  }
  return shape;
}

void ErrorShapeCompiler::build_template(const NodeRef& schema, model::ErrorShape& shape) {
  shape.schema = schemas_.get(schema, validate::Direction::kResponse);
  if (!shape.schema) {
    shape.fallback_reason = "its schema cannot be compiled";
    return;
  }
  mock::GenerateOptions options;
  options.seed = 1;
  std::string why;
  std::optional<spec::Json> generated = mock::generate(document_, schema, options, &why);
  if (!generated) {
    shape.fallback_reason = "no value can be generated from its schema: " + why;
    return;
  }
  std::vector<FieldError> broken;
  if (!shape.schema->validate(validate::to_plain_json(*generated), ErrorSource::kBody, "",
                              broken)) {
    shape.fallback_reason = "the value generated from its schema does not validate";
    return;
  }
  shape.body_template = std::move(*generated);
  find_error_slots(document_, schema, shape.slots);
}

void ErrorShapeCompiler::apply_fields(const NodeRef& response, const NodeRef& schema,
                                      model::ErrorShape& shape) {
  NodeRef extension = Document::child(response, "x-apiserver-error");
  if (!extension.valid()) return;
  auto error = [&](const NodeRef& at, const std::string& message) {
    diagnostics_.add(document_.at(at, spec::Diagnostic::Severity::kError, message));
  };
  if (!extension.node->is_object()) {
    error(extension, "x-apiserver-error must be a mapping");
    return;
  }
  for (const auto& [member, ignored] : extension.node->items()) {
    if (member != "fields")
      error(Document::child(extension, member),
            "unknown member '" + member +
                "' of a response's x-apiserver-error (it knows: fields; status-for belongs on "
                "the operation)");
  }
  NodeRef fields = Document::child(extension, "fields");
  if (!fields.valid()) return;
  if (!fields.node->is_object()) {
    error(fields, "x-apiserver-error 'fields' must map members to problem fields");
    return;
  }
  for (const auto& [member, source] : fields.node->items()) {
    NodeRef at = Document::child(fields, member);
    auto known =
        source.is_string() ? kFieldSources.find(source.get<std::string>()) : kFieldSources.end();
    if (known == kFieldSources.end()) {
      error(at, "'" + source.dump() +
                    "' is no problem field (message, detail, title, type, code, status, instance, "
                    "timestamp, errors, none)");
      continue;
    }
    const std::string pointer = member.rfind('/', 0) == 0 ? member : "/" + member;
    // An explicit mapping replaces whatever was found automatically at that member.
    shape.slots.erase(
        std::remove_if(shape.slots.begin(), shape.slots.end(),
                       [&](const model::ErrorSlot& s) { return s.pointer == pointer; }),
        shape.slots.end());
    if (!known->second) continue;  // none: the generated value stays
    std::string why;
    std::optional<model::ErrorSlot> slot =
        error_slot_at(document_, schema, pointer, *known->second, why);
    if (!slot) {
      error(at, "x-apiserver-error cannot fill '" + member + "' with the " +
                    source.get<std::string>() + ": " + why);
      continue;
    }
    shape.slots.push_back(std::move(*slot));
  }
}

}  // namespace apiserver::compile
