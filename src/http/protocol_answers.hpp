// What the server answers on its own, without the application: the wire form of an answer that
// ends a connection (a request it cannot read, or a head or body too slow; the answer itself
// comes from the one error writer), and whether a connection stays open after an answer.
#pragma once

#include <string>

#include "http/request.hpp"
#include "http/response.hpp"
#include "problem/problem.hpp"

namespace apiserver::http {

// The wire form of `response` with `Connection: close`.
std::string closing_answer_bytes(const Response& response);

// The wire form of the answer to a protocol error without an operation (a stalled request):
// `problem` through the one error writer, closing the connection.
std::string protocol_error_bytes(const Problem& problem, const std::string& path);

// Keep-alive is the HTTP/1.1 default; HTTP/1.0 clients must ask for it.
bool keeps_alive(const Request& request);

}  // namespace apiserver::http
