#include "pipeline/parameters.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "pipeline/client_json.hpp"
#include "text/utf8.hpp"

namespace apiserver::pipeline {
namespace {

using model::ParamLocation;
using model::ParamStyle;
using model::ValueShape;

ErrorSource source_of(ParamLocation in) {
  switch (in) {
    case ParamLocation::kPath:
      return ErrorSource::kPath;
    case ParamLocation::kQuery:
      return ErrorSource::kQuery;
    case ParamLocation::kHeader:
      return ErrorSource::kHeader;
    case ParamLocation::kCookie:
      return ErrorSource::kCookie;
  }
  return ErrorSource::kQuery;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// The raw texts of one parameter (several for exploded query arrays).
std::vector<std::string> raw_texts(const model::Parameter& p, const RawParameters& raw) {
  std::vector<std::string> texts;
  switch (p.in) {
    case ParamLocation::kPath:
      for (size_t i = 0; i < raw.path_names->size(); ++i) {
        if ((*raw.path_names)[i] == p.name) texts.push_back((*raw.path_values)[i]);
      }
      break;
    case ParamLocation::kQuery:
      for (const auto& [name, value] : *raw.query) {
        if (name == p.name) texts.push_back(value);
      }
      break;
    case ParamLocation::kHeader: {
      std::string joined;
      bool found = false;
      for (const auto& [name, value] : raw.request->headers) {
        if (name != p.name) continue;
        joined += (found ? ", " : "") + value;
        found = true;
      }
      if (found) texts.push_back(joined);
      break;
    }
    case ParamLocation::kCookie:
      for (const auto& [name, value] : raw.request->headers) {
        if (name != "cookie") continue;
        for (const std::string& pair : split_list(value, ';')) {
          size_t eq = pair.find('=');
          if (eq != std::string::npos && trim(pair.substr(0, eq)) == p.name)
            texts.push_back(trim(pair.substr(eq + 1)));
        }
      }
      break;
  }
  return texts;
}

nlohmann::json read_deep_object(const model::Parameter& p, const RawParameters& raw, bool& found) {
  nlohmann::json object = nlohmann::json::object();
  const std::string prefix = p.name + "[";
  for (const auto& [name, value] : *raw.query) {
    if (name.size() <= prefix.size() + 1 || name.compare(0, prefix.size(), prefix) != 0 ||
        name.back() != ']')
      continue;
    std::string property = name.substr(prefix.size(), name.size() - prefix.size() - 1);
    auto shape = p.property_shapes.find(property);
    object[property] =
        coerce_text(value, shape == p.property_shapes.end() ? ValueShape::kString : shape->second);
    found = true;
  }
  return object;
}

}  // namespace

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return parts;
}

nlohmann::json coerce_text(const std::string& text, ValueShape shape) {
  switch (shape) {
    case ValueShape::kInteger: {
      if (text.empty() || text.size() > 20) return text;
      size_t start = text[0] == '-' ? 1 : 0;
      if (start == text.size() || text.find_first_not_of("0123456789", start) != std::string::npos)
        return text;
      errno = 0;
      long long value = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) return text;
      return value;
    }
    case ValueShape::kNumber: {
      if (text.empty() || text.size() > 64 || std::isspace(static_cast<unsigned char>(text[0])))
        return text;
      char* end = nullptr;
      errno = 0;
      double value = std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value))
        return text;
      // Integral text stays an integer, so int64 formats see it exactly.
      if (text.find_first_of(".eE") == std::string::npos)
        return coerce_text(text, ValueShape::kInteger);
      return value;
    }
    case ValueShape::kBoolean:
      if (text == "true") return true;
      if (text == "false") return false;
      return text;
    default:
      return text;
  }
}

std::unordered_map<std::string, nlohmann::json>& ParameterValues::of(ParamLocation in) {
  switch (in) {
    case ParamLocation::kPath:
      return path;
    case ParamLocation::kQuery:
      return query;
    case ParamLocation::kHeader:
      return header;
    case ParamLocation::kCookie:
      return cookie;
  }
  return query;
}

const nlohmann::json* ParameterValues::find(ParamLocation in, const std::string& name) const {
  const auto& map = const_cast<ParameterValues*>(this)->of(in);
  auto it = map.find(name);
  return it == map.end() ? nullptr : &it->second;
}

void read_parameters(const model::Operation& operation, const RawParameters& raw,
                     ParameterValues& out, std::vector<FieldError>& errors) {
  for (const model::Parameter& p : operation.parameters) {
    ErrorSource source = source_of(p.in);
    nlohmann::json value;
    bool found = false;
    if (p.style == ParamStyle::kDeepObject) {
      value = read_deep_object(p, raw, found);
    } else {
      std::vector<std::string> texts = raw_texts(p, raw);
      found = !texts.empty();
      // Decoded text that is not UTF-8 is no JSON string: no schema may see it as one.
      if (std::any_of(texts.begin(), texts.end(),
                      [](const std::string& t) { return !text::is_valid_utf8(t); })) {
        errors.push_back({source, p.name, "", "is not valid UTF-8"});
        continue;
      }
      if (found && p.json_encoded) {
        if (auto error = parse_client_json(texts.back(), value)) {
          bool syntax = error->kind == ClientJsonError::Kind::kSyntax;
          errors.push_back(
              {source, p.name, error->pointer, syntax ? "is not valid JSON" : error->message});
          continue;
        }
      } else if (found && p.shape == ValueShape::kArray) {
        value = nlohmann::json::array();
        char separator = p.style == ParamStyle::kSpaceDelimited  ? ' '
                         : p.style == ParamStyle::kPipeDelimited ? '|'
                                                                 : ',';
        bool exploded = p.in == ParamLocation::kQuery && p.explode && p.style == ParamStyle::kForm;
        for (const std::string& text : texts) {
          if (exploded) {
            value.push_back(coerce_text(text, p.item_shape));
            continue;
          }
          for (const std::string& part : split_list(text, separator))
            value.push_back(
                coerce_text(p.in == ParamLocation::kHeader ? trim(part) : part, p.item_shape));
        }
      } else if (found) {
        // A repeated scalar: the last one wins, as in most frameworks.
        value = coerce_text(texts.back(), p.shape);
      }
    }
    if (!found) {
      if (p.required) {
        errors.push_back({source, p.name, "", "is required"});
      } else if (p.default_value) {
        out.of(p.in).emplace(p.name, *p.default_value);
      }
      continue;
    }
    if (p.schema && !p.schema->validate(value, source, p.name, errors)) continue;
    out.of(p.in).emplace(p.name, std::move(value));
  }
}

}  // namespace apiserver::pipeline
