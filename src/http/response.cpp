#include "http/response.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "text/header_values.hpp"

namespace apiserver::http {
namespace {

// RFC 9110 requires a Date header; formatting it costs more than the rest of
// the head, so each thread reformats it at most once a second.
const std::string& current_http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buf;
    cached_second = now;
  }
  return cached;
}

bool status_has_no_body(int status) {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

void Response::set_header(std::string name, std::string value) {
  auto same_name = [&](const std::pair<std::string, std::string>& header) {
    return text::ascii_iequals(header.first, name);
  };
  headers.erase(std::remove_if(headers.begin(), headers.end(), same_name), headers.end());
  reserve_headers();
  headers.emplace_back(std::move(name), std::move(value));
}

const std::string* Response::header(std::string_view name) const {
  for (const auto& [field, value] : headers)
    if (text::ascii_iequals(field, name)) return &value;
  return nullptr;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

// What a head holds besides the content type and the headers, at most: the status line, Date,
// Content-Length, Connection and the names around the content type.
constexpr size_t kFixedHeadBytes = 192;

// The status line, Date, Content-Type and the response's own fields.

void append_head_fields(const Response& response, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\nDate: ";
  out += current_http_date();
  out += "\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

void append_connection(const char* connection_header, std::string& out) {
  if (connection_header != nullptr && *connection_header != '\0') {
    out += "Connection: ";
    out += connection_header;
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

void serialize_response(const Response& response, bool omit_body, const char* connection_header,
                        std::string& out) {
  // One allocation for the whole answer, not one each time the text outgrows the last.
  size_t size = out.size() + kFixedHeadBytes + response.content_type.size();
  for (const auto& [name, value] : response.headers) size += name.size() + value.size() + 4;
  if (!omit_body) size += response.body.size();
  out.reserve(size);
  append_head_fields(response, out);
  if (!status_has_no_body(response.status)) {
    out += "Content-Length: ";
    out += std::to_string(omit_body && response.head_length ? *response.head_length
                                                            : response.body.size());
    out += "\r\n";
  }
  append_connection(connection_header, out);
  if (!omit_body && !status_has_no_body(response.status)) out += response.body;
}

void serialize_stream_head(const Response& response, bool chunked, const char* connection_header,
                           std::string& out) {
  append_head_fields(response, out);
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  append_connection(connection_header, out);
}

void append_stream_piece(std::string_view piece, bool chunked, std::string& out) {
  if (piece.empty()) return;  // an empty chunk would end the body
  if (!chunked) {
    out += piece;
    return;
  }
  char size[24];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  out.append(size, static_cast<size_t>(n));
  out += piece;
  out += "\r\n";
}

}  // namespace apiserver::http
