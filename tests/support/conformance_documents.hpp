// The conformance OpenAPI documents and the independent oracle the tests
// compare the server against: operations per document, counted once with
// PyYAML from the same files as
//   sum(1 for item in (doc.get('paths') or {}).values() for k in item if k in METHODS)
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace apiserver::test {

// Relative path under tests/conformance/openapi -> number of operations.
const std::map<std::string, size_t>& expected_operation_counts();

// The HTTP methods an OpenAPI Path Item may hold, lower-case.
inline constexpr const char* kOpenApiMethods[] = {"get",   "put",  "post",    "delete",
                                                  "patch", "head", "options", "trace"};

bool is_openapi_method(const std::string& key);

// tests/conformance/openapi, where the documents live.
std::string conformance_openapi_root();

// Every document under that root (YAML or JSON, LICENSES/ aside), relative to it, sorted.
std::vector<std::string> conformance_documents();

}  // namespace apiserver::test
