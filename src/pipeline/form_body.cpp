// Form bodies read into JSON objects (see form_body.hpp).
#include "pipeline/form_body.hpp"

#include "http/uri.hpp"
#include "pipeline/parameters.hpp"
#include "text/utf8.hpp"

namespace apiserver::pipeline {

std::string member_pointer(const std::string& name) {
  std::string pointer = "/";
  for (char c : name) {
    if (c == '~')
      pointer += "~0";
    else if (c == '/')
      pointer += "~1";
    else
      pointer += c;
  }
  return pointer;
}

std::optional<Problem> parse_form_body(const std::string& text, const model::BodyMediaType& media,
                                       nlohmann::json& out, std::vector<FieldError>& errors) {
  http::QueryParams fields;
  if (!http::parse_query(text, fields))
    return Problem::make(ProblemCode::kMalformedBody,
                         "the form body has a malformed %-escape (application/"
                         "x-www-form-urlencoded)");
  // As for a JSON body, text that is not UTF-8 is malformed, not a field error (whose pointer
  // could not even name it).
  for (const auto& [name, value] : fields) {
    if (!text::is_valid_utf8(name) || !text::is_valid_utf8(value))
      return Problem::make(ProblemCode::kMalformedBody,
                           "the form body is not valid UTF-8 once its %-escapes are decoded");
  }
  out = nlohmann::json::object();
  for (const auto& [name, value] : fields) {
    auto declared = media.form_fields.find(name);
    if (declared == media.form_fields.end()) {
      if (!out.contains(name)) out[name] = value;  // undeclared: the schema judges it
      continue;
    }
    const model::FormField& field = declared->second;
    if (field.shape == model::ValueShape::kArray) {
      nlohmann::json& items = out[name];
      if (!items.is_array()) items = nlohmann::json::array();
      if (field.explode) {
        items.push_back(coerce_text(value, field.item_shape));
      } else {
        for (const std::string& item : split_list(value, field.separator))
          items.push_back(coerce_text(item, field.item_shape));
      }
      continue;
    }
    if (out.contains(name)) {
      errors.push_back({ErrorSource::kBody, "", member_pointer(name),
                        "is given more than once; it takes one value"});
      continue;
    }
    out[name] = coerce_text(value, field.shape);
  }
  return std::nullopt;
}

}  // namespace apiserver::pipeline
