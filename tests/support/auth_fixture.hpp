// Helpers shared by the authentication end-to-end tests (tests/e2e/auth_*_test.cpp): fixture
// specs with the test's temporary directory filled in, credentials as headers, and the
// WWW-Authenticate challenges and problem details of an answer.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {

// Reads tests/e2e/specs/`fixture`, replaces every "@NAME@" by vars["NAME"] (and "@DIR@" by
// dir.path()), writes the result to dir/`fixture` and returns its absolute path. Throws
// std::runtime_error if a placeholder is left without a value.
std::string render_fixture(const TempDir& dir, std::string_view fixture,
                           const std::map<std::string, std::string>& vars = {});

// {"Authorization", "Bearer " + token}.
std::pair<std::string, std::string> bearer(std::string_view token);
// {"Authorization", "Basic " + base64(user ":" password)}.
std::pair<std::string, std::string> basic(std::string_view user, std::string_view password);

// Every WWW-Authenticate value of `response`, in order.
std::vector<std::string> challenges(const HttpResponse& response);

// The text of `path` (throws std::runtime_error if it cannot be read).
std::string read_text(const std::string& path);

}  // namespace apiserver::test
