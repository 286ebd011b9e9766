// Expected problem+json bodies (see problem_json.hpp).
#include "support/problem_json.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace apiserver::test {

using nlohmann::json;

json problem_json(const std::string& slug, const std::string& title, int status,
                  const std::string& detail, const std::string& instance) {
  return {{"type", "urn:apiserver:problem:" + slug},
          {"title", title},
          {"status", status},
          {"detail", detail},
          {"instance", instance}};
}

json validation_problem(const std::string& instance, json errors) {
  const size_t n = errors.size();
  json problem = problem_json(
      "validation-failed", "Request validation failed", 422,
      n == 1 ? std::string("1 error in the request") : std::to_string(n) + " errors in the request",
      instance);
  problem["errors"] = std::move(errors);
  return problem;
}

json body_error(const std::string& pointer, const std::string& detail) {
  return {{"in", "body"}, {"pointer", pointer}, {"detail", detail}};
}

json query_error(const std::string& name, const std::string& detail) {
  return {{"in", "query"}, {"name", name}, {"pointer", ""}, {"detail", detail}};
}

json path_error(const std::string& name, const std::string& detail) {
  return {{"in", "path"}, {"name", name}, {"pointer", ""}, {"detail", detail}};
}

json resource_not_found(const std::string& resource, const std::string& path) {
  return problem_json("resource-not-found", "Resource not found", 404,
                      "no " + resource + " at " + path, path);
}

json with_sorted_errors(json problem) {
  if (problem.is_object() && problem.contains("errors") && problem["errors"].is_array()) {
    std::vector<json> errors = problem["errors"].get<std::vector<json>>();
    std::sort(errors.begin(), errors.end(),
              [](const json& a, const json& b) { return a.dump() < b.dump(); });
    problem["errors"] = errors;
  }
  return problem;
}

}  // namespace apiserver::test
