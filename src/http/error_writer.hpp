// The one writer of error answers. Every error the server answers, from every layer (the
// parser's protocol errors, the router, the pipeline's stages, the last-resort catch), is a
// Problem that ends here: shaped as the operation declares when one is known and declares an
// error response for it, else RFC 9457 application/problem+json.
#pragma once

#include <string>

#include "http/response.hpp"
#include "problem/declared_errors.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {

// Replaces `response` with the answer to `problem` for a request at `instance` (its path; empty
// when the request line was not read). `declared`: the operation's declared error responses,
// null when no operation is known. The problem's headers (Allow, WWW-Authenticate, ...) are
// kept whatever the shape.
void write_error(const Problem& problem, const std::string& instance,
                 const DeclaredErrors* declared, Response& response);

}  // namespace apiserver::http
