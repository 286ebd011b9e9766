// Checks a request against an operation's security requirements (OpenAPI semantics: any one
// requirement, every scheme inside it) and names the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/schemes.hpp"
#include "http/request.hpp"
#include "http/uri.hpp"
#include "model/identity.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::auth {

using model::Identity;

// nullopt with `identity` filled when a requirement is met (an operation without requirements
// is public: `identity.authenticated` stays false); else the 401 or 403 to answer.
std::optional<Problem> authenticate(const Schemes& schemes,
                                    const std::vector<model::SecurityRequirement>& requirements,
                                    const http::Request& request, const http::QueryParams& query,
                                    Identity& identity);

}  // namespace apiserver::auth
