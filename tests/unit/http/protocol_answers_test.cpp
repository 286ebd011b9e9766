// Unit tests of what the server answers on its own: protocol errors as problem+json that close
// the connection, and the keep-alive decision of HTTP/1.0 and HTTP/1.1.
#include "http/protocol_answers.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::http {
namespace {

TEST(HttpProtocolAnswers, AProtocolErrorIsAProblemThatClosesTheConnection) {
  std::string bytes =
      protocol_error_bytes(Problem::make(ProblemCode::kRequestTimeout, "too slow"), "/todos");
  EXPECT_EQ(bytes.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u);
  EXPECT_NE(bytes.find("Content-Type: application/problem+json\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("Connection: close\r\n"), std::string::npos);
  std::string body = bytes.substr(bytes.find("\r\n\r\n") + 4);
  EXPECT_NE(body.find("\"status\":408"), std::string::npos);
  EXPECT_NE(body.find("too slow"), std::string::npos);
  EXPECT_NE(body.find("/todos"), std::string::npos);
}

TEST(HttpProtocolAnswers, KeepsTheParsersStatuses) {
  for (ProblemCode code : {ProblemCode::kBadRequest, ProblemCode::kPayloadTooLarge,
                           ProblemCode::kExpectationFailed, ProblemCode::kHeadersTooLarge,
                           ProblemCode::kNotImplemented, ProblemCode::kHttpVersionNotSupported}) {
    Problem problem = Problem::make(code, "");
    std::string bytes = protocol_error_bytes(problem, "");
    EXPECT_EQ(bytes.rfind("HTTP/1.1 " + std::to_string(problem.status()) + " ", 0), 0u)
        << problem.status();
  }
}

Request with_connection(int version_minor, const char* connection) {
  Request request;
  request.version_minor = version_minor;
  if (connection != nullptr) request.headers.emplace_back("connection", connection);
  return request;
}

TEST(HttpProtocolAnswers, Http11KeepsAliveUnlessAskedToClose) {
  EXPECT_TRUE(keeps_alive(with_connection(1, nullptr)));
  EXPECT_TRUE(keeps_alive(with_connection(1, "keep-alive")));
  EXPECT_FALSE(keeps_alive(with_connection(1, "close")));
  EXPECT_FALSE(keeps_alive(with_connection(1, "Close")));
}

TEST(HttpProtocolAnswers, Http10ClosesUnlessAskedToKeepAlive) {
  EXPECT_FALSE(keeps_alive(with_connection(0, nullptr)));
  EXPECT_TRUE(keeps_alive(with_connection(0, "Keep-Alive")));
}

}  // namespace
}  // namespace apiserver::http
