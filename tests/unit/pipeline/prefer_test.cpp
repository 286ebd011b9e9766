// Unit tests of read_preferences: the Prefer header (RFC 7240) preferences this server acts on
// (code, example, dynamic, count=exact), quoting, parameters, several headers, unknown ones.
#include "pipeline/prefer.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace apiserver::pipeline {
namespace {

struct PreferRow {
  const char* sentence;
  std::vector<std::string> prefer;  // one value per Prefer header
  const char* code;                 // nullptr: not set
  const char* example;              // nullptr: not set
  bool dynamic;
  bool count_exact;
};

std::string or_unset(const std::optional<std::string>& value) {
  return value ? *value : "<unset>";
}

TEST(ReadPreferences, ReadsThePreferencesThisServerActsOn) {
  const PreferRow rows[] = {
      {"no Prefer header prefers nothing", {}, nullptr, nullptr, false, false},
      {"code names a status", {"code=404"}, "404", nullptr, false, false},
      {"a quoted code is unquoted", {"code=\"404\""}, "404", nullptr, false, false},
      {"example names an example", {"example=missing"}, nullptr, "missing", false, false},
      {"a quoted example may hold a comma", {"example=\"a,b\""}, nullptr, "a,b", false, false},
      {"a quoted example may hold a semicolon",
       {"example=\"a;b\"; x=1"},
       nullptr,
       "a;b",
       false,
       false},
      {"a quoted example may hold an escaped quote",
       {"example=\"a\\\"b\""},
       nullptr,
       "a\"b",
       false,
       false},
      {"dynamic=true asks for generated answers", {"dynamic=true"}, nullptr, nullptr, true, false},
      {"the value of dynamic is read in any case", {"dynamic=TRUE"}, nullptr, nullptr, true, false},
      {"dynamic=false is no", {"dynamic=false"}, nullptr, nullptr, false, false},
      {"dynamic without a value is no", {"dynamic"}, nullptr, nullptr, false, false},
      {"count=exact asks for the total", {"count=exact"}, nullptr, nullptr, false, true},
      {"the value of count is read in any case", {"count=Exact"}, nullptr, nullptr, false, true},
      {"another count is no", {"count=estimated"}, nullptr, nullptr, false, false},
      {"preference names are read in any case", {"Code=500"}, "500", nullptr, false, false},
      {"blanks around names and values are ignored",
       {" code = 404 , example =  x "},
       "404",
       "x",
       false,
       false},
      {"a comma separates preferences",
       {"code=404, example=x, dynamic=true, count=exact"},
       "404",
       "x",
       true,
       true},
      {"every Prefer header is read", {"code=201", "example=made"}, "201", "made", false, false},
      {"parameters after a semicolon are ignored",
       {"code=404; because=test"},
       "404",
       nullptr,
       false,
       false},
      {"a later preference overrides an earlier one",
       {"code=404, code=500"},
       "500",
       nullptr,
       false,
       false},
      {"an empty code is not set", {"code="}, nullptr, nullptr, false, false},
      {"an empty quoted example is not set", {"example=\"\""}, nullptr, nullptr, false, false},
      {"unknown preferences are ignored",
       {"respond-async, wait=10, return=minimal"},
       nullptr,
       nullptr,
       false,
       false},
  };
  for (const PreferRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    http::Request request;
    request.headers.emplace_back("accept", "application/json");
    for (const std::string& value : row.prefer) request.headers.emplace_back("prefer", value);
    Preferences preferences = read_preferences(request);
    EXPECT_EQ(or_unset(preferences.code), row.code == nullptr ? "<unset>" : row.code);
    EXPECT_EQ(or_unset(preferences.example), row.example == nullptr ? "<unset>" : row.example);
    EXPECT_EQ(preferences.dynamic, row.dynamic);
    EXPECT_EQ(preferences.count_exact, row.count_exact);
  }
}

TEST(ReadPreferences, ReadsOnlyHeadersNamedPrefer) {
  http::Request request;
  request.headers = {{"preference-applied", "code=404"}, {"x-prefer", "example=x"}};
  Preferences preferences = read_preferences(request);
  EXPECT_FALSE(preferences.code);
  EXPECT_FALSE(preferences.example);
}

}  // namespace
}  // namespace apiserver::pipeline
