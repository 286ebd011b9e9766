#include "spec/field_types.hpp"

#include <initializer_list>

namespace apiserver::spec {
namespace {

enum class Expected {
  kBoolean,
  kString,
  kCount,  // a non-negative integer (2.0 counts too, as draft 6 allows)
  kNumber,
  kPositiveNumber,   // multipleOf
  kNumberOrBoolean,  // exclusiveMinimum/Maximum: a boolean in 3.0, a number in 3.1
  kStringList,       // a list of strings
  kObject,
  kList,
  kServers,  // a list of Server Objects, each with a string `url`
};

struct Field {
  const char* key;
  Expected expected;
};

bool is_count(const Json& v) {
  if (v.is_number_unsigned()) return true;
  if (v.is_number_integer()) return v.get<long long>() >= 0;
  if (!v.is_number_float()) return false;
  const double d = v.get<double>();
  return d >= 0 && d <= 9.0e15 && d == static_cast<double>(static_cast<long long>(d));
}

bool is_string_list(const Json& v) {
  if (!v.is_array()) return false;
  for (const Json& item : v)
    if (!item.is_string()) return false;
  return true;
}

bool matches(const Json& v, Expected expected) {
  switch (expected) {
    case Expected::kBoolean:
      return v.is_boolean();
    case Expected::kString:
      return v.is_string();
    case Expected::kCount:
      return is_count(v);
    case Expected::kNumber:
      return v.is_number();
    case Expected::kPositiveNumber:
      return v.is_number() && v.get<double>() > 0;
    case Expected::kNumberOrBoolean:
      return v.is_number() || v.is_boolean();
    case Expected::kStringList:
      return is_string_list(v);
    case Expected::kObject:
      return v.is_object();
    case Expected::kList:
    case Expected::kServers:
      return v.is_array();
  }
  return false;
}

const char* describe(Expected expected) {
  switch (expected) {
    case Expected::kBoolean:
      return "a boolean (true or false)";
    case Expected::kString:
      return "a string";
    case Expected::kCount:
      return "a non-negative integer";
    case Expected::kNumber:
      return "a number";
    case Expected::kPositiveNumber:
      return "a number greater than 0";
    case Expected::kNumberOrBoolean:
      return "a number (or, in OpenAPI 3.0, a boolean)";
    case Expected::kStringList:
      return "a list of strings";
    case Expected::kObject:
      return "a mapping";
    case Expected::kList:
    case Expected::kServers:
      return "a list";
  }
  return "";
}

const char* type_name(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_float()) return "a number";
  if (v.is_number()) return "an integer";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "a list";
  return "a mapping";
}

// The fields read by the loader, the compiler, the validators and the mock generator.
const std::initializer_list<Field> kRootFields = {
    {"servers", Expected::kServers}, {"security", Expected::kList}, {"tags", Expected::kList}};
const std::initializer_list<Field> kPathItemFields = {{"servers", Expected::kServers},
                                                      {"parameters", Expected::kList}};
const std::initializer_list<Field> kOperationFields = {
    {"operationId", Expected::kString}, {"summary", Expected::kString},
    {"description", Expected::kString}, {"deprecated", Expected::kBoolean},
    {"tags", Expected::kStringList},    {"security", Expected::kList},
    {"servers", Expected::kServers},    {"parameters", Expected::kList},
    {"responses", Expected::kObject}};
const std::initializer_list<Field> kParameterFields = {{"name", Expected::kString},
                                                       {"in", Expected::kString},
                                                       {"required", Expected::kBoolean},
                                                       {"deprecated", Expected::kBoolean},
                                                       {"allowEmptyValue", Expected::kBoolean},
                                                       {"style", Expected::kString},
                                                       {"explode", Expected::kBoolean},
                                                       {"allowReserved", Expected::kBoolean},
                                                       {"content", Expected::kObject}};
const std::initializer_list<Field> kRequestBodyFields = {{"required", Expected::kBoolean},
                                                         {"content", Expected::kObject}};
const std::initializer_list<Field> kMediaTypeFields = {{"encoding", Expected::kObject},
                                                       {"examples", Expected::kObject}};
const std::initializer_list<Field> kEncodingFields = {{"contentType", Expected::kString},
                                                      {"style", Expected::kString},
                                                      {"explode", Expected::kBoolean},
                                                      {"allowReserved", Expected::kBoolean},
                                                      {"headers", Expected::kObject}};
const std::initializer_list<Field> kSchemaFields = {
    {"readOnly", Expected::kBoolean},
    {"writeOnly", Expected::kBoolean},
    {"nullable", Expected::kBoolean},
    {"deprecated", Expected::kBoolean},
    {"uniqueItems", Expected::kBoolean},
    {"minLength", Expected::kCount},
    {"maxLength", Expected::kCount},
    {"minItems", Expected::kCount},
    {"maxItems", Expected::kCount},
    {"minProperties", Expected::kCount},
    {"maxProperties", Expected::kCount},
    {"minContains", Expected::kCount},
    {"maxContains", Expected::kCount},
    {"minimum", Expected::kNumber},
    {"maximum", Expected::kNumber},
    {"multipleOf", Expected::kPositiveNumber},
    {"exclusiveMinimum", Expected::kNumberOrBoolean},
    {"exclusiveMaximum", Expected::kNumberOrBoolean},
    {"format", Expected::kString},
    {"pattern", Expected::kString},
    {"title", Expected::kString},
    {"enum", Expected::kList},
    {"required", Expected::kStringList},
    {"properties", Expected::kObject},
    {"patternProperties", Expected::kObject},
    {"allOf", Expected::kList},
    {"anyOf", Expected::kList},
    {"oneOf", Expected::kList},
    {"discriminator", Expected::kObject}};

const std::initializer_list<Field> kSecuritySchemeFields = {
    {"type", Expected::kString},         {"in", Expected::kString},
    {"name", Expected::kString},         {"scheme", Expected::kString},
    {"bearerFormat", Expected::kString}, {"openIdConnectUrl", Expected::kString},
    {"flows", Expected::kObject}};

const std::initializer_list<Field>& fields_of(FieldOwner owner) {
  switch (owner) {
    case FieldOwner::kRoot:
      return kRootFields;
    case FieldOwner::kPathItem:
      return kPathItemFields;
    case FieldOwner::kOperation:
      return kOperationFields;
    case FieldOwner::kParameter:
      return kParameterFields;
    case FieldOwner::kRequestBody:
      return kRequestBodyFields;
    case FieldOwner::kMediaType:
      return kMediaTypeFields;
    case FieldOwner::kEncoding:
      return kEncodingFields;
    case FieldOwner::kSchema:
      return kSchemaFields;
    case FieldOwner::kSecurityScheme:
      return kSecuritySchemeFields;
  }
  return kRootFields;
}

void report(const Document& document, const NodeRef& at, const std::string& key, const Json& v,
            Expected expected, Diagnostics& diagnostics) {
  diagnostics.add(
      document.at(at, Diagnostic::Severity::kError,
                  "'" + key + "' must be " + describe(expected) + ", not " + type_name(v)));
}

// Each Server Object of a `servers` list must be a mapping with a string `url`.
void check_servers(const Document& document, const NodeRef& servers, Diagnostics& diagnostics) {
  for (size_t i = 0; i < servers.node->size(); ++i) {
    NodeRef server = Document::item(servers, i);
    if (!server.node->is_object()) {
      diagnostics.add(document.at(server, Diagnostic::Severity::kError,
                                  "a server must be a mapping with a 'url'"));
      continue;
    }
    NodeRef url = Document::child(server, "url");
    if (url.valid() && !url.node->is_string())
      report(document, url, "url", *url.node, Expected::kString, diagnostics);
  }
}

}  // namespace

void check_field_types(const Document& document, const NodeRef& object, FieldOwner owner,
                       Diagnostics& diagnostics) {
  if (!object.valid() || !object.node->is_object()) return;
  for (const Field& field : fields_of(owner)) {
    auto it = object.node->find(field.key);
    if (it == object.node->end()) continue;
    NodeRef value = Document::child(object, field.key);
    if (!value.valid()) continue;  // a {$ref} that did not resolve: reported by the walk
    if (value.node->is_object() && value.node->contains("$ref")) continue;  // read as its target
    if (!matches(*value.node, field.expected)) {
      report(document, value, field.key, *value.node, field.expected, diagnostics);
    } else if (field.expected == Expected::kServers) {
      check_servers(document, value, diagnostics);
    }
  }
}

}  // namespace apiserver::spec
