// Unit tests of the Problem catalogue (every code's status, type, title and body) and its
// RFC 9457 application/problem+json rendering.
#include "problem/problem.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace apiserver {
namespace {

using nlohmann::json;

json render(const Problem& problem, const std::string& instance = "/todos/1") {
  return json::parse(render_problem_json(problem, instance));
}

// One row per ProblemCode: what the client is told for it. The status, type and title are the
// public contract; a row that changes is a change of the API.
struct CatalogueRow {
  const char* sentence;
  ProblemCode code;
  int status;
  const char* type;
  const char* title;
};

const CatalogueRow kCatalogueRows[] = {
    {"a path with no route is 404 not-found", ProblemCode::kNotFound, 404,
     "urn:apiserver:problem:not-found", "No such resource"},
    {"a method the route lacks is 405 method-not-allowed", ProblemCode::kMethodNotAllowed, 405,
     "urn:apiserver:problem:method-not-allowed", "Method not allowed"},
    {"an Accept that excludes every answer is 406 not-acceptable", ProblemCode::kNotAcceptable, 406,
     "urn:apiserver:problem:not-acceptable", "Not acceptable"},
    {"an undeclared body media type is 415 unsupported-media-type",
     ProblemCode::kUnsupportedMediaType, 415, "urn:apiserver:problem:unsupported-media-type",
     "Unsupported media type"},
    {"a body over the limit is 413 payload-too-large", ProblemCode::kPayloadTooLarge, 413,
     "urn:apiserver:problem:payload-too-large", "Request body too large"},
    {"a body that is not the JSON it claims is 400 malformed-body", ProblemCode::kMalformedBody,
     400, "urn:apiserver:problem:malformed-body", "Malformed request body"},
    {"an uninterpretable request is 400 bad-request", ProblemCode::kBadRequest, 400,
     "urn:apiserver:problem:bad-request", "Bad request"},
    {"a request breaking its schemas is 422 validation-failed", ProblemCode::kValidationFailed, 422,
     "urn:apiserver:problem:validation-failed", "Request validation failed"},
    {"a stored row that does not exist is 404 resource-not-found", ProblemCode::kResourceNotFound,
     404, "urn:apiserver:problem:resource-not-found", "Resource not found"},
    {"a write conflicting with stored data is 409 conflict", ProblemCode::kConflict, 409,
     "urn:apiserver:problem:conflict", "Conflict"},
    {"an operation without a handler is 501 not-implemented", ProblemCode::kNotImplemented, 501,
     "urn:apiserver:problem:not-implemented", "Not implemented"},
    {"busy storage is 503 service-unavailable", ProblemCode::kServiceUnavailable, 503,
     "urn:apiserver:problem:service-unavailable", "Service unavailable"},
    {"a client too slow is 408 request-timeout", ProblemCode::kRequestTimeout, 408,
     "urn:apiserver:problem:request-timeout", "Request timeout"},
    {"headers over the limit are 431 headers-too-large", ProblemCode::kHeadersTooLarge, 431,
     "urn:apiserver:problem:headers-too-large", "Request header fields too large"},
    {"an Expect other than 100-continue is 417 expectation-failed", ProblemCode::kExpectationFailed,
     417, "urn:apiserver:problem:expectation-failed", "Expectation failed"},
    {"a version other than HTTP/1.x is 505 http-version-not-supported",
     ProblemCode::kHttpVersionNotSupported, 505, "urn:apiserver:problem:http-version-not-supported",
     "HTTP version not supported"},
    {"a Prefer naming an undeclared status or example is 400 undeclared-preference",
     ProblemCode::kUndeclaredPreference, 400, "urn:apiserver:problem:undeclared-preference",
     "Preference not declared"},
    {"a failure a mock injected is 503 injected-failure", ProblemCode::kInjectedFailure, 503,
     "urn:apiserver:problem:injected-failure", "Injected failure"},
    {"missing or refused credentials are 401 unauthorized", ProblemCode::kUnauthorized, 401,
     "urn:apiserver:problem:unauthorized", "Authentication required"},
    {"a caller lacking a scope is 403 forbidden", ProblemCode::kForbidden, 403,
     "urn:apiserver:problem:forbidden", "Forbidden"},
    {"a request over its rate limit is 429 rate-limited", ProblemCode::kTooManyRequests, 429,
     "urn:apiserver:problem:rate-limited", "Too many requests"},
    {"a write on a version that is no longer current is 412 precondition-failed",
     ProblemCode::kPreconditionFailed, 412, "urn:apiserver:problem:precondition-failed",
     "Precondition failed"},
    {"a write without If-Match where the resource requires one is 428 precondition-required",
     ProblemCode::kPreconditionRequired, 428, "urn:apiserver:problem:precondition-required",
     "Precondition required"},
    {"an upstream that cannot be reached or answers badly is 502 bad-gateway",
     ProblemCode::kBadGateway, 502, "urn:apiserver:problem:bad-gateway", "Bad gateway"},
    {"an upstream that does not answer in time is 504 gateway-timeout",
     ProblemCode::kGatewayTimeout, 504, "urn:apiserver:problem:gateway-timeout", "Gateway timeout"},
    {"a defect is 500 internal", ProblemCode::kInternal, 500, "urn:apiserver:problem:internal",
     "Internal server error"},
};

TEST(ProblemCatalogue, HasOneRowPerCodeInThisTable) {
  const auto count = static_cast<std::size_t>(ProblemCode::kCount);
  std::vector<int> rows_per_code(count, 0);
  for (const CatalogueRow& row : kCatalogueRows) {
    const auto index = static_cast<std::size_t>(row.code);
    ASSERT_LT(index, count) << row.sentence;
    ++rows_per_code[index];
  }
  for (std::size_t index = 0; index < count; ++index)
    EXPECT_EQ(rows_per_code[index], 1) << "ProblemCode number " << index;
}

TEST(ProblemCatalogue, GivesEveryCodeItsStatusTypeAndTitle) {
  for (const CatalogueRow& row : kCatalogueRows) {
    SCOPED_TRACE(row.sentence);
    const Problem problem = Problem::make(row.code, "");
    EXPECT_EQ(problem.status(), row.status);
    EXPECT_EQ(problem.type(), row.type);
    EXPECT_STREQ(problem.title(), row.title);
  }
}

TEST(ProblemCatalogue, WritesTheBodyOfEveryCode) {
  for (const CatalogueRow& row : kCatalogueRows) {
    SCOPED_TRACE(row.sentence);
    const std::string expected = std::string(R"({"type":")") + row.type + R"(","title":")" +
                                 row.title + R"(","status":)" + std::to_string(row.status) +
                                 R"(,"detail":"what went wrong","instance":"/things/7"})";
    EXPECT_EQ(render_problem_json(Problem::make(row.code, "what went wrong"), "/things/7"),
              expected);
  }
}

TEST(ProblemCatalogue, GivesNoTwoCodesTheSameType) {
  std::set<std::string> types;
  for (const CatalogueRow& row : kCatalogueRows)
    EXPECT_TRUE(types.insert(Problem::make(row.code, "").type()).second) << row.sentence;
}

TEST(ProblemCatalogue, ReadsTheCountSentinelAsAnInternalError) {
  const Problem problem = Problem::make(ProblemCode::kCount, "");
  EXPECT_EQ(problem.status(), 500);
  EXPECT_EQ(problem.type(), "urn:apiserver:problem:internal");
  EXPECT_STREQ(problem.title(), "Internal server error");
}

TEST(RenderProblemJson, WritesTypeTitleStatusDetailAndInstanceInOrder) {
  Problem p = Problem::make(ProblemCode::kResourceNotFound, "no todo with id 1");
  std::string text = render_problem_json(p, "/todos/1");
  json body = json::parse(text);
  EXPECT_EQ(body["type"], "urn:apiserver:problem:resource-not-found");
  EXPECT_EQ(body["title"], p.title());
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["detail"], "no todo with id 1");
  EXPECT_EQ(body["instance"], "/todos/1");
  EXPECT_FALSE(body.contains("errors"));
  EXPECT_LT(text.find("\"type\""), text.find("\"title\""));
  EXPECT_LT(text.find("\"title\""), text.find("\"status\""));
  EXPECT_LT(text.find("\"status\""), text.find("\"detail\""));
  EXPECT_LT(text.find("\"detail\""), text.find("\"instance\""));
}

TEST(RenderProblemJson, OmitsAnEmptyDetailAndInstance) {
  json body = render(Problem::make(ProblemCode::kNotFound, ""), "");
  EXPECT_FALSE(body.contains("detail"));
  EXPECT_FALSE(body.contains("instance"));
  EXPECT_EQ(body.size(), 3u);
}

TEST(RenderProblemJson, ListsFieldErrorsWithInNamePointerAndDetail) {
  Problem p = Problem::validation({
      {ErrorSource::kBody, "", "/title", "must be a string"},
      {ErrorSource::kQuery, "limit", "", "must be at most 100"},
      {ErrorSource::kPath, "id", "", "must be an integer"},
      {ErrorSource::kHeader, "x-req", "", "is required"},
      {ErrorSource::kCookie, "session", "/a", "bad"},
  });
  json body = render(p);
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["type"], "urn:apiserver:problem:validation-failed");
  EXPECT_EQ(body["detail"], "5 errors in the request");
  ASSERT_EQ(body["errors"].size(), 5u);
  EXPECT_EQ(body["errors"][0],
            json({{"in", "body"}, {"pointer", "/title"}, {"detail", "must be a string"}}))
      << "a body error has no name";
  EXPECT_EQ(body["errors"][1], json({{"in", "query"},
                                     {"name", "limit"},
                                     {"pointer", ""},
                                     {"detail", "must be at most 100"}}));
  EXPECT_EQ(body["errors"][2]["in"], "path");
  EXPECT_EQ(body["errors"][3]["in"], "header");
  EXPECT_EQ(body["errors"][4]["in"], "cookie");
  EXPECT_EQ(body["errors"][4]["pointer"], "/a");
}

// The body is written by hand, member by member; a JSON library writing the same members in
// the same order must give the same bytes, escapes included.
TEST(RenderProblemJson, WritesTheBytesAJsonLibraryWrites) {
  Problem p = Problem::validation({
      {ErrorSource::kBody, "", "/a~1b/0", "must be \"x\" \\ or\n\ttab \x01\x1f\x7f"},
      {ErrorSource::kHeader, "x-caf\xC3\xA9", "", "\xF0\x9F\x98\x80 \b\f\r"},
  });
  for (int status : {0, 400}) {
    nlohmann::ordered_json expected = {{"type", p.type()},
                                       {"title", p.title()},
                                       {"status", status != 0 ? status : p.status()},
                                       {"detail", p.detail},
                                       {"instance", "/items?q=\"1\""}};
    expected["errors"] = {
        {{"in", "body"}, {"pointer", "/a~1b/0"}, {"detail", p.errors[0].detail}},
        {{"in", "header"},
         {"name", p.errors[1].name},
         {"pointer", ""},
         {"detail", p.errors[1].detail}},
    };
    EXPECT_EQ(render_problem_json(p, "/items?q=\"1\"", status), expected.dump());
  }
  const Problem plain = Problem::make(ProblemCode::kNotFound, "");
  EXPECT_EQ(
      render_problem_json(plain, ""),
      R"({"type":"urn:apiserver:problem:not-found","title":"No such resource","status":404})");
}

TEST(RenderProblemJson, SaysOneErrorInTheSingular) {
  Problem p = Problem::validation({{ErrorSource::kBody, "", "", "must be an object"}});
  EXPECT_EQ(render(p)["detail"], "1 error in the request");
}

TEST(RenderProblemJson, EscapesQuotesAndControlCharacters) {
  Problem p = Problem::make(ProblemCode::kBadRequest, "bad \"value\"\n\t\x01 here");
  json body = render(p, "/a\"b");
  EXPECT_EQ(body["detail"], "bad \"value\"\n\t\x01 here");
  EXPECT_EQ(body["instance"], "/a\"b");
}

TEST(RenderProblemJson, DoesNotThrowOnInvalidUtf8FromTheClient) {
  Problem p =
      Problem::validation({{ErrorSource::kQuery, "na\xFFme", "/\xC3", "bad \xE2\x82 text"}});
  p.detail = "detail \xC0\xAF";
  std::string text;
  ASSERT_NO_THROW(text = render_problem_json(p, "/path/\xFE\xFF"));
  json body;
  ASSERT_NO_THROW(body = json::parse(text)) << "the output is valid JSON (and UTF-8)";
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["errors"][0]["in"], "query");
  EXPECT_NE(body["instance"].get<std::string>().find("/path/"), std::string::npos);
}

TEST(RenderProblemJson, KeepsValidUtf8AsIs) {
  Problem p = Problem::make(ProblemCode::kConflict, "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(render(p)["detail"], "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(Problem, WithHeaderAddsResponseHeadersButNotToTheBody) {
  Problem p =
      Problem::make(ProblemCode::kMethodNotAllowed, "use GET").with_header("Allow", "GET, HEAD");
  ASSERT_EQ(p.headers.size(), 1u);
  EXPECT_EQ(p.headers[0].first, "Allow");
  EXPECT_EQ(p.headers[0].second, "GET, HEAD");
  EXPECT_FALSE(render(p).contains("headers"));
  EXPECT_FALSE(render(p).contains("Allow"));
}

TEST(ErrorSource, NamesEverySource) {
  EXPECT_STREQ(to_string(ErrorSource::kBody), "body");
  EXPECT_STREQ(to_string(ErrorSource::kPath), "path");
  EXPECT_STREQ(to_string(ErrorSource::kQuery), "query");
  EXPECT_STREQ(to_string(ErrorSource::kHeader), "header");
  EXPECT_STREQ(to_string(ErrorSource::kCookie), "cookie");
}

}  // namespace
}  // namespace apiserver
