// Requests to upstreams and their answers back (see forwarding.hpp).
#include "pipeline/forwarding.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "text/header_values.hpp"
#include "text/media_type.hpp"
#include "text/percent_encoding.hpp"

namespace apiserver::pipeline {
namespace {

// RFC 9110 section 7.6.1, with the obsolete Keep-Alive and Proxy-Connection: they describe one
// connection and go no further. Content-Length is recomputed for what is sent; Host names the
// upstream; Expect concerns this hop only.
constexpr std::array<std::string_view, 12> kHopByHop = {"connection",
                                                        "keep-alive",
                                                        "proxy-connection",
                                                        "proxy-authenticate",
                                                        "proxy-authorization",
                                                        "te",
                                                        "trailer",
                                                        "transfer-encoding",
                                                        "upgrade",
                                                        "content-length",
                                                        "host",
                                                        "expect"};
// Fields the gateway writes itself: what a client sent in them would be believed upstream.
constexpr std::array<std::string_view, 4> kRewritten = {"x-forwarded-for", "x-forwarded-host",
                                                        "x-forwarded-proto", "forwarded"};

bool listed(std::string_view name, const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

template <size_t N>
bool listed(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The field names a Connection header lists: hop-by-hop too (RFC 9110 section 7.6.1).
std::vector<std::string> connection_options(
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> names;
  for (const auto& [name, value] : headers) {
    if (name != "connection") continue;
    for (const std::string& option : text::split_unquoted(value, ','))
      names.push_back(text::ascii_lower(text::trim_blanks(option)));
  }
  return names;
}

// The query less the parameters named in `removed` (compared decoded), raw otherwise.
std::string query_without(const std::string& query, const std::vector<std::string>& removed) {
  if (removed.empty() || query.empty()) return query;
  std::string kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string_view pair(query.data() + start, end - start);
    std::string name;
    if (!text::percent_decode(pair.substr(0, pair.find('=')), name, true) ||
        !listed(name, removed)) {
      if (!kept.empty()) kept += '&';
      kept += pair;
    }
    start = end + 1;
  }
  return kept;
}

// The Cookie field less the cookies named in `removed`; empty when none is left.
std::string cookies_without(const std::string& cookie, const std::vector<std::string>& removed) {
  std::string kept;
  for (const std::string& piece : text::split_unquoted(cookie, ';')) {
    std::string pair = text::trim_blanks(piece);
    if (pair.empty() || listed(pair.substr(0, pair.find('=')), removed)) continue;
    if (!kept.empty()) kept += "; ";
    kept += pair;
  }
  return kept;
}

// A node of RFC 7239: an IPv6 address is bracketed, and then quoted.
std::string forwarded_node(const std::string& address) {
  if (address.find(':') == std::string::npos) return address;
  return "\"[" + address + "]\"";
}

bool is_plain_field_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

}  // namespace

bool has_dot_segment(std::string_view path) {
  size_t start = 0;
  while (start < path.size()) {
    size_t end = path.find('/', start + 1);
    if (end == std::string_view::npos) end = path.size();
    std::string segment = text::ascii_lower(path.substr(start + 1, end - start - 1));
    for (size_t at; (at = segment.find("%2e")) != std::string::npos;) segment.replace(at, 3, ".");
    if (segment == "." || segment == "..") return true;
    start = end;
  }
  return false;
}

gateway::UpstreamRequest upstream_request(const model::Forwarding& forwarding,
                                          const http::Request& request,
                                          const model::Identity& identity,
                                          const std::string& client,
                                          const std::string* request_id) {
  const model::Upstream& upstream = *forwarding.upstream;
  gateway::UpstreamRequest out;
  out.method = request.method;
  std::string_view path = request.path;
  const std::string& prefix = upstream.strip_prefix;
  if (!prefix.empty() && path.rfind(prefix, 0) == 0 &&
      (path.size() == prefix.size() || path[prefix.size()] == '/' || prefix == "/"))
    path.remove_prefix(prefix == "/" ? 0 : prefix.size());
  out.url = upstream.url;
  out.url += path.empty() ? "/" : path;
  std::string query = upstream.pass_credentials
                          ? request.query
                          : query_without(request.query, forwarding.credential_query);
  if (!query.empty()) out.url += "?" + query;
  out.body = request.body;
  out.connect_timeout = upstream.connect_timeout;
  out.timeout = upstream.timeout;
  out.ca_certificates = upstream.ca_certificates;
  // RFC 9110 section 9.2.2: these may be sent again without changing what they do.
  out.retry_on_connect_failure = request.method == "GET" || request.method == "HEAD" ||
                                 request.method == "OPTIONS" || request.method == "PUT" ||
                                 request.method == "DELETE";

  std::vector<std::string> options = connection_options(request.headers);
  std::string forwarded_for;
  for (const auto& [name, value] : request.headers) {
    if (listed(name, kHopByHop) || listed(name, options) || listed(name, kRewritten)) continue;
    if (!upstream.identity_header.empty() && name == upstream.identity_header) continue;
    if (request_id != nullptr && name == "x-request-id") continue;
    if (!upstream.pass_credentials) {
      if (listed(name, forwarding.credential_headers)) continue;
      if (name == "cookie" && !forwarding.credential_cookies.empty()) {
        std::string kept = cookies_without(value, forwarding.credential_cookies);
        if (!kept.empty()) out.headers.push_back("cookie: " + kept);
        continue;
      }
    }
    out.headers.push_back(name + ": " + value);
  }
  const std::string* host = request.header("host");
  out.headers.push_back("x-forwarded-for: " + client);
  out.headers.emplace_back("x-forwarded-proto: http");
  std::string forwarded = "for=" + forwarded_node(client) + ";proto=http";
  if (host != nullptr && !host->empty()) {
    out.headers.push_back("x-forwarded-host: " + *host);
    forwarded += ";host=\"" + *host + "\"";
  }
  out.headers.push_back("forwarded: " + forwarded);
  if (request_id != nullptr) out.headers.push_back("x-request-id: " + *request_id);
  if (!upstream.identity_header.empty() && identity.authenticated &&
      is_plain_field_value(identity.subject))
    out.headers.push_back(upstream.identity_header + ": " + identity.subject);
  return out;
}

std::optional<Problem> client_answer(gateway::UpstreamReply& reply, const model::Upstream& upstream,
                                     http::Response& response) {
  using Failure = gateway::UpstreamReply::Failure;
  switch (reply.failure) {
    case Failure::kNone:
      break;
    case Failure::kTimeout:
      return Problem::make(
          ProblemCode::kGatewayTimeout,
          "the upstream did not answer within " + std::to_string(upstream.timeout.count()) + " ms");
    case Failure::kCancelled:  // the client has gone: this answer is dropped
    case Failure::kShutdown:
      return Problem::make(ProblemCode::kServiceUnavailable, "the server is stopping")
          .with_header("Retry-After", "1");
    case Failure::kConnect:
      return Problem::make(ProblemCode::kBadGateway, "the upstream could not be reached");
    case Failure::kBroken:
      return Problem::make(ProblemCode::kBadGateway, "the upstream's answer could not be read");
  }
  response.status = reply.status;
  std::vector<std::string> options = connection_options(reply.headers);
  for (auto& [name, value] : reply.headers) {
    // An answer to HEAD tells the length GET's body would have.
    if (name == "content-length" && reply.body.empty()) {
      uint64_t length = 0;
      const char* end = value.data() + value.size();
      if (std::from_chars(value.data(), end, length).ptr == end && !value.empty())
        response.head_length = length;
    }
    // The server writes its own Date, and frames the body itself.
    if (listed(name, kHopByHop) || listed(name, options) || name == "date") continue;
    if (name == "content-type") {
      response.content_type = std::move(value);
      continue;
    }
    response.add_header(std::move(name), std::move(value));
  }
  response.body = std::move(reply.body);
  return std::nullopt;
}

bool streamed_answer(const gateway::UpstreamReply& head, std::string_view method) {
  if (method == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304)
    return false;
  bool has_length = false;
  for (const auto& [name, value] : head.headers) {
    if (name == "content-length") has_length = true;
    if (name == "content-type" && text::normalize_media_type(value) == "text/event-stream")
      return true;
  }
  return !has_length;
}

}  // namespace apiserver::pipeline
