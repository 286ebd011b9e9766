// Fills declared error responses with a problem (see declared_error_shaper.hpp).
#include "pipeline/declared_error_shaper.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <string_view>

#include "http/response.hpp"
#include "text/utf8.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::pipeline {
namespace {

using model::ErrorField;
using model::ErrorSlot;
using Json = nlohmann::ordered_json;

std::string utc_timestamp() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// "name: detail" for a list of strings: the parameter, else the body pointer, else the detail.
std::string field_error_text(const FieldError& error) {
  const std::string& where = !error.name.empty() ? error.name : error.pointer;
  if (where.empty()) return error.detail;
  return where + ": " + error.detail;
}

// The field errors to list: a validation failure's own, else one that carries the message.
std::vector<FieldError> listed_errors(const Problem& problem) {
  if (!problem.errors.empty()) return problem.errors;
  FieldError only;
  only.detail = problem.detail.empty() ? problem.title() : problem.detail;
  return {only};
}

// The problem's detail followed by its field errors, for a shape that has a message and no list
// to put them in: "1 error in the request: engine: must be one of ...".
std::string message_with_errors(const Problem& problem) {
  std::string message = problem.detail.empty() ? problem.title() : problem.detail;
  const char* separator = ": ";
  for (const FieldError& error : problem.errors) {
    message += separator + field_error_text(error);
    separator = "; ";
  }
  return message;
}

struct FillContext {
  const Problem& problem;
  const std::string& instance;
  int status;
  const FieldError* item = nullptr;   // the field error an item slot describes
  bool message_lists_errors = false;  // the shape has no list of field errors
};

std::string text_of(ErrorField field, const FillContext& c) {
  switch (field) {
    case ErrorField::kMessage:
      if (c.message_lists_errors) return message_with_errors(c.problem);
      return c.problem.detail.empty() ? c.problem.title() : c.problem.detail;
    case ErrorField::kTitle:
      return c.problem.title();
    case ErrorField::kType:
      return c.problem.type();
    case ErrorField::kCode:
      return c.problem.slug();
    case ErrorField::kStatus:
      return std::to_string(c.status);
    case ErrorField::kInstance:
      return c.instance;
    case ErrorField::kTimestamp:
      return utc_timestamp();
    case ErrorField::kErrorName:
      if (c.item == nullptr) return "";
      return !c.item->name.empty() ? c.item->name : c.item->pointer;
    case ErrorField::kErrorPointer:
      return c.item != nullptr ? c.item->pointer : "";
    case ErrorField::kErrorDetail:
      return c.item != nullptr ? c.item->detail : "";
    case ErrorField::kErrorIn:
      return c.item != nullptr ? to_string(c.item->source) : "";
    case ErrorField::kFieldErrors:
      break;
  }
  return "";
}

// `text` cut to at most `max` code points.
std::string cut(const std::string& text, size_t max) {
  size_t i = 0;
  size_t count = 0;
  char32_t ignored = 0;
  while (i < text.size() && count < max) {
    size_t before = i;
    if (!text::next_code_point(text, i, ignored)) i = before + 1;
    ++count;
  }
  return text.substr(0, i);
}

void fill(Json& target, const std::vector<ErrorSlot>& slots, const FillContext& c);

Json field_error_list(const ErrorSlot& slot, const FillContext& c) {
  std::vector<FieldError> errors = listed_errors(c.problem);
  if (errors.size() > slot.max_items) errors.resize(slot.max_items);
  if (slot.list == model::ListStyle::kStringsByField) {
    Json by_field = Json::object();
    for (const FieldError& e : errors) {
      std::string key = !e.name.empty() ? e.name : e.pointer.empty() ? "body" : e.pointer;
      by_field[key].push_back(e.detail);
    }
    return by_field;
  }
  Json list = Json::array();
  for (const FieldError& e : errors) {
    if (slot.list == model::ListStyle::kStrings) {
      list.push_back(field_error_text(e));
      continue;
    }
    Json item = slot.item_template;
    FillContext item_context{c.problem, c.instance, c.status, &e};
    fill(item, slot.item_slots, item_context);
    list.push_back(std::move(item));
  }
  return list;
}

void fill(Json& target, const std::vector<ErrorSlot>& slots, const FillContext& c) {
  for (const ErrorSlot& slot : slots) {
    Json::json_pointer pointer(slot.pointer);
    // The slot's parent is in the template (it was generated); an optional member may not be.
    if (!pointer.empty() && !target.contains(pointer.parent_pointer())) continue;
    if (slot.field == ErrorField::kFieldErrors) {
      target[pointer] = field_error_list(slot, c);
    } else if (slot.number) {
      double value = c.status;
      if (value >= slot.minimum && value <= slot.maximum) target[pointer] = c.status;
    } else {
      std::string value = text_of(slot.field, c);
      if (text::code_point_count(value) > slot.max_length) value = cut(value, slot.max_length);
      if (text::code_point_count(value) >= slot.min_length) target[pointer] = std::move(value);
    }
  }
}

}  // namespace

Json fill_error_template(const model::ErrorShape& shape, const Problem& problem,
                         const std::string& instance, int status) {
  Json body = shape.body_template;
  FillContext context{problem, instance, status};
  context.message_lists_errors = shape.message_lists_errors;
  fill(body, shape.slots, context);
  return body;
}

void DeclaredErrorShaper::shape(const Problem& problem, const std::string& instance,
                                ShapedError& out) const {
  const model::ErrorRoute& route = plan_.route(problem.code);
  if (route.status == 0) return;
  out.status = route.status;
  if (!route.shape) return;  // declared without content: problem+json with that status
  const model::ErrorShape& shape = *route.shape;
  std::string failure = shape.fallback_reason;
  if (failure.empty()) {
    switch (shape.kind) {
      case model::ErrorBodyKind::kProblem:
        out.content_type = shape.media_type;
        out.body = render_problem_json(problem, instance, out.status);
        return;
      case model::ErrorBodyKind::kText:
        out.content_type = shape.media_type;
        out.body = message_with_errors(problem);
        return;
      case model::ErrorBodyKind::kTemplate: {
        Json body = fill_error_template(shape, problem, instance, out.status);
        std::vector<FieldError> broken;
        if (shape.schema &&
            shape.schema->validate(validate::to_plain_json(body), ErrorSource::kBody, "", broken)) {
          out.content_type = shape.media_type;
          out.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
          return;
        }
        failure = broken.empty() ? "no schema to check it against"
                                 : "the filled body breaks the schema at '" +
                                       broken.front().pointer + "': " + broken.front().detail;
        break;
      }
    }
  }
  // Never an answer that breaks the document: the problem+json body, said once per response.
  if (!shape.fallback_logged.exchange(true))
    spdlog::warn(
        "the declared {} response ({}) cannot carry a {} problem, so problem+json is "
        "sent instead: {}",
        shape.declared, shape.media_type, problem.slug(), failure);
}

}  // namespace apiserver::pipeline
