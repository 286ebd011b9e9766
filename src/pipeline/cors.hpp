// CORS (the Fetch standard's cross-origin rules) as declared in
// x-apiserver.cors: preflight answers and the headers of every response,
// errors included, so a browser app can read them.
#pragma once

#include "http/request.hpp"
#include "http/response.hpp"
#include "model/model.hpp"

namespace apiserver::pipeline {

// True for an OPTIONS preflight (Origin and Access-Control-Request-Method).
bool is_preflight(const http::Request& request);

// Answers a preflight for a path whose methods are `allow` ("GET, POST, ...").
void answer_preflight(const model::CorsSettings& cors, const http::Request& request,
                      const std::string& allow, http::Response& response);

// Adds the CORS headers to `response` when the request comes from an allowed origin.
void add_cors_headers(const model::CorsSettings& cors, const http::Request& request,
                      http::Response& response);

}  // namespace apiserver::pipeline
