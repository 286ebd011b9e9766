// Unit tests of the Problem catalogue and its RFC 9457 application/problem+json rendering.
#include "problem/problem.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace apiserver {
namespace {

using nlohmann::json;

json render(const Problem& problem, const std::string& instance = "/todos/1") {
  return json::parse(render_problem_json(problem, instance));
}

constexpr ProblemCode kAllCodes[] = {
    ProblemCode::kNotFound,          ProblemCode::kMethodNotAllowed,
    ProblemCode::kNotAcceptable,     ProblemCode::kUnsupportedMediaType,
    ProblemCode::kPayloadTooLarge,   ProblemCode::kMalformedBody,
    ProblemCode::kBadRequest,        ProblemCode::kValidationFailed,
    ProblemCode::kResourceNotFound,  ProblemCode::kConflict,
    ProblemCode::kNotImplemented,    ProblemCode::kServiceUnavailable,
    ProblemCode::kRequestTimeout,    ProblemCode::kHeadersTooLarge,
    ProblemCode::kExpectationFailed, ProblemCode::kHttpVersionNotSupported,
    ProblemCode::kInternal,
};

TEST(Problem, MapsEveryCodeToItsDocumentedStatus) {
  EXPECT_EQ(Problem::make(ProblemCode::kNotFound, "").status(), 404);
  EXPECT_EQ(Problem::make(ProblemCode::kMethodNotAllowed, "").status(), 405);
  EXPECT_EQ(Problem::make(ProblemCode::kNotAcceptable, "").status(), 406);
  EXPECT_EQ(Problem::make(ProblemCode::kUnsupportedMediaType, "").status(), 415);
  EXPECT_EQ(Problem::make(ProblemCode::kPayloadTooLarge, "").status(), 413);
  EXPECT_EQ(Problem::make(ProblemCode::kMalformedBody, "").status(), 400);
  EXPECT_EQ(Problem::make(ProblemCode::kBadRequest, "").status(), 400);
  EXPECT_EQ(Problem::make(ProblemCode::kValidationFailed, "").status(), 422);
  EXPECT_EQ(Problem::make(ProblemCode::kResourceNotFound, "").status(), 404);
  EXPECT_EQ(Problem::make(ProblemCode::kConflict, "").status(), 409);
  EXPECT_EQ(Problem::make(ProblemCode::kNotImplemented, "").status(), 501);
  EXPECT_EQ(Problem::make(ProblemCode::kServiceUnavailable, "").status(), 503);
  EXPECT_EQ(Problem::make(ProblemCode::kRequestTimeout, "").status(), 408);
  EXPECT_EQ(Problem::make(ProblemCode::kHeadersTooLarge, "").status(), 431);
  EXPECT_EQ(Problem::make(ProblemCode::kExpectationFailed, "").status(), 417);
  EXPECT_EQ(Problem::make(ProblemCode::kHttpVersionNotSupported, "").status(), 505);
  EXPECT_EQ(Problem::make(ProblemCode::kInternal, "").status(), 500);
}

TEST(Problem, GivesEveryCodeADistinctUrnTypeAndATitle) {
  std::set<std::string> types;
  for (ProblemCode code : kAllCodes) {
    Problem p = Problem::make(code, "");
    std::string type = p.type();
    EXPECT_EQ(type.rfind("urn:apiserver:problem:", 0), 0u) << type;
    std::string slug = type.substr(std::string("urn:apiserver:problem:").size());
    EXPECT_FALSE(slug.empty());
    EXPECT_EQ(slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string::npos) << slug;
    EXPECT_TRUE(types.insert(type).second) << "duplicate type " << type;
    EXPECT_GT(std::string(p.title()).size(), 0u);
  }
}

TEST(Problem, KeepsTheStableSlugsOfThePublicContract) {
  EXPECT_EQ(Problem::make(ProblemCode::kNotFound, "").type(), "urn:apiserver:problem:not-found");
  EXPECT_EQ(Problem::make(ProblemCode::kValidationFailed, "").type(),
            "urn:apiserver:problem:validation-failed");
  EXPECT_EQ(Problem::make(ProblemCode::kResourceNotFound, "").type(),
            "urn:apiserver:problem:resource-not-found");
  EXPECT_EQ(Problem::make(ProblemCode::kInternal, "").type(), "urn:apiserver:problem:internal");
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
