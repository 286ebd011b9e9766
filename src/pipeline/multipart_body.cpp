// multipart/form-data bodies read into JSON objects (see multipart_body.hpp).
#include "pipeline/multipart_body.hpp"

#include <algorithm>
#include <string_view>

#include "pipeline/client_json.hpp"
#include "pipeline/form_body.hpp"
#include "pipeline/parameters.hpp"
#include "text/header_values.hpp"
#include "text/media_type.hpp"
#include "text/utf8.hpp"

namespace apiserver::pipeline {
namespace {

struct Part {
  std::string name;
  bool has_filename = false;
  std::string content_type;  // normalized; empty when not given
  std::string_view content;
};

Problem malformed(const std::string& why) {
  return Problem::make(ProblemCode::kMalformedBody, "the multipart/form-data body " + why);
}

// The value of parameter `name` in a header value such as `form-data; name="a"; filename=b`.
std::optional<std::string> parameter(const std::string& value, const std::string& name) {
  std::vector<std::string> pieces = text::split_unquoted(value, ';');
  for (size_t i = 1; i < pieces.size(); ++i) {
    std::string piece = text::trim_blanks(pieces[i]);
    size_t equals = piece.find('=');
    if (equals == std::string::npos) continue;
    if (text::ascii_lower(text::trim_blanks(piece.substr(0, equals))) != name) continue;
    return text::unquote(text::trim_blanks(piece.substr(equals + 1)));
  }
  return std::nullopt;
}

// Splits the body at its delimiters; nullopt (with `why`) when it is not multipart.
std::optional<std::vector<Part>> split_parts(std::string_view body, const std::string& boundary,
                                             std::string& why) {
  const std::string delimiter = "--" + boundary;
  std::vector<Part> parts;
  size_t at = body.rfind(delimiter, 0) == 0 ? 0 : body.find("\r\n" + delimiter);
  if (at == std::string_view::npos) {
    why = "has no part (no delimiter)";
    return std::nullopt;
  }
  at += body.compare(at, 2, "\r\n") == 0 ? 2 + delimiter.size() : delimiter.size();
  for (;;) {
    if (body.compare(at, 2, "--") == 0) return parts;  // the closing delimiter
    if (body.compare(at, 2, "\r\n") != 0) {
      why = "has a delimiter not followed by a line break";
      return std::nullopt;
    }
    at += 2;
    size_t head_end = body.find("\r\n\r\n", at);
    size_t next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos) {
      why = "ends without its closing delimiter";
      return std::nullopt;
    }
    Part part;
    size_t content_start = next;
    if (head_end != std::string_view::npos && head_end <= next) {
      content_start = head_end + 4;
    } else if (body.compare(at, 2, "\r\n") == 0) {
      content_start = at + 2;  // a part without header fields
    }
    std::string_view head = body.substr(at, content_start > at ? content_start - at : 0);
    for (size_t line_start = 0; line_start < head.size();) {
      size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      std::string line(head.substr(line_start, line_end - line_start));
      line_start = line_end + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string field = text::ascii_lower(text::trim_blanks(line.substr(0, colon)));
      std::string value = text::trim_blanks(line.substr(colon + 1));
      if (field == "content-disposition") {
        part.name = parameter(value, "name").value_or("");
        part.has_filename = parameter(value, "filename").has_value();
      } else if (field == "content-type") {
        part.content_type = text::normalize_media_type(value);
      }
    }
    part.content = body.substr(std::min(content_start, next), next - std::min(content_start, next));
    if (part.name.empty()) {
      why = "has a part without a name (Content-Disposition: form-data; name=...)";
      return std::nullopt;
    }
    parts.push_back(std::move(part));
    at = next + 2 + delimiter.size();
  }
}

}  // namespace

std::optional<Problem> parse_multipart_body(const std::string& content_type,
                                            const std::string& text,
                                            const model::BodyMediaType& media, nlohmann::json& out,
                                            std::vector<FieldError>& errors) {
  std::optional<std::string> boundary = parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70)
    return malformed("needs a boundary of 1 to 70 characters in its Content-Type");
  std::string why;
  std::optional<std::vector<Part>> parts = split_parts(text, *boundary, why);
  if (!parts) return malformed(why);
  out = nlohmann::json::object();
  for (const Part& part : *parts) {
    auto declared = media.form_fields.find(part.name);
    const model::FormField* field =
        declared != media.form_fields.end() ? &declared->second : nullptr;
    const std::string pointer = member_pointer(part.name);
    nlohmann::json value;
    if (field != nullptr && field->is_file) {
      if (field->max_bytes > 0 && part.content.size() > field->max_bytes)
        errors.push_back({ErrorSource::kBody, "", pointer,
                          "is " + std::to_string(part.content.size()) + " bytes; at most " +
                              std::to_string(field->max_bytes) + " are accepted"});
      const std::string type =
          part.content_type.empty() ? "application/octet-stream" : part.content_type;
      if (!field->content_types.empty() &&
          std::none_of(
              field->content_types.begin(), field->content_types.end(),
              [&](const std::string& range) { return text::media_range_covers(range, type); }))
        errors.push_back({ErrorSource::kBody, "", pointer,
                          "is " + type +
                              "; the document accepts "
                              "only " +
                              field->content_types.front() +
                              (field->content_types.size() > 1 ? " and others listed" : "")});
      value = "";
    } else {
      std::string content(part.content);
      if (!text::is_valid_utf8(content))
        return malformed("has a text part '" + part.name + "' that is not UTF-8");
      const model::ValueShape shape = field == nullptr ? model::ValueShape::kString
                                      : field->shape == model::ValueShape::kArray
                                          ? field->item_shape
                                          : field->shape;
      // A JSON part (OpenAPI: an object's default content type) is read as JSON.
      const bool json_part = text::is_json_media_type(part.content_type) ||
                             (part.content_type.empty() && shape == model::ValueShape::kObject);
      if (json_part) {
        if (std::optional<ClientJsonError> error = parse_client_json(content, value)) {
          errors.push_back(
              {ErrorSource::kBody, "", pointer, "is not valid JSON: " + error->message});
          continue;
        }
      } else {
        value = coerce_text(content, shape);
      }
    }
    const bool many = field != nullptr && field->shape == model::ValueShape::kArray;
    if (many) {
      nlohmann::json& items = out[part.name];
      if (!items.is_array()) items = nlohmann::json::array();
      items.push_back(std::move(value));
    } else if (out.contains(part.name)) {
      errors.push_back(
          {ErrorSource::kBody, "", pointer, "is given more than once; it takes one value"});
    } else {
      out[part.name] = std::move(value);
    }
  }
  return std::nullopt;
}

}  // namespace apiserver::pipeline
