// Checks of a response body's syntax only, for hostile-input tables whose point is the status:
// the exact layout of error answers belongs to the tests of error answers.
#pragma once

#include "support/http_client.hpp"

namespace apiserver::test {

// True when the body parses as a JSON object (whatever its members).
bool is_json_object(const HttpResponse& response);

}  // namespace apiserver::test
