#include "compile/operation_compiler.hpp"

#include <algorithm>
#include <set>

#include "spec/schema_facts.hpp"
#include "spec/values.hpp"
#include "text/header_values.hpp"
#include "text/media_type.hpp"

namespace apiserver::compile {

using spec::object_properties;
using spec::ObjectProperty;
using spec::schema_facts;
using spec::SchemaFacts;
using validate::Direction;
using validate::to_plain_json;
namespace {

using model::ParamLocation;
using model::ParamStyle;
using spec::Diagnostic;
using spec::Document;
using spec::NodeRef;

const std::set<std::string> kOperationExtensions = {"x-apiserver-crud",
                                                    "x-apiserver-error",
                                                    "x-apiserver-mock",
                                                    "x-apiserver-rate-limit",
                                                    "x-apiserver-response-validation",
                                                    "x-apiserver-upstream"};

void report(spec::Diagnostics& diagnostics, const Document& document, const NodeRef& at,
            const std::string& message,
            Diagnostic::Severity severity = Diagnostic::Severity::kError) {
  diagnostics.add(document.at(at, severity, message));
}

// A warning for a check the document asks for that this server does not make.
void report_not_enforced(spec::Diagnostics& diagnostics, const Document& document,
                         const NodeRef& at, const std::string& message) {
  Diagnostic warning = document.at(at, Diagnostic::Severity::kWarning, message);
  warning.not_enforced = true;
  diagnostics.add(std::move(warning));
}

std::optional<ParamLocation> parse_location(const std::string& in) {
  if (in == "path") return ParamLocation::kPath;
  if (in == "query") return ParamLocation::kQuery;
  if (in == "header") return ParamLocation::kHeader;
  if (in == "cookie") return ParamLocation::kCookie;
  return std::nullopt;
}

std::optional<ParamStyle> parse_style(const std::string& style) {
  if (style == "form") return ParamStyle::kForm;
  if (style == "simple") return ParamStyle::kSimple;
  if (style == "spaceDelimited") return ParamStyle::kSpaceDelimited;
  if (style == "pipeDelimited") return ParamStyle::kPipeDelimited;
  if (style == "deepObject") return ParamStyle::kDeepObject;
  return std::nullopt;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Returns false when the parameter is to be skipped (reported already).
bool compile_parameter(const Document& document, SchemaCache& schemas, const NodeRef& node,
                       model::Parameter& out, spec::Diagnostics& diagnostics) {
  const spec::Json& p = *node.node;
  if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("in") ||
      !p["in"].is_string()) {
    report(diagnostics, document, node, "a parameter needs a string 'name' and 'in'");
    return false;
  }
  auto location = parse_location(p["in"].get<std::string>());
  if (!location) {
    report(diagnostics, document, Document::child(node, "in"),
           "'in' must be path, query, header or cookie");
    return false;
  }
  out.in = *location;
  out.name = p["name"].get<std::string>();
  if (out.in == ParamLocation::kHeader) {
    out.name = lower(out.name);
    // OpenAPI: these header parameters "SHALL be ignored"; HTTP itself defines them.
    if (out.name == "accept" || out.name == "content-type" || out.name == "authorization")
      return false;
  }
  out.required = spec::bool_field(p, "required");
  if (out.in == ParamLocation::kPath && !out.required) {
    report(diagnostics, document, node,
           "path parameter '" + out.name + "' must have 'required: true'; treating it as required",
           Diagnostic::Severity::kWarning);
    out.required = true;
  }
  bool default_form = out.in == ParamLocation::kQuery || out.in == ParamLocation::kCookie;
  out.style = default_form ? ParamStyle::kForm : ParamStyle::kSimple;
  if (auto style = p.find("style"); style != p.end()) {
    auto parsed = style->is_string() ? parse_style(style->get<std::string>()) : std::nullopt;
    if (!parsed) {
      report(diagnostics, document, Document::child(node, "style"),
             "style '" + style->dump() +
                 "' is not supported (form, simple, spaceDelimited, "
                 "pipeDelimited, deepObject are)");
      return false;
    }
    out.style = *parsed;
  }
  out.explode = spec::bool_field(p, "explode", out.style == ParamStyle::kForm);

  NodeRef schema = Document::child(node, "schema");
  if (!schema.valid()) {
    NodeRef content = Document::child(node, "content");
    if (content.valid() && content.node->is_object() && content.node->size() == 1) {
      const std::string media = text::normalize_media_type(content.node->begin().key());
      if (text::is_json_media_type(media)) {
        out.json_encoded = true;
        schema = Document::child(Document::child(content, content.node->begin().key()), "schema");
      } else {
        report_not_enforced(diagnostics, document, content,
                            "parameter content '" + media + "' is not checked; only JSON is");
      }
    }
  }
  if (schema.valid()) {
    SchemaFacts facts = schema_facts(document, schema);
    out.shape = out.json_encoded ? model::ValueShape::kAny : value_shape(facts);
    if (out.shape == model::ValueShape::kArray && facts.resolved.valid()) {
      NodeRef items = Document::child(facts.resolved, "items");
      out.item_shape =
          items.valid() ? value_shape(schema_facts(document, items)) : model::ValueShape::kString;
    }
    if (out.shape == model::ValueShape::kObject) {
      std::vector<ObjectProperty> properties;
      object_properties(document, schema, properties);
      for (const ObjectProperty& property : properties)
        out.property_shapes[property.name] = value_shape(property.facts);
    }
    if (facts.default_value) out.default_value = to_plain_json(*facts.default_value);
    out.schema = schemas.get(schema, Direction::kRequest);
  }
  // What no style can carry is read as strings and not validated, and validate says so.
  auto take_as_strings = [&](model::ValueShape& shape, const std::string& why) {
    report_not_enforced(diagnostics, document, node, why);
    shape = model::ValueShape::kString;
    out.schema = nullptr;
  };
  if (out.shape == model::ValueShape::kObject && out.style != ParamStyle::kDeepObject &&
      !out.json_encoded)
    take_as_strings(out.shape, "object parameter '" + out.name +
                                   "' is only supported with style: deepObject; "
                                   "its value is taken as a string");
  // No style serializes a list of objects (Box's `mdfilters`): its items would be read as
  // strings and never match their schema, refusing every value the client could send.
  if (out.shape == model::ValueShape::kArray && out.item_shape == model::ValueShape::kObject &&
      !out.json_encoded)
    take_as_strings(out.item_shape, "array parameter '" + out.name +
                                        "' has object items, which no parameter style "
                                        "serializes; its items are taken as strings");
  return true;
}

void add_parameters(const Document& document, SchemaCache& schemas, const NodeRef& list,
                    std::vector<model::Parameter>& params, spec::Diagnostics& diagnostics) {
  if (!list.valid()) return;
  if (!list.node->is_array()) {
    report(diagnostics, document, list, "'parameters' must be a list");
    return;
  }
  for (size_t i = 0; i < list.node->size(); ++i) {
    NodeRef node = document.follow(Document::item(list, i), diagnostics);
    if (!node.valid()) continue;
    model::Parameter param;
    if (!compile_parameter(document, schemas, node, param, diagnostics)) continue;
    // An operation's parameter overrides the path item's one of the same name and location.
    auto same = std::find_if(params.begin(), params.end(), [&](const model::Parameter& p) {
      return p.name == param.name && p.in == param.in;
    });
    if (same != params.end()) {
      *same = std::move(param);
    } else {
      params.push_back(std::move(param));
    }
  }
}

// The fields of a form body whose schema describes an object, with their OpenAPI `encoding`
// (style form, spaceDelimited or pipeDelimited; explode). False when the schema is not an
// object with properties: the body is then accepted unread, as before.
bool compile_form_fields(const Document& document, const NodeRef& schema, const NodeRef& encoding,
                         std::map<std::string, model::FormField>& fields,
                         spec::Diagnostics& diagnostics) {
  std::vector<ObjectProperty> properties;
  if (!object_properties(document, schema, properties)) return false;
  for (const ObjectProperty& property : properties) {
    model::FormField field;
    field.shape = value_shape(property.facts);
    NodeRef value_schema = property.facts.resolved;
    if (field.shape == model::ValueShape::kArray && property.facts.resolved.valid()) {
      NodeRef items = Document::child(property.facts.resolved, "items");
      field.item_shape =
          items.valid() ? value_shape(schema_facts(document, items)) : model::ValueShape::kString;
      value_schema = items.valid() ? schema_facts(document, items).resolved : NodeRef();
    }
    NodeRef how = Document::child(encoding, property.name);
    if (value_schema.valid() && value_schema.node->is_object()) {
      const spec::Json& s = *value_schema.node;
      field.is_file = spec::string_field(s, "format") == "binary" ||
                      s.contains("contentMediaType") || s.contains("contentEncoding");
      auto max = s.find("maxLength");
      if (field.is_file && max != s.end() && max->is_number_integer() && max->get<long long>() > 0)
        field.max_bytes = max->get<size_t>();
    }
    if (how.valid() && how.node->is_object()) {
      for (const std::string& type :
           text::split_unquoted(spec::string_field(*how.node, "contentType"), ',')) {
        std::string trimmed = text::trim_blanks(type);
        if (!trimmed.empty()) field.content_types.push_back(text::normalize_media_type(trimmed));
      }
    }
    if (how.valid() && how.node->is_object()) {
      const std::string style = spec::string_field(*how.node, "style");
      field.explode = spec::bool_field(*how.node, "explode", style.empty() || style == "form");
      if (style == "spaceDelimited")
        field.separator = ' ';
      else if (style == "pipeDelimited")
        field.separator = '|';
      else if (!style.empty() && style != "form")
        report(diagnostics, document, Document::child(how, "style"),
               "form field style '" + style +
                   "' is not supported; form, spaceDelimited and pipeDelimited are");
    }
    fields[property.name] = field;
  }
  return true;
}

std::optional<model::RequestBody> compile_body(const Document& document, SchemaCache& schemas,
                                               const NodeRef& node,
                                               spec::Diagnostics& diagnostics) {
  NodeRef body = document.follow(node, diagnostics);
  if (!body.valid()) return std::nullopt;
  model::RequestBody out;
  out.required = spec::bool_field(*body.node, "required");
  NodeRef content = Document::child(body, "content");
  if (!content.valid() || !content.node->is_object() || content.node->empty()) {
    report(diagnostics, document, body,
           "a request body needs at least one media type in 'content'");
    return std::nullopt;
  }
  for (const auto& [media, value] : content.node->items()) {
    model::BodyMediaType type;
    type.media_type = text::normalize_media_type(media);
    type.is_json = text::is_json_media_type(type.media_type);
    NodeRef media_node = Document::child(content, media);
    NodeRef schema = Document::child(media_node, "schema");
    if (type.is_json && schema.valid()) type.schema = schemas.get(schema, Direction::kRequest);
    if (type.media_type == "application/x-www-form-urlencoded" && schema.valid() &&
        compile_form_fields(document, schema, Document::child(media_node, "encoding"),
                            type.form_fields, diagnostics)) {
      type.is_form = true;
      type.schema = schemas.get(schema, Direction::kRequest);
    }
    if (type.media_type == "multipart/form-data" && schema.valid() &&
        compile_form_fields(document, schema, Document::child(media_node, "encoding"),
                            type.form_fields, diagnostics)) {
      type.is_multipart = true;
      for (const auto& [name, field] : type.form_fields) type.has_file_fields |= field.is_file;
      type.schema = schemas.get(schema, Direction::kRequest);
    }
    out.media_types.push_back(std::move(type));
  }
  return out;
}

void collect_responses(const NodeRef& responses, const Document& document, model::Operation& op,
                       spec::Diagnostics& diagnostics) {
  if (!responses.valid() || !responses.node->is_object()) return;
  bool found_success = false;
  for (const auto& [code, value] : responses.node->items()) {
    bool success = code.size() == 3 && code[0] == '2';
    if (!success && code != "2XX") continue;
    op.declares_no_content |= code == "204" || code == "2XX";
    if (!found_success && success && std::isdigit(static_cast<unsigned char>(code[1])) &&
        std::isdigit(static_cast<unsigned char>(code[2]))) {
      op.success_status = std::stoi(code);
      found_success = true;
    }
    NodeRef response = document.follow(Document::child(responses, code), diagnostics);
    NodeRef content = Document::child(response, "content");
    if (!content.valid() || !content.node->is_object()) continue;
    for (const auto& [media, ignored] : content.node->items()) {
      std::string normalized = text::normalize_media_type(media);
      if (std::find(op.response_media_types.begin(), op.response_media_types.end(), normalized) ==
          op.response_media_types.end())
        op.response_media_types.push_back(normalized);
    }
  }
}

}  // namespace

model::ValueShape value_shape(const spec::SchemaFacts& facts) {
  using model::ValueShape;
  if (facts.types.size() != 1) {
    // integer + number is still a number.
    if (facts.types.size() == 2 && ((facts.types[0] == "integer" && facts.types[1] == "number") ||
                                    (facts.types[0] == "number" && facts.types[1] == "integer")))
      return ValueShape::kNumber;
    return ValueShape::kAny;
  }
  const std::string& t = facts.types[0];
  if (t == "string") return ValueShape::kString;
  if (t == "integer") return ValueShape::kInteger;
  if (t == "number") return ValueShape::kNumber;
  if (t == "boolean") return ValueShape::kBoolean;
  if (t == "array") return ValueShape::kArray;
  if (t == "object") return ValueShape::kObject;
  return ValueShape::kAny;
}

model::Operation compile_operation(const Document& document, SchemaCache& schemas,
                                   const std::string& method, const std::string& path_template,
                                   const std::vector<std::string>& template_params,
                                   const NodeRef& path_item, const NodeRef& operation_node,
                                   spec::Diagnostics& diagnostics) {
  model::Operation op;
  op.method = method;
  op.path_template = path_template;
  op.node = operation_node;
  const spec::Json& o = *operation_node.node;
  if (!o.is_object()) {
    report(diagnostics, document, operation_node, "an operation must be a mapping");
    return op;
  }
  op.operation_id = spec::string_field(o, "operationId");
  op.summary = spec::string_field(o, "summary");
  for (const auto& [key, value] : o.items()) {
    if (key.rfind("x-apiserver", 0) == 0 && !kOperationExtensions.count(key))
      report(diagnostics, document, Document::child(operation_node, key),
             "unknown extension '" + key +
                 "' (operations know: x-apiserver-crud, x-apiserver-error, x-apiserver-mock, "
                 "x-apiserver-rate-limit, x-apiserver-response-validation, "
                 "x-apiserver-upstream)");
  }

  add_parameters(document, schemas, Document::child(path_item, "parameters"), op.parameters,
                 diagnostics);
  add_parameters(document, schemas, Document::child(operation_node, "parameters"), op.parameters,
                 diagnostics);
  for (const std::string& name : template_params) {
    bool declared = std::any_of(op.parameters.begin(), op.parameters.end(), [&](const auto& p) {
      return p.in == ParamLocation::kPath && p.name == name;
    });
    if (declared) continue;
    // The specification says a template parameter MUST be declared: served as a string, but
    // `validate` fails on it.
    Diagnostic undeclared = document.at(operation_node, Diagnostic::Severity::kWarning,
                                        "path parameter '" + name + "' of " + path_template +
                                            " is not declared; it is accepted as a string");
    undeclared.breaks_specification = true;
    diagnostics.add(std::move(undeclared));
    model::Parameter implicit;
    implicit.name = name;
    implicit.in = ParamLocation::kPath;
    implicit.required = true;
    implicit.style = ParamStyle::kSimple;
    implicit.explode = false;
    op.parameters.push_back(std::move(implicit));
  }
  for (const model::Parameter& p : op.parameters) {
    if (p.in == ParamLocation::kPath &&
        std::find(template_params.begin(), template_params.end(), p.name) == template_params.end())
      report(diagnostics, document, operation_node,
             "path parameter '" + p.name + "' does not appear in " + path_template,
             Diagnostic::Severity::kWarning);
  }

  if (NodeRef body = Document::child(operation_node, "requestBody"); body.valid())
    op.body = compile_body(document, schemas, body, diagnostics);
  collect_responses(Document::child(operation_node, "responses"), document, op, diagnostics);
  return op;
}

}  // namespace apiserver::compile
