// Unit tests of the compiled model's small helpers.
#include "model/model.hpp"

#include <gtest/gtest.h>

#include "compile/operation_compiler.hpp"
#include "text/media_type.hpp"

namespace apiserver::model {
namespace {

TEST(Model, NamesLocationsAndActions) {
  EXPECT_STREQ(to_string(ParamLocation::kPath), "path");
  EXPECT_STREQ(to_string(ParamLocation::kQuery), "query");
  EXPECT_STREQ(to_string(ParamLocation::kHeader), "header");
  EXPECT_STREQ(to_string(ParamLocation::kCookie), "cookie");
  EXPECT_STREQ(to_string(CrudAction::kNone), "none");
  EXPECT_STREQ(to_string(CrudAction::kList), "list");
  EXPECT_STREQ(to_string(CrudAction::kCreate), "create");
  EXPECT_STREQ(to_string(CrudAction::kRead), "read");
  EXPECT_STREQ(to_string(CrudAction::kReplace), "replace");
  EXPECT_STREQ(to_string(CrudAction::kUpdate), "update");
  EXPECT_STREQ(to_string(CrudAction::kDelete), "delete");
}

TEST(Model, FindsColumnsOfSchemaPropertiesOnly) {
  Resource r;
  Column implicit;
  implicit.property = "id";
  implicit.in_schema = false;
  Column title;
  title.property = "title";
  r.columns = {implicit, title};
  EXPECT_EQ(r.column_of("title"), 1);
  EXPECT_EQ(r.column_of("id"), -1);
  EXPECT_EQ(r.column_of("nope"), -1);
}

TEST(Model, FindsOperationsByUpperCaseMethod) {
  PathItem item;
  item.operations.resize(2);
  item.operations[0].method = "GET";
  item.operations[1].method = "POST";
  EXPECT_EQ(item.find("POST"), &item.operations[1]);
  EXPECT_EQ(item.find("post"), nullptr);
  EXPECT_EQ(item.find("PUT"), nullptr);
}

TEST(MediaTypes, NormalizesAndRecognisesJson) {
  using text::is_json_media_type;
  using text::normalize_media_type;
  EXPECT_EQ(text::normalize_media_type("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(text::normalize_media_type("  text/plain  "), "text/plain");
  EXPECT_TRUE(text::is_json_media_type("application/json"));
  EXPECT_TRUE(text::is_json_media_type("application/problem+json"));
  EXPECT_TRUE(text::is_json_media_type("application/vnd.api+json"));
  EXPECT_FALSE(text::is_json_media_type("application/jsonl"));
  EXPECT_FALSE(text::is_json_media_type("text/plain"));
  EXPECT_FALSE(text::is_json_media_type("json"));
  EXPECT_FALSE(text::is_json_media_type("application/+json")) << "no subtype before +json";
}

}  // namespace
}  // namespace apiserver::model
