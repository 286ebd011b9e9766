// Answers checked against declared responses (pipeline/response_check.hpp): which declared
// response an answer falls under, and each way it can break it.
#include "pipeline/response_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::pipeline {
namespace {

model::DeclaredContent json_content(const char* media_type, const char* schema) {
  model::DeclaredContent content;
  content.media_type = media_type;
  content.is_json = true;
  content.schema = validate::CompiledSchema::build(nlohmann::json::parse(schema));
  return content;
}

class ResponseCheckTest : public ::testing::Test {
 protected:
  ResponseCheckTest() {
    model::DeclaredResponse ok{
        "200",
        {json_content("application/json", R"({"type":"object","required":["id"]})")},
        {"x-rate"}};
    model::DeclaredResponse created{"2XX", {}, {}};
    model::DeclaredContent any_text;
    any_text.media_type = "text/*";
    model::DeclaredResponse fallback{"default", {any_text}, {}};
    contract_.responses = {ok, created, fallback};
  }

  std::string check(int status, const std::string& type, const std::string& body,
                    bool head = false) {
    http::Response response;
    response.status = status;
    response.content_type = type;
    response.body = body;
    for (const auto& [name, value] : headers_) response.add_header(name, value);
    return describe_violations(response_violations(contract_, response, head));
  }

  model::ResponseContract contract_;
  std::vector<std::pair<std::string, std::string>> headers_ = {{"X-Rate", "1"}};
};

TEST_F(ResponseCheckTest, AnAnswerThatKeepsTheDocumentHasNoViolation) {
  EXPECT_EQ(check(200, "application/json; charset=utf-8", R"({"id":1})"), "");
  EXPECT_EQ(check(204, "", ""), "") << "2XX, declared without content";
  EXPECT_EQ(check(500, "text/plain", "oops"), "") << "default, text/*";
  EXPECT_EQ(check(200, "", "", true), "") << "a HEAD answer's body is not checked";
}

TEST_F(ResponseCheckTest, NamesEachWayAnAnswerBreaksTheDocument) {
  EXPECT_EQ(check(200, "application/json", R"({"name":1})"), "/id: is required");
  EXPECT_EQ(check(200, "application/json", "{oops"),
            "content-type: the body is not the JSON its media type says");
  EXPECT_EQ(check(200, "application/xml", "<a/>"),
            "content-type: 'application/xml' is not declared for 200 (declared: application/json)");
  EXPECT_EQ(check(201, "application/json", "{}"),
            "content-type: the document declares no body for 2XX, the answer has one");
  EXPECT_EQ(check(500, "", ""),
            "content-type: the answer has no body; the document declares text/*");
  headers_.clear();
  EXPECT_EQ(check(200, "application/json", R"({"id":1})"), "x-rate: is required");
  contract_.responses.pop_back();
  EXPECT_EQ(check(418, "", ""), "status: 418 is not declared");
}

TEST_F(ResponseCheckTest, ACompressedBodyIsNotRead) {
  headers_.emplace_back("Content-Encoding", "gzip");
  EXPECT_EQ(check(200, "application/json", std::string("\x1f\x8b\x08", 3)), "");
}

}  // namespace
}  // namespace apiserver::pipeline
