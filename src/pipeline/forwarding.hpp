// What a forwarded request becomes on its way to the upstream, and what the upstream's answer
// becomes on its way back: RFC 9110's rules for an intermediary (hop-by-hop fields stay on
// their hop), plus the gateway's own (the caller's credentials stay here unless declared).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/exchanges.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "model/identity.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"

namespace apiserver::pipeline {

// The exchange to make for `request`: its method, path (less the upstream's strip-prefix),
// query and body; its end-to-end header fields less the credentials the operation's schemes
// read (unless the upstream passes them) and less any the client wrote in the identity header;
// X-Forwarded-For, -Host, -Proto and Forwarded naming `client` (the client address, as the
// trusted proxies give it); the caller's subject in the identity header; `request_id` (null:
// none) in X-Request-Id, so that both sides log one id.
gateway::UpstreamRequest upstream_request(const model::Forwarding& forwarding,
                                          const http::Request& request,
                                          const model::Identity& identity,
                                          const std::string& client, const std::string* request_id);

// Fills `response` from the upstream's answer: its status, end-to-end fields and body. A
// failure is returned as the problem to answer with (502, 504), `response` untouched.
std::optional<Problem> client_answer(gateway::UpstreamReply& reply, const model::Upstream& upstream,
                                     http::Response& response);

// True when the upstream's answer, by its head, is passed on as it arrives rather than held
// whole: an event stream, or a body whose length is not told up front (chunked, or until the
// connection closes). Never for a HEAD request or an answer without a body.
bool streamed_answer(const gateway::UpstreamReply& head, std::string_view method);

// True when `path` (as sent, percent-encoded) holds a "." or ".." segment, written plainly or
// escaped: forwarded, it could name what the router never matched.
bool has_dot_segment(std::string_view path);

}  // namespace apiserver::pipeline
