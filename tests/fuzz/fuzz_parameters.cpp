// Fuzz target: query strings and declared parameters, read as the pipeline does: the path
// matched by the router, the query split and decoded (src/http/uri), then every parameter of
// a fixed operation (fuzz_support.cpp, kParametersDocument) found, split by its style,
// coerced and validated (src/pipeline/parameters), and the 4xx answer rendered.
// Input, '\n'-separated: path after "/items/", query string, X-Request-Tag, X-Counts,
// X-Strict, Cookie.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "http/request.hpp"
#include "http/uri.hpp"
#include "pipeline/parameters.hpp"
#include "problem/problem.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apiserver;
  static const fuzz::CompiledApi compiled = fuzz::compile_fixed(fuzz::kParametersDocument);
  static const model::Operation& operation =
      compiled.operation("GET", "/items/{id}/{tags}/{point}");

  std::vector<std::string> parts = fuzz::split(fuzz::as_text(data, size), '\n', 6);
  http::Request request;
  request.method = "GET";
  request.path = "/items/" + parts[0];
  request.query = parts[1];
  request.target = request.path + "?" + request.query;
  const char* const header_names[] = {"x-request-tag", "x-counts", "x-strict", "cookie"};
  for (size_t i = 0; i < std::size(header_names); ++i) {
    if (!parts[2 + i].empty()) request.headers.emplace_back(header_names[i], parts[2 + i]);
  }

  http::QueryParams query;
  if (!http::parse_query(request.query, query)) return 0;  // a 400 before parameters are read
  std::optional<route::Router::Match> match = compiled.api->router.match(request.path);
  if (!match) return 0;
  pipeline::RawParameters raw{match->names, &match->values, &query, &request};
  pipeline::ParameterValues values;
  std::vector<FieldError> errors;
  pipeline::read_parameters(operation, raw, values, errors);
  if (!errors.empty()) (void)render_problem_json(Problem::validation(std::move(errors)), "/items");
  return 0;
}
