#include "pipeline/cors.hpp"

#include <algorithm>

namespace apiserver::pipeline {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// The Access-Control-Allow-Origin value for `origin`, or empty when refused.
std::string allowed_origin(const model::CorsSettings& cors, const std::string& origin) {
  for (const std::string& allowed : cors.allow_origins) {
    // "*" cannot carry credentials, so with credentials the origin is echoed.
    if (allowed == "*") return cors.allow_credentials ? origin : "*";
    if (allowed == origin) return origin;
  }
  return "";
}

// Headers a browser script may read besides the CORS-safelisted ones.
const char* const kExposedByDefault =
    "Location, Link, X-Total-Count, Preference-Applied, Retry-After, Allow";

}  // namespace

bool is_preflight(const http::Request& request) {
  return request.method == "OPTIONS" && request.header("origin") != nullptr &&
         request.header("access-control-request-method") != nullptr;
}

void answer_preflight(const model::CorsSettings& cors, const http::Request& request,
                      const std::string& allow, http::Response& response) {
  response.status = 204;
  const std::string* origin = request.header("origin");
  std::string value = origin == nullptr ? "" : allowed_origin(cors, *origin);
  response.add_header("Vary",
                      "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  if (value.empty()) return;  // no CORS headers: the browser refuses the request
  response.add_header("Access-Control-Allow-Origin", value);
  response.add_header("Access-Control-Allow-Methods", allow);
  if (!cors.allow_headers.empty()) {
    response.add_header("Access-Control-Allow-Headers", join(cors.allow_headers));
  } else if (const std::string* asked = request.header("access-control-request-headers")) {
    response.add_header("Access-Control-Allow-Headers", *asked);
  }
  if (cors.allow_credentials) response.add_header("Access-Control-Allow-Credentials", "true");
  response.add_header("Access-Control-Max-Age", std::to_string(cors.max_age_seconds));
}

void add_cors_headers(const model::CorsSettings& cors, const http::Request& request,
                      http::Response& response) {
  // What a shared cache may reuse (the Fetch standard's "CORS protocol and HTTP caches"): an
  // answer for any origin is the same for every request, so it always carries "*" and needs
  // no Vary; otherwise the answer depends on Origin, also when a request has none (a cached
  // answer without Access-Control-Allow-Origin must not be reused for a browser's request).
  const bool any_origin = !cors.allow_credentials &&
                          std::find(cors.allow_origins.begin(), cors.allow_origins.end(), "*") !=
                              cors.allow_origins.end();
  const std::string* origin = request.header("origin");
  std::string value;
  if (any_origin) {
    value = "*";
  } else {
    response.add_header("Vary", "Origin");
    if (origin != nullptr) value = allowed_origin(cors, *origin);
  }
  if (value.empty()) return;
  response.add_header("Access-Control-Allow-Origin", value);
  response.add_header("Access-Control-Expose-Headers",
                      cors.expose_headers.empty() ? kExposedByDefault : join(cors.expose_headers));
  if (cors.allow_credentials) response.add_header("Access-Control-Allow-Credentials", "true");
}

}  // namespace apiserver::pipeline
