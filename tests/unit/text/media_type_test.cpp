// Unit tests of media type names: normalize_media_type (lower case, no parameters, no
// surrounding blanks) and is_json_media_type (json and +json subtypes).
#include "text/media_type.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::text {
namespace {

struct NormalizeRow {
  const char* sentence;
  const char* written;
  const char* normalized;
};

TEST(NormalizeMediaType, LowerCasesAndDropsParametersAndBlanks) {
  const NormalizeRow rows[] = {
      {"a plain type is kept", "application/json", "application/json"},
      {"capitals are lowered", "Application/JSON", "application/json"},
      {"parameters are dropped", "application/json; charset=utf-8", "application/json"},
      {"parameters without a blank are dropped", "text/plain;charset=UTF-8", "text/plain"},
      {"blanks around the type are dropped", " \ttext/html \t", "text/html"},
      {"blanks before the parameters are dropped", "text/html \t; q=1", "text/html"},
      {"a range is kept as a range", "Image/*", "image/*"},
      {"the any range is kept", "*/*;q=0.5", "*/*"},
      {"a +json suffix is kept", "application/Problem+JSON", "application/problem+json"},
      {"text that is no media type is only lowered", "NotAType", "notatype"},
      {"an empty text stays empty", "", ""},
      {"blanks alone become empty", "  \t ", ""},
      {"parameters alone become empty", "; charset=utf-8", ""},
      {"blanks inside the type are kept", "text / html", "text / html"},
  };
  for (const NormalizeRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    EXPECT_EQ(normalize_media_type(row.written), row.normalized);
  }
}

struct JsonRow {
  const char* sentence;
  const char* normalized;
  bool is_json;
};

TEST(IsJsonMediaType, AcceptsJsonAndPlusJsonSubtypesOnly) {
  const JsonRow rows[] = {
      {"application/json is JSON", "application/json", true},
      {"a +json subtype is JSON", "application/problem+json", true},
      {"a vendor +json subtype is JSON", "application/vnd.api+json", true},
      {"a json subtype of another top-level type is JSON", "text/json", true},
      {"a +json subtype of another top-level type is JSON", "text/x+json", true},
      {"a subtype that is only +json is not JSON", "application/+json", false},
      {"a subtype ending in json without + is not JSON", "application/geojson", false},
      {"a json suffix other than +json is not JSON", "application/json-seq", false},
      {"a range is not JSON", "application/*", false},
      {"the any range is not JSON", "*/*", false},
      {"a text without a slash is not JSON", "json", false},
      {"an empty text is not JSON", "", false},
      {"upper case is not normalized here", "application/JSON", false},
      {"parameters are not stripped here", "application/json; charset=utf-8", false},
  };
  for (const JsonRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    EXPECT_EQ(is_json_media_type(row.normalized), row.is_json) << row.normalized;
  }
}

}  // namespace
}  // namespace apiserver::text
