// Unit tests of CORS as x-apiserver.cors declares it: what a preflight is, the exact headers
// of a preflight answer, and the headers (Vary included) every other answer carries.
#include "pipeline/cors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace apiserver::pipeline {
namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

http::Request request(const std::string& method, const HeaderList& headers) {
  http::Request r;
  r.method = method;
  r.path = "/todos";
  r.target = "/todos";
  r.headers = headers;
  return r;
}

model::CorsSettings allow(std::vector<std::string> origins, bool credentials = false) {
  model::CorsSettings cors;
  cors.enabled = true;
  cors.allow_origins = std::move(origins);
  cors.allow_credentials = credentials;
  return cors;
}

struct PreflightRow {
  const char* sentence;
  const char* method;
  HeaderList headers;
  bool preflight;
};

TEST(IsPreflight, NeedsOptionsAnOriginAndARequestedMethod) {
  const PreflightRow rows[] = {
      {"OPTIONS with Origin and Access-Control-Request-Method is a preflight",
       "OPTIONS",
       {{"origin", "https://app.example"}, {"access-control-request-method", "POST"}},
       true},
      {"OPTIONS without Origin is not",
       "OPTIONS",
       {{"access-control-request-method", "POST"}},
       false},
      {"OPTIONS without a requested method is not",
       "OPTIONS",
       {{"origin", "https://app.example"}},
       false},
      {"another method with both headers is not",
       "GET",
       {{"origin", "https://app.example"}, {"access-control-request-method", "POST"}},
       false},
      {"the method name is case-sensitive",
       "options",
       {{"origin", "https://app.example"}, {"access-control-request-method", "POST"}},
       false},
  };
  for (const PreflightRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    EXPECT_EQ(is_preflight(request(row.method, row.headers)), row.preflight);
  }
}

const char* const kVaryPreflight =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

struct AnswerRow {
  const char* sentence;
  model::CorsSettings cors;
  HeaderList request_headers;
  HeaderList response_headers;
};

TEST(AnswerPreflight, AnswersWith204AndTheExactHeaders) {
  model::CorsSettings listed_headers = allow({"https://app.example"});
  listed_headers.allow_headers = {"Content-Type", "X-Api-Key"};
  listed_headers.max_age_seconds = 60;
  const HeaderList asked = {{"origin", "https://app.example"},
                            {"access-control-request-method", "POST"},
                            {"access-control-request-headers", "content-type, x-trace"}};
  const AnswerRow rows[] = {
      {"an allowed origin gets the methods and the headers it asked for",
       allow({"https://app.example"}),
       asked,
       {{"Vary", kVaryPreflight},
        {"Access-Control-Allow-Origin", "https://app.example"},
        {"Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"},
        {"Access-Control-Allow-Headers", "content-type, x-trace"},
        {"Access-Control-Max-Age", "600"}}},
      {"declared allowed headers replace the asked ones",
       listed_headers,
       asked,
       {{"Vary", kVaryPreflight},
        {"Access-Control-Allow-Origin", "https://app.example"},
        {"Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"},
        {"Access-Control-Allow-Headers", "Content-Type, X-Api-Key"},
        {"Access-Control-Max-Age", "60"}}},
      {"no asked headers and none declared send no Allow-Headers",
       allow({"*"}),
       {{"origin", "https://x.example"}, {"access-control-request-method", "GET"}},
       {{"Vary", kVaryPreflight},
        {"Access-Control-Allow-Origin", "*"},
        {"Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"},
        {"Access-Control-Max-Age", "600"}}},
      {"with credentials any origin is echoed, never *",
       allow({"*"}, true),
       {{"origin", "https://x.example"}, {"access-control-request-method", "GET"}},
       {{"Vary", kVaryPreflight},
        {"Access-Control-Allow-Origin", "https://x.example"},
        {"Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"},
        {"Access-Control-Allow-Credentials", "true"},
        {"Access-Control-Max-Age", "600"}}},
      {"an origin not allowed gets only Vary",
       allow({"https://app.example"}),
       {{"origin", "https://evil.example"}, {"access-control-request-method", "POST"}},
       {{"Vary", kVaryPreflight}}},
      {"origins are compared exactly",
       allow({"https://app.example"}),
       {{"origin", "https://app.example:443"}, {"access-control-request-method", "POST"}},
       {{"Vary", kVaryPreflight}}},
      {"no allowed origins refuses every origin",
       allow({}),
       {{"origin", "https://app.example"}, {"access-control-request-method", "POST"}},
       {{"Vary", kVaryPreflight}}},
  };
  for (const AnswerRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    http::Response response;
    answer_preflight(row.cors, request("OPTIONS", row.request_headers), "GET, POST, HEAD, OPTIONS",
                     response);
    EXPECT_EQ(response.status, 204);
    EXPECT_EQ(response.headers, row.response_headers);
    EXPECT_TRUE(response.body.empty());
  }
}

const char* const kExposedByDefault =
    "Location, Link, X-Total-Count, Preference-Applied, Retry-After, Allow";

TEST(AddCorsHeaders, AddsTheHeadersAndTheVaryEveryAnswerCarries) {
  model::CorsSettings exposing = allow({"https://app.example"});
  exposing.expose_headers = {"ETag", "X-Request-Id"};
  const AnswerRow rows[] = {
      {"any origin is answered with * and no Vary",
       allow({"*"}),
       {{"origin", "https://x.example"}},
       {{"Access-Control-Allow-Origin", "*"},
        {"Access-Control-Expose-Headers", kExposedByDefault}}},
      {"any origin is answered with * even without Origin",
       allow({"*"}),
       {},
       {{"Access-Control-Allow-Origin", "*"},
        {"Access-Control-Expose-Headers", kExposedByDefault}}},
      {"a listed origin is echoed and the answer varies by Origin",
       allow({"https://other.example", "https://app.example"}),
       {{"origin", "https://app.example"}},
       {{"Vary", "Origin"},
        {"Access-Control-Allow-Origin", "https://app.example"},
        {"Access-Control-Expose-Headers", kExposedByDefault}}},
      {"an origin not listed gets only Vary",
       allow({"https://app.example"}),
       {{"origin", "https://evil.example"}},
       {{"Vary", "Origin"}}},
      {"a request without Origin still varies by Origin",
       allow({"https://app.example"}),
       {},
       {{"Vary", "Origin"}}},
      {"declared exposed headers replace the default ones",
       exposing,
       {{"origin", "https://app.example"}},
       {{"Vary", "Origin"},
        {"Access-Control-Allow-Origin", "https://app.example"},
        {"Access-Control-Expose-Headers", "ETag, X-Request-Id"}}},
      {"with credentials any origin is echoed and varies by Origin",
       allow({"*"}, true),
       {{"origin", "https://x.example"}},
       {{"Vary", "Origin"},
        {"Access-Control-Allow-Origin", "https://x.example"},
        {"Access-Control-Expose-Headers", kExposedByDefault},
        {"Access-Control-Allow-Credentials", "true"}}},
      {"with credentials and no Origin only Vary is sent",
       allow({"*"}, true),
       {},
       {{"Vary", "Origin"}}},
  };
  for (const AnswerRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    http::Response response;
    response.status = 404;
    add_cors_headers(row.cors, request("GET", row.request_headers), response);
    EXPECT_EQ(response.status, 404) << "the status is left alone";
    EXPECT_EQ(response.headers, row.response_headers);
  }
}

TEST(AddCorsHeaders, KeepsTheHeadersAlreadyThere) {
  http::Response response;
  response.add_header("Location", "/todos/1");
  add_cors_headers(allow({"*"}), request("POST", {{"origin", "https://x.example"}}), response);
  EXPECT_EQ(response.headers, (HeaderList{{"Location", "/todos/1"},
                                          {"Access-Control-Allow-Origin", "*"},
                                          {"Access-Control-Expose-Headers", kExposedByDefault}}));
}

}  // namespace
}  // namespace apiserver::pipeline
