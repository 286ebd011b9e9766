// What the server answers on its own, without the application: the problem for a request it
// cannot read (a parse error, or a head or body too slow), and whether a connection stays
// open after an answer.
#pragma once

#include <string>

#include "http/request.hpp"

namespace apiserver::http {

// The wire form of a problem+json answer with `status` (one of the parser's: 400, 408, 413,
// 417, 431, 501, 505) that closes the connection. `path`: the request's path when its request
// line was read, else empty.
std::string protocol_error_bytes(int status, std::string detail, const std::string& path);

// Keep-alive is the HTTP/1.1 default; HTTP/1.0 clients must ask for it.
bool keeps_alive(const Request& request);

}  // namespace apiserver::http
