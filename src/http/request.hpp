// An HTTP request as the pipeline sees it: raw path and query kept as sent,
// header names lower-cased, body fully read.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace apiserver::http {

struct Request {
  std::string method;  // as sent; methods are case-sensitive
  std::string target;  // request-target as sent
  std::string path;    // percent-encoded path part of the target
  std::string query;   // raw query string without '?', may be empty
  int version_minor = 1;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string peer_address;

  // First header named `lowercase_name`, or nullptr.
  const std::string* header(std::string_view lowercase_name) const {
    for (const auto& h : headers) {
      if (h.first == lowercase_name) return &h.second;
    }
    return nullptr;
  }
};

}  // namespace apiserver::http
