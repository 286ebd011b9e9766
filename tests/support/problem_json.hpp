// The problem+json body (RFC 9457) the server sends, built for exact comparison in tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace apiserver::test {

// The problem types of refused credentials (401) and missing scopes (403).
inline constexpr char kUnauthorized[] = "urn:apiserver:problem:unauthorized";
inline constexpr char kForbidden[] = "urn:apiserver:problem:forbidden";

inline nlohmann::json problem_json(const std::string& slug, const std::string& title, int status,
                                   const std::string& detail, const std::string& instance) {
  return {{"type", "urn:apiserver:problem:" + slug},
          {"title", title},
          {"status", status},
          {"detail", detail},
          {"instance", instance}};
}

}  // namespace apiserver::test
