// Fuzz target: request bodies, read and validated as the pipeline does (src/pipeline/body):
// Content-Type against the declared media types, JSON parsing with its bounds, then the
// compiled schema of a fixed document (fuzz_support.cpp, kBodyDocument), and the 4xx answer
// rendered. Input: one byte choosing the operation, the Content-Type, '\n', the body.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "http/request.hpp"
#include "pipeline/body.hpp"
#include "problem/problem.hpp"

namespace {

struct Target {
  const char* method;
  const char* path;
};
const Target kTargets[] = {
    {"POST", "/things"}, {"PUT", "/shapes"}, {"POST", "/anything"}, {"POST", "/uploads"}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace apiserver;
  static const fuzz::CompiledApi compiled = fuzz::compile_fixed(fuzz::kBodyDocument);
  if (size == 0) return 0;
  const Target& target = kTargets[data[0] % std::size(kTargets)];
  const model::Operation& operation = compiled.operation(target.method, target.path);

  std::vector<std::string> parts = fuzz::split(fuzz::as_text(data + 1, size - 1), '\n', 2);
  http::Request request;
  request.method = target.method;
  request.target = request.path = target.path;
  if (!parts[0].empty()) request.headers.emplace_back("content-type", parts[0]);
  request.body = parts[1];

  pipeline::Body body;
  std::vector<FieldError> errors;
  std::optional<Problem> problem = pipeline::read_body(operation, request, true, body, errors);
  if (!problem && !errors.empty()) problem = Problem::validation(std::move(errors));
  if (problem) (void)render_problem_json(*problem, request.path);
  return 0;
}
