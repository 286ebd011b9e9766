// Reads an operation's declared parameters from a request: finds the text,
// splits arrays by the parameter's style, coerces text to the schema's type,
// fills defaults and validates.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/request.hpp"
#include "http/uri.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

struct ParameterValues {
  std::unordered_map<std::string, nlohmann::json> path;
  std::unordered_map<std::string, nlohmann::json> query;
  std::unordered_map<std::string, nlohmann::json> header;
  std::unordered_map<std::string, nlohmann::json> cookie;

  // The value of a parameter, or nullptr when absent without default.
  const nlohmann::json* find(model::ParamLocation in, const std::string& name) const;
  std::unordered_map<std::string, nlohmann::json>& of(model::ParamLocation in);
};

struct RawParameters {
  const std::vector<std::string>* path_names = nullptr;
  const std::vector<std::string>* path_values = nullptr;  // percent-decoded
  const http::QueryParams* query = nullptr;               // percent-decoded, in order
  const http::Request* request = nullptr;
};

// Fills `out` for every parameter of `operation`; appends an error per
// missing, malformed or invalid one.
void read_parameters(const model::Operation& operation, const RawParameters& raw,
                     ParameterValues& out, std::vector<FieldError>& errors);

// The parts of `text` between `separator`s, empty ones included ("a,,b": "a", "", "b").
std::vector<std::string> split_list(const std::string& text, char separator);

// Coerces text to `shape` where it parses as one; otherwise returns the text
// itself, and the validator reports the type mismatch in its own words.
nlohmann::json coerce_text(const std::string& text, model::ValueShape shape);

}  // namespace apiserver::pipeline
