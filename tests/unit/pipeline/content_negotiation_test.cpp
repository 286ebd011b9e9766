// Unit tests of Accept matching: accepts_json (may a stored operation answer JSON?) and
// negotiate_media_type (which declared type a mock sends: q-values, the most specific range,
// ties to the earlier type, declared ranges narrowed by the client).
#include "pipeline/content_negotiation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace apiserver::pipeline {
namespace {

struct AcceptsJsonRow {
  const char* sentence;
  const char* accept;  // nullptr: no Accept header
  bool accepted;
};

TEST(AcceptsJson, ReadsTheRangesAndTheirQValues) {
  const AcceptsJsonRow rows[] = {
      {"no Accept header takes anything", nullptr, true},
      {"an empty Accept header takes anything", "", true},
      {"application/json is JSON", "application/json", true},
      {"a +json type is JSON", "application/problem+json", true},
      {"the any range includes JSON", "*/*", true},
      {"the application range includes JSON", "application/*", true},
      {"case and parameters do not matter", "Application/JSON; charset=utf-8", true},
      {"JSON anywhere in the list is enough", "text/html, application/json;q=0.5", true},
      {"a small q is still a yes", "application/json;q=0.001", true},
      {"HTML alone is a refusal", "text/html", false},
      {"the text range does not include JSON", "text/*", false},
      {"q=0 refuses JSON", "application/json;q=0", false},
      {"q=0.0 with a blank refuses JSON", "application/json; q=0.0, text/html", false},
      {"q=0 refuses the any range", "*/*;q=0", false},
      {"a list of nothing is a refusal", ",", false},
      {"a q=0 on JSON is not undone by the any range", "application/json;q=0, */*", false},
      {"a q=0 on the any range is not a q=0 on JSON", "*/*;q=0, application/json", true},
      {"the q parameter name is case-insensitive", "application/json;Q=0", false},
      {"a parameter ending in q is not q", "application/json;eq=0", true},
      {"a quoted comma is not a list separator", "text/html;v=\"a,application/json\"", false},
      {"a malformed q drops its range", "application/json;q=abc", false},
      {"a q above 1 is malformed", "application/json;q=1.5", false},
      {"a dropped range leaves the others", "application/json;q=x, application/*;q=0.2", true},
  };
  for (const AcceptsJsonRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    if (row.accept == nullptr) {
      EXPECT_EQ(accepts_json(nullptr), row.accepted);
    } else {
      const std::string accept = row.accept;
      EXPECT_EQ(accepts_json(&accept), row.accepted);
    }
  }
}

struct NegotiateRow {
  const char* sentence;
  const char* accept;  // nullptr: no Accept header
  std::vector<std::string> declared;
  int index;
  const char* type;
};

TEST(NegotiateMediaType, PicksTheDeclaredTypeTheClientPrefers) {
  const std::vector<std::string> json_xml = {"application/json", "application/xml"};
  const NegotiateRow rows[] = {
      {"without Accept the first declared type is sent", nullptr, json_xml, 0, "application/json"},
      {"an empty Accept is no Accept", "", json_xml, 0, "application/json"},
      {"nothing declared is nothing picked", "application/json", {}, -1, ""},
      {"a type the client does not take is not picked", "text/html", {"application/json"}, -1, ""},
      {"equal q goes to the earlier declared type", "application/xml, application/json", json_xml,
       0, "application/json"},
      {"the higher q wins", "application/json;q=0.5, application/xml", json_xml, 1,
       "application/xml"},
      {"the any range takes the first declared type", "*/*", json_xml, 0, "application/json"},
      {"a type range picks the type inside it",
       "text/*",
       {"application/json", "text/plain"},
       1,
       "text/plain"},
      {"the most specific range sets the q of a type",
       "text/*;q=0.9, text/plain;q=0.1",
       {"text/plain", "text/html"},
       1,
       "text/html"},
      {"q=0 on a type excludes it despite the any range",
       "*/*;q=0.1, application/json;q=0",
       {"application/json", "text/plain"},
       1,
       "text/plain"},
      {"q=0 on the only type is a refusal", "application/json;q=0", {"application/json"}, -1, ""},
      {"case and parameters of Accept do not matter",
       "Application/JSON; charset=utf-8",
       {"application/json"},
       0,
       "application/json"},
      {"a declared range is narrowed to the type the client names",
       "image/png",
       {"image/*"},
       0,
       "image/png"},
      {"a declared range asked for by range stays a range", "image/*", {"image/*"}, 0, "image/*"},
      {"a declared range under the any range stays a range", "*/*", {"image/*"}, 0, "image/*"},
      {"a declared range is narrowed to the client's best type",
       "image/webp;q=0.5, image/png",
       {"image/*"},
       0,
       "image/png"},
      {"a named type beats a range of equal q within one declared range",
       "image/png, */*",
       {"image/*"},
       0,
       "image/png"},
      {"a tie in q between two declared types goes to the earlier",
       "text/plain;q=0.5, application/json;q=0.5",
       {"text/plain", "application/json"},
       0,
       "text/plain"},
      {"an Accept of nothing but commas refuses everything", ",", {"application/json"}, -1, ""},
  };
  for (const NegotiateRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    MediaPick pick;
    if (row.accept == nullptr) {
      pick = negotiate_media_type(nullptr, row.declared);
    } else {
      const std::string accept = row.accept;
      pick = negotiate_media_type(&accept, row.declared);
    }
    EXPECT_EQ(pick.index, row.index);
    EXPECT_EQ(pick.type, row.type);
  }
}

}  // namespace
}  // namespace apiserver::pipeline
