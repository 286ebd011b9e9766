// The problem+json bodies (RFC 9457) the server sends, built for exact comparison in tests: the
// generic problem, the 422 validation problem and its field errors, the 404 of a missing item.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace apiserver::test {

// The problem types of refused credentials (401) and missing scopes (403).
inline constexpr char kUnauthorized[] = "urn:apiserver:problem:unauthorized";
inline constexpr char kForbidden[] = "urn:apiserver:problem:forbidden";

// A problem of type "urn:apiserver:problem:" + `slug`.
nlohmann::json problem_json(const std::string& slug, const std::string& title, int status,
                            const std::string& detail, const std::string& instance);

// The 422 validation-failed problem for a request to `instance`, listing `errors` (an array of
// field errors as built below) in the given order; its detail counts them.
nlohmann::json validation_problem(const std::string& instance, nlohmann::json errors);

// One field error of a validation problem: in the body at a JSON pointer, or in a named query
// or path parameter (whose pointer is "").
nlohmann::json body_error(const std::string& pointer, const std::string& detail);
nlohmann::json query_error(const std::string& name, const std::string& detail);
nlohmann::json path_error(const std::string& name, const std::string& detail);

// The 404 resource-not-found problem for a missing item of schema `resource` at `path`.
nlohmann::json resource_not_found(const std::string& resource, const std::string& path);

// `problem` with its "errors" array sorted, so that comparisons do not depend on the order in
// which the validator happens to find them (every error must still be there, and nothing else).
// Anything without an "errors" array is returned as it is.
nlohmann::json with_sorted_errors(nlohmann::json problem);

}  // namespace apiserver::test
