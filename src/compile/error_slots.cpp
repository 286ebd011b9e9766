// Finds the members of a declared error schema that carry the problem (see error_slots.hpp).
#include "compile/error_slots.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "mock/generator.hpp"
#include "spec/json_pointer.hpp"
#include "spec/schema_facts.hpp"

namespace apiserver::compile {
namespace {

using model::ErrorField;
using model::ErrorSlot;
using spec::Document;
using spec::NodeRef;

constexpr int kMaxDepth = 4;  // error.details[].source.pointer is deep enough

// "error_message", "errorMessage", "Error-Message" -> "errormessage".
std::string folded(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

const std::map<std::string, ErrorField> kProblemMembers = {
    {"message", ErrorField::kMessage},
    {"msg", ErrorField::kMessage},
    {"detail", ErrorField::kMessage},
    {"details", ErrorField::kMessage},
    {"description", ErrorField::kMessage},
    {"errormessage", ErrorField::kMessage},
    {"errordescription", ErrorField::kMessage},
    {"errordetail", ErrorField::kMessage},
    {"title", ErrorField::kTitle},
    {"error", ErrorField::kTitle},
    {"reason", ErrorField::kTitle},
    {"statustext", ErrorField::kTitle},
    {"type", ErrorField::kType},
    {"errortype", ErrorField::kType},
    {"code", ErrorField::kCode},
    {"errorcode", ErrorField::kCode},
    {"status", ErrorField::kStatus},
    {"statuscode", ErrorField::kStatus},
    {"httpstatus", ErrorField::kStatus},
    {"httpcode", ErrorField::kStatus},
    {"instance", ErrorField::kInstance},
    {"path", ErrorField::kInstance},
    {"uri", ErrorField::kInstance},
    {"url", ErrorField::kInstance},
    {"timestamp", ErrorField::kTimestamp},
    {"time", ErrorField::kTimestamp},
    {"datetime", ErrorField::kTimestamp},
};

// Members of one field error in a list.
const std::map<std::string, ErrorField> kItemMembers = {
    {"name", ErrorField::kErrorName},
    {"field", ErrorField::kErrorName},
    {"fieldname", ErrorField::kErrorName},
    {"param", ErrorField::kErrorName},
    {"parameter", ErrorField::kErrorName},
    {"property", ErrorField::kErrorName},
    {"propertyname", ErrorField::kErrorName},
    {"attribute", ErrorField::kErrorName},
    {"pointer", ErrorField::kErrorPointer},
    {"jsonpointer", ErrorField::kErrorPointer},
    {"path", ErrorField::kErrorPointer},
    {"propertypath", ErrorField::kErrorPointer},
    {"message", ErrorField::kErrorDetail},
    {"msg", ErrorField::kErrorDetail},
    {"detail", ErrorField::kErrorDetail},
    {"details", ErrorField::kErrorDetail},
    {"description", ErrorField::kErrorDetail},
    {"reason", ErrorField::kErrorDetail},
    {"error", ErrorField::kErrorDetail},
    {"errormessage", ErrorField::kErrorDetail},
    {"defaultmessage", ErrorField::kErrorDetail},
    {"in", ErrorField::kErrorIn},
    {"location", ErrorField::kErrorIn},
    {"source", ErrorField::kErrorIn},
    {"title", ErrorField::kTitle},
    {"code", ErrorField::kCode},
    {"status", ErrorField::kStatus},
};

bool is_list_name(const std::string& name) {
  static const char* const kNames[] = {"errors",      "details",       "violations",
                                       "fielderrors", "invalidparams", "validationerrors",
                                       "issues",      "suberrors",     "causes"};
  return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

std::string single_type(const spec::SchemaFacts& facts) {
  if (facts.types.size() == 1) return facts.types.front();
  if (facts.types.size() == 2 &&
      std::find(facts.types.begin(), facts.types.end(), "integer") != facts.types.end() &&
      std::find(facts.types.begin(), facts.types.end(), "number") != facts.types.end())
    return "number";
  return "";
}

bool has(const NodeRef& schema, const char* keyword) {
  return schema.valid() && schema.node->is_object() && schema.node->contains(keyword);
}

size_t size_keyword(const NodeRef& schema, const char* keyword, size_t otherwise) {
  if (!has(schema, keyword)) return otherwise;
  const spec::Json& value = (*schema.node)[keyword];
  if (!value.is_number() || value.get<double>() < 0) return otherwise;
  return static_cast<size_t>(value.get<double>());
}

// A string member for `field`, unless its schema constrains it beyond what a message holds.
std::optional<ErrorSlot> string_slot(const NodeRef& resolved, ErrorField field, std::string& why) {
  for (const char* keyword : {"enum", "const", "pattern"}) {
    if (has(resolved, keyword)) {
      why = std::string("the member has '") + keyword + "'";
      return std::nullopt;
    }
  }
  if (has(resolved, "format")) {
    const spec::Json& format = (*resolved.node)["format"];
    std::string name = format.is_string() ? format.get<std::string>() : "";
    bool fits = (field == ErrorField::kTimestamp && name == "date-time") ||
                (field == ErrorField::kType && (name == "uri" || name == "uri-reference")) ||
                (field == ErrorField::kInstance && name == "uri-reference");
    if (!fits) {
      why = "the member has format '" + name + "'";
      return std::nullopt;
    }
  }
  ErrorSlot slot;
  slot.field = field;
  slot.min_length = size_keyword(resolved, "minLength", 0);
  slot.max_length = size_keyword(resolved, "maxLength", slot.max_length);
  return slot;
}

std::optional<ErrorSlot> number_slot(const NodeRef& resolved, std::string& why) {
  for (const char* keyword :
       {"enum", "const", "multipleOf", "exclusiveMinimum", "exclusiveMaximum"}) {
    if (has(resolved, keyword)) {
      why = std::string("the member has '") + keyword + "'";
      return std::nullopt;
    }
  }
  ErrorSlot slot;
  slot.field = ErrorField::kStatus;
  slot.number = true;
  if (has(resolved, "minimum") && (*resolved.node)["minimum"].is_number())
    slot.minimum = (*resolved.node)["minimum"].get<double>();
  if (has(resolved, "maximum") && (*resolved.node)["maximum"].is_number())
    slot.maximum = (*resolved.node)["maximum"].get<double>();
  return slot;
}

void find_slots(const Document& document, const NodeRef& schema, const std::string& pointer,
                bool in_item, int depth, std::vector<ErrorSlot>& out);

// A list of field errors at an array member.
std::optional<ErrorSlot> array_list_slot(const Document& document, const spec::SchemaFacts& facts,
                                         std::string& why) {
  NodeRef items = Document::child(facts.resolved, "items");
  spec::SchemaFacts item_facts = spec::schema_facts(document, items);
  ErrorSlot slot;
  slot.field = ErrorField::kFieldErrors;
  slot.max_items = size_keyword(facts.resolved, "maxItems", slot.max_items);
  std::string type = single_type(item_facts);
  if (type == "string") {
    if (!string_slot(item_facts.resolved, ErrorField::kErrorDetail, why)) return std::nullopt;
    slot.list = model::ListStyle::kStrings;
    return slot;
  }
  if (type != "object") {
    why = "its items are neither strings nor objects";
    return std::nullopt;
  }
  mock::GenerateOptions options;
  options.seed = 1;
  std::optional<spec::Json> item = mock::generate(document, items, options, &why);
  if (!item) return std::nullopt;
  slot.list = model::ListStyle::kObjects;
  slot.item_template = std::move(*item);
  find_slots(document, items, "", true, 0, slot.item_slots);
  return slot;
}

// A list of field errors at an object member: Conduit's {body: [string]} (every message in
// its first array of strings), or an object of arrays of strings by field.
std::optional<ErrorSlot> object_list_slot(const Document& document, const NodeRef& schema,
                                          const std::string& pointer, std::string& why) {
  std::vector<spec::ObjectProperty> properties;
  spec::object_properties(document, schema, properties);
  for (const spec::ObjectProperty& property : properties) {
    if (single_type(property.facts) != "array") continue;
    std::optional<ErrorSlot> list = array_list_slot(document, property.facts, why);
    if (!list || list->list != model::ListStyle::kStrings) continue;
    list->pointer = spec::append_pointer(pointer, property.name);
    return list;
  }
  spec::SchemaFacts facts = spec::schema_facts(document, schema);
  NodeRef additional = Document::child(facts.resolved, "additionalProperties");
  if (additional.valid() && additional.node->is_object()) {
    spec::SchemaFacts by_field = spec::schema_facts(document, additional);
    if (single_type(by_field) == "array") {
      std::optional<ErrorSlot> list = array_list_slot(document, by_field, why);
      if (list && list->list == model::ListStyle::kStrings) {
        list->list = model::ListStyle::kStringsByField;
        list->pointer = pointer;
        return list;
      }
    }
  }
  why = "no array of strings to hold the messages";
  return std::nullopt;
}

void find_slots(const Document& document, const NodeRef& schema, const std::string& pointer,
                bool in_item, int depth, std::vector<ErrorSlot>& out) {
  if (depth > kMaxDepth) return;
  std::vector<spec::ObjectProperty> properties;
  if (!spec::object_properties(document, schema, properties)) return;
  const auto& names = in_item ? kItemMembers : kProblemMembers;
  for (const spec::ObjectProperty& property : properties) {
    const std::string name = folded(property.name);
    const std::string at = spec::append_pointer(pointer, property.name);
    const std::string type = single_type(property.facts);
    std::string why;
    std::optional<ErrorSlot> slot;
    if (type == "array" && !in_item && is_list_name(name)) {
      slot = array_list_slot(document, property.facts, why);
    } else if (type == "object" && !in_item && is_list_name(name)) {
      slot = object_list_slot(document, property.schema, at, why);
      if (slot) {
        out.push_back(std::move(*slot));
        continue;
      }
      find_slots(document, property.schema, at, in_item, depth + 1, out);
    } else if (type == "object") {
      // error: {...} nests the problem; a field error's source: {pointer, parameter} its place.
      find_slots(document, property.schema, at, in_item, depth + 1, out);
    } else if (auto field = names.find(name); field != names.end()) {
      if (type == "string") slot = string_slot(property.facts.resolved, field->second, why);
      if ((type == "integer" || type == "number") && field->second == ErrorField::kStatus)
        slot = number_slot(property.facts.resolved, why);
      if ((type == "integer" || type == "number") && field->second == ErrorField::kCode)
        slot = number_slot(property.facts.resolved, why);  // Google's {code: 400}
    }
    if (!slot) continue;
    slot->pointer = at;
    out.push_back(std::move(*slot));
  }
}

}  // namespace

void find_error_slots(const Document& document, const NodeRef& schema,
                      std::vector<ErrorSlot>& out) {
  find_slots(document, schema, "", false, 0, out);
}

std::optional<ErrorSlot> error_slot_at(const Document& document, const NodeRef& schema,
                                       const std::string& pointer, ErrorField field,
                                       std::string& why) {
  std::optional<std::vector<std::string>> tokens = spec::split_pointer(pointer);
  if (!tokens || tokens->empty()) {
    why = "'" + pointer + "' is not a member's JSON pointer";
    return std::nullopt;
  }
  NodeRef at = schema;
  for (const std::string& token : *tokens) {
    std::vector<spec::ObjectProperty> properties;
    spec::object_properties(document, at, properties);
    auto found = std::find_if(properties.begin(), properties.end(),
                              [&](const spec::ObjectProperty& p) { return p.name == token; });
    if (found == properties.end()) {
      why = "the declared schema has no member '" + pointer + "'";
      return std::nullopt;
    }
    at = found->schema;
  }
  spec::SchemaFacts facts = spec::schema_facts(document, at);
  const std::string type = single_type(facts);
  std::optional<ErrorSlot> slot;
  if (field == ErrorField::kFieldErrors) {
    if (type == "array") slot = array_list_slot(document, facts, why);
    if (type == "object") slot = object_list_slot(document, at, pointer, why);
    if (type != "array" && type != "object") why = "a list of field errors needs an array";
    if (slot && slot->pointer.empty()) slot->pointer = pointer;
    return slot;
  }
  if (type == "string") {
    slot = string_slot(facts.resolved, field, why);
  } else if ((type == "integer" || type == "number") && field == ErrorField::kStatus) {
    slot = number_slot(facts.resolved, why);
  } else {
    why = "the member at '" + pointer + "' is not a string" +
          (field == ErrorField::kStatus ? " or a number" : "");
  }
  if (slot) slot->pointer = pointer;
  return slot;
}

}  // namespace apiserver::compile
