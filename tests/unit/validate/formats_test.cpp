// Unit tests of the `format` checkers: every string case of the JSON-Schema-Test-Suite format
// files, hostile megabyte inputs that must be answered quickly, and the number formats.
#include "validate/formats.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <initializer_list>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace apiserver::validate {
namespace {

using nlohmann::json;

struct SuiteFile {
  const char* draft;
  const char* name;
};

std::string suite_path(const SuiteFile& f) {
  return std::string(APISERVER_TEST_DATA "/conformance/json-schema-test-suite/tests/") + f.draft +
         "/optional/format/" + f.name + ".json";
}

// gtest names may not contain '-'.
std::string suite_test_name(const testing::TestParamInfo<SuiteFile>& param_info) {
  std::string name = param_info.param.name;
  for (char& c : name) c = c == '-' ? '_' : c;
  return name;
}

class JsonSchemaTestSuite : public testing::TestWithParam<SuiteFile> {};

TEST_P(JsonSchemaTestSuite, StringCasesMatch) {
  const SuiteFile& param = GetParam();
  const std::string file = std::string(param.draft) + "/" + param.name;
  std::ifstream in(suite_path(param));
  ASSERT_TRUE(in) << "cannot open " << suite_path(param);
  const json groups = json::parse(in);
  int ran = 0;
  for (const json& group : groups) {
    const std::string format = group.at("schema").at("format").get<std::string>();
    if (format == "unknown") {
      EXPECT_EQ(format_kind(format), FormatKind::kUnchecked);
    } else {
      EXPECT_EQ(format_kind(format), FormatKind::kString) << format;
    }
    for (const json& test : group.at("tests")) {
      if (!test.at("data").is_string()) continue;  // `format` ignores other types.
      const std::string description = test.at("description").get<std::string>();
      const std::string data = test.at("data").get<std::string>();
      const bool valid = test.at("valid").get<bool>();
      const std::optional<std::string> message = check_string_format(format, data);
      EXPECT_EQ(message.has_value(), !valid)
          << file << ": " << description << "\n  data: " << json(data).dump()
          << "\n  message: " << message.value_or("(none)");
      ++ran;
    }
  }
  EXPECT_GT(ran, 0);
  std::cout << "[   info   ] " << file << ": ran " << ran << "\n";
}

INSTANTIATE_TEST_SUITE_P(
    Draft7, JsonSchemaTestSuite,
    testing::Values(SuiteFile{"draft7", "date"}, SuiteFile{"draft7", "time"},
                    SuiteFile{"draft7", "date-time"}, SuiteFile{"draft7", "email"},
                    SuiteFile{"draft7", "hostname"}, SuiteFile{"draft7", "ipv4"},
                    SuiteFile{"draft7", "ipv6"}, SuiteFile{"draft7", "uri"},
                    SuiteFile{"draft7", "uri-reference"}, SuiteFile{"draft7", "iri"},
                    SuiteFile{"draft7", "iri-reference"}, SuiteFile{"draft7", "uri-template"},
                    SuiteFile{"draft7", "json-pointer"},
                    SuiteFile{"draft7", "relative-json-pointer"}, SuiteFile{"draft7", "unknown"}),
    suite_test_name);

INSTANTIATE_TEST_SUITE_P(Draft4, JsonSchemaTestSuite,
                         testing::Values(SuiteFile{"draft4", "date-time"},
                                         SuiteFile{"draft4", "email"},
                                         SuiteFile{"draft4", "hostname"},
                                         SuiteFile{"draft4", "ipv4"}, SuiteFile{"draft4", "ipv6"},
                                         SuiteFile{"draft4", "uri"},
                                         SuiteFile{"draft4", "unknown"}),
                         suite_test_name);

bool valid(std::string_view format, std::string_view value) {
  return !check_string_format(format, value).has_value();
}

// ---------------------------------------------------------------------------------------------
// Formats without a suite file, and cases the suite does not cover.

TEST(StringFormats, Uuid) {
  EXPECT_TRUE(valid("uuid", "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(valid("uuid", "123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_TRUE(valid("uuid", "00000000-0000-0000-0000-000000000000"));
  EXPECT_FALSE(valid("uuid", "123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(valid("uuid", "123e4567-e89b-12d3-a456-42661417400"));
  EXPECT_FALSE(valid("uuid", "123e4567-e89b-12d3-a456-4266141740000"));
  EXPECT_FALSE(valid("uuid", "123e4567-e89b-12d3-a456_426614174000"));
  EXPECT_FALSE(valid("uuid", "g23e4567-e89b-12d3-a456-426614174000"));
  EXPECT_FALSE(valid("uuid", "{123e4567-e89b-12d3-a456-426614174000}"));
  EXPECT_FALSE(valid("uuid", ""));
}

TEST(StringFormats, Byte) {
  EXPECT_TRUE(valid("byte", ""));
  EXPECT_TRUE(valid("byte", "aGk="));
  EXPECT_TRUE(valid("byte", "aGVsbG8="));
  EXPECT_TRUE(valid("byte", "aGVsbA=="));
  EXPECT_TRUE(valid("byte", "aGVs"));
  EXPECT_TRUE(valid("byte", "+/+/"));
  EXPECT_FALSE(valid("byte", "aGVsbG8"));  // Padding missing.
  EXPECT_FALSE(valid("byte", "aGVsbA="));  // Padding short.
  EXPECT_TRUE(valid("byte", "aGV="));
  EXPECT_FALSE(valid("byte", "a==="));  // At most two padding characters.
  EXPECT_FALSE(valid("byte", "===="));
  EXPECT_FALSE(valid("byte", "aG=k"));      // Padding only at the end.
  EXPECT_FALSE(valid("byte", "aGk=aGk="));  // Padding only at the very end.
  EXPECT_FALSE(valid("byte", "-_-_"));      // base64url alphabet is not base64.
  EXPECT_FALSE(valid("byte", "aGVs bG8="));
  EXPECT_FALSE(valid("byte", "aGVs\n"));
}

TEST(StringFormats, Duration) {
  for (const char* ok :
       {"P1Y", "P1M", "P1D", "P1Y2M", "P1Y2M3D", "P2M3D", "PT1H", "PT1M", "PT1S", "PT1H2M3S",
        "PT2M3S", "P1DT12H", "P1Y2M3DT4H5M6S", "P2W", "P0D", "PT0S", "PT36H", "p1dt2h"}) {
    EXPECT_TRUE(valid("duration", ok)) << ok;
  }
  for (const char* bad :
       {"",      "P",     "PT",    "P1",     "1D",     "P1DT",    "PT1D",   "P1H",
        "P1D2H", "P2D1Y", "P1Y2D", "PT1H3S", "P1W2D",  "P1Y2W",   "P2WT1H", "P1.5D",
        "P-1D",  "P1D ",  " P1D",  "P1S",    "PT1S2M", "P1DT1H1H"}) {
    EXPECT_FALSE(valid("duration", bad)) << bad;
  }
}

TEST(StringFormats, DateTimeExtras) {
  EXPECT_TRUE(valid("date", "2000-02-29"));
  EXPECT_FALSE(valid("date", "1900-02-29"));
  EXPECT_TRUE(valid("date", "0000-01-01"));
  EXPECT_TRUE(valid("time", "00:00:00.000000000000000000001+14:00"));
  EXPECT_FALSE(valid("time", "00:00:00.Z"));
  EXPECT_FALSE(valid("time", "00:00:00+01:00:00"));
  EXPECT_FALSE(valid("date-time", "2024-05-01 12:00:00Z"));
  EXPECT_FALSE(valid("date-time", "2024-05-01T"));
  EXPECT_TRUE(valid("date-time", "2024-05-01T12:00:00Z"));
}

TEST(StringFormats, EmailExtras) {
  EXPECT_TRUE(valid("email", "user@localhost"));
  EXPECT_TRUE(valid("email", "first.last+tag@sub.example.org"));
  EXPECT_TRUE(valid("email", "\"joe bloggs\"@example.com"));
  EXPECT_TRUE(valid("email", "\"a\\\"b@c\"@example.com"));
  EXPECT_TRUE(valid("email", "\"\"@example.com"));
  EXPECT_TRUE(valid("email", "joe@[127.0.0.1]"));
  EXPECT_TRUE(valid("email", "joe@[IPv6:::1]"));
  EXPECT_FALSE(valid("email", "joe@[::1]"));
  EXPECT_FALSE(valid("email", "joe@[300.0.0.1]"));
  EXPECT_FALSE(valid("email", "\"unterminated@example.com"));
  EXPECT_FALSE(valid("email", "\"a\"b@example.com"));
  EXPECT_FALSE(valid("email", "joe@example..com"));
  EXPECT_FALSE(valid("email", "joe@-example.com"));
  EXPECT_FALSE(valid("email", "joe@example_1.com"));
  EXPECT_FALSE(valid("email", "j\xc3\xb6@example.com"));  // Non-ASCII is idn-email's business.
  EXPECT_TRUE(valid("email", std::string(64, 'a') + "@example.com"));
  EXPECT_FALSE(valid("email", std::string(65, 'a') + "@example.com"));
  // 254 octets in all is the longest path; 255 is too long.
  const std::string domain = std::string(63, 'b') + "." + std::string(63, 'c') + ".";
  EXPECT_TRUE(valid("email", std::string(64, 'a') + "@" + domain + std::string(61, 'd')));
  EXPECT_FALSE(valid("email", std::string(64, 'a') + "@" + domain + std::string(62, 'd')));
}

TEST(StringFormats, HostnameExtras) {
  const std::string label(63, 'a');
  const std::string name253 = label + "." + label + "." + label + "." + std::string(61, 'b');
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_TRUE(valid("hostname", name253));
  EXPECT_FALSE(valid("hostname", name253 + "b"));
  EXPECT_TRUE(valid("hostname", "EXAMPLE.com"));
  EXPECT_TRUE(valid("hostname", "XN--4gbwdl.xn--wgbh1c"));  // Prefix is case-insensitive.
  EXPECT_FALSE(valid("hostname", "xn--abc-"));              // Decodes to all-ASCII "abc".
  EXPECT_FALSE(valid("hostname", "xn--"));
  EXPECT_FALSE(valid("hostname", "xn--zzzzzzzzzzzzzz"));  // Overflows the code point range.
  EXPECT_TRUE(valid("hostname", "xn--mnchen-3ya.de"));    // "münchen"
  EXPECT_TRUE(valid("hostname", "XN--mnchen-3YA.de"));    // Prefix and digits in either case...
  EXPECT_FALSE(valid("hostname", "xn--Mnchen-3ya.de"));   // ...but the U-label is lower case.
  EXPECT_FALSE(valid("hostname", "xn--ls8h.la"));         // An emoji: DISALLOWED in IDNA2008.
  EXPECT_FALSE(valid("hostname", "xn--a.example"));       // U+0080, a control character.
  EXPECT_FALSE(valid("hostname", "a..b"));
}

TEST(StringFormats, UriExtras) {
  EXPECT_TRUE(valid("uri", "urn:isbn:0451450523"));
  EXPECT_TRUE(valid("uri", "http://example.com:/"));  // Empty port is allowed.
  EXPECT_TRUE(valid("uri", "http://[v7.a:b]/"));
  EXPECT_TRUE(valid("uri", "a+b-c.d:"));
  EXPECT_FALSE(valid("uri", "http://[v7.]/"));
  EXPECT_FALSE(valid("uri", "http://[::1/"));
  EXPECT_FALSE(valid("uri", "http://[::1]x/"));
  EXPECT_FALSE(valid("uri", "http://ex ample.com/"));
  EXPECT_FALSE(valid("uri", "http://example.com/#a#b"));
  EXPECT_FALSE(valid("uri", "http://example.com/\xc3\xa9"));
  EXPECT_TRUE(valid("iri", "http://example.com/\xc3\xa9"));
  EXPECT_FALSE(valid("iri", "http://example.com/\xc3"));          // Truncated UTF-8.
  EXPECT_FALSE(valid("iri", "http://example.com/\xc0\xaf"));      // Overlong UTF-8.
  EXPECT_FALSE(valid("iri", "http://example.com/\xed\xa0\x80"));  // Surrogate.
  EXPECT_FALSE(valid("iri", "http://example.com/\xee\x80\x80"));  // iprivate outside a query.
  EXPECT_TRUE(valid("iri", "http://example.com/?\xee\x80\x80"));
  EXPECT_TRUE(valid("uri-reference", "?"));
  EXPECT_TRUE(valid("uri-reference", "#"));
  EXPECT_TRUE(valid("uri-reference", "a/b:c"));
  EXPECT_FALSE(valid("uri-reference", "%"));
}

TEST(StringFormats, UnknownAndNonStringFormatsPass) {
  EXPECT_TRUE(valid("password", "anything at all"));
  EXPECT_TRUE(valid("binary", std::string("\0\xff", 2)));
  EXPECT_TRUE(valid("int32", "not a number"));
  EXPECT_TRUE(valid("no-such-format", ""));
}

TEST(FormatKind, Classifies) {
  for (const char* f : {"date", "time", "date-time", "duration", "email", "hostname", "ipv4",
                        "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uri-template",
                        "json-pointer", "relative-json-pointer", "uuid", "byte"}) {
    EXPECT_EQ(format_kind(f), FormatKind::kString) << f;
  }
  for (const char* f : {"int32", "int64", "float", "double"}) {
    EXPECT_EQ(format_kind(f), FormatKind::kNumber) << f;
  }
  for (const char* f :
       {"password", "binary", "regex", "idn-email", "idn-hostname", "", "Date", "unknown"}) {
    EXPECT_EQ(format_kind(f), FormatKind::kUnchecked) << f;
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile input: a megabyte of anything must come back fast, without touching the stack depth.

constexpr size_t kMegabyte = 1 << 20;

const std::vector<std::string_view>& string_formats() {
  static const std::vector<std::string_view> formats = {
      "date",     "time",          "date-time",    "duration",     "email",
      "hostname", "ipv4",          "ipv6",         "uri",          "uri-reference",
      "iri",      "iri-reference", "uri-template", "json-pointer", "relative-json-pointer",
      "uuid",     "byte"};
  return formats;
}

// Checks `value` under `format`, expecting `expect_valid`, within a generous time budget that
// any linear algorithm meets by orders of magnitude and any quadratic one misses.
void expect_fast(std::string_view format, const std::string& value, bool expect_valid,
                 const char* what) {
  // The parsers are linear: a super-linear one would blow ctest's time limit on these inputs.
  const std::optional<std::string> message = check_string_format(format, value);
  EXPECT_EQ(message.has_value(), !expect_valid) << format << " on " << what;
  if (message) {
    EXPECT_FALSE(message->empty());
  }
}

bool contains(std::initializer_list<std::string_view> list, std::string_view item) {
  for (const std::string_view x : list) {
    if (x == item) return true;
  }
  return false;
}

TEST(HostileInput, MegabyteOfLetters) {
  const std::string value(kMegabyte, 'a');
  for (const std::string_view f : string_formats()) {
    // A long run of letters is a relative path, a template literal and base64.
    const bool ok = contains({"uri-reference", "iri-reference", "uri-template", "byte"}, f);
    expect_fast(f, value, ok, "1 MB of 'a'");
  }
}

TEST(HostileInput, MegabyteOfDigits) {
  const std::string value(kMegabyte, '7');
  for (const std::string_view f : string_formats()) {
    const bool ok = contains(
        {"uri-reference", "iri-reference", "uri-template", "byte", "relative-json-pointer"}, f);
    expect_fast(f, value, ok, "1 MB of digits");
  }
}

TEST(HostileInput, MegabyteOfRandomBytes) {
  std::mt19937 gen(20240501);  // mt19937's output is fixed by the standard: same bytes everywhere.
  std::string value(kMegabyte, '\0');
  for (char& c : value) c = static_cast<char>(gen() & 0xFF);
  for (const std::string_view f : string_formats()) expect_fast(f, value, false, "random bytes");
}

TEST(HostileInput, LongStructuredInputs) {
  const auto repeat = [](std::string_view unit, size_t bytes) {
    std::string s;
    s.reserve(bytes + unit.size());
    while (s.size() < bytes) s += unit;
    return s;
  };
  // Valid and long: each checker must still finish in one pass.
  expect_fast("uri", "http://" + std::string(kMegabyte, 'a') + "/", true, "long host");
  expect_fast("uri", "a:" + repeat("/%41", kMegabyte), true, "long escaped path");
  expect_fast("iri", "a:/" + repeat("\xc3\xa9", kMegabyte), true, "long UTF-8 path");
  expect_fast("json-pointer", repeat("/~0~1", kMegabyte), true, "long pointer");
  expect_fast("uri-template", repeat("{a,b.c:12*}", kMegabyte), false, "bad varspec");
  expect_fast("uri-template", repeat("{+a,b.c:12,d*}", kMegabyte), true, "long template");
  expect_fast("time", "12:00:00." + std::string(kMegabyte, '9') + "Z", true, "long fraction");
  expect_fast("duration", "P" + std::string(kMegabyte, '9') + "D", true, "long count");
  expect_fast("duration", repeat("P1Y", kMegabyte), false, "repeated designators");
  // Invalid near the end only.
  expect_fast("uri", "a:" + std::string(kMegabyte, 'b') + " ", false, "space at end");
  expect_fast("uri-template", std::string(kMegabyte, '{'), false, "open braces");
  expect_fast("uri-template", "{" + repeat("a,", kMegabyte), false, "unclosed expression");
  expect_fast("ipv6", repeat("1:", kMegabyte), false, "many groups");
  expect_fast("hostname", repeat("a.", kMegabyte), false, "many labels");
  expect_fast("email", repeat("a.", kMegabyte) + "@example.com", false, "long local part");
  expect_fast("email", "\"" + std::string(kMegabyte, 'a'), false, "open quote");
  expect_fast("relative-json-pointer", std::string(kMegabyte, '1') + "/~", false, "long prefix");
  expect_fast("byte", std::string(kMegabyte - 1, 'A') + "!", false, "bad last char");
}

// ---------------------------------------------------------------------------------------------
// Number formats.

std::optional<std::string> check_int(std::string_view format, long long v) {
  return check_number_format(format, true, v, static_cast<double>(v));
}
std::optional<std::string> check_real(std::string_view format, double v) {
  return check_number_format(format, false, 0, v);
}

TEST(NumberFormats, Int32) {
  EXPECT_FALSE(check_int("int32", 0));
  EXPECT_FALSE(check_int("int32", 2147483647));
  EXPECT_FALSE(check_int("int32", -2147483648LL));
  EXPECT_TRUE(check_int("int32", 2147483648LL));
  EXPECT_TRUE(check_int("int32", -2147483649LL));
  EXPECT_TRUE(check_int("int32", std::numeric_limits<long long>::max()));
  EXPECT_FALSE(check_real("int32", 1.0));  // 1.0 is an integer, as in JSON Schema.
  EXPECT_FALSE(check_real("int32", -2147483648.0));
  EXPECT_TRUE(check_real("int32", 2147483648.0));
  EXPECT_TRUE(check_real("int32", 1.5));
  EXPECT_TRUE(check_real("int32", 1e300));
  EXPECT_TRUE(check_real("int32", std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(check_real("int32", std::numeric_limits<double>::quiet_NaN()));
  const std::optional<std::string> message = check_real("int32", 0.5);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->rfind("must be an integer", 0), 0u) << *message;
}

TEST(NumberFormats, Int64) {
  EXPECT_FALSE(check_int("int64", std::numeric_limits<long long>::max()));
  EXPECT_FALSE(check_int("int64", std::numeric_limits<long long>::min()));
  EXPECT_FALSE(check_real("int64", 1e18));
  EXPECT_FALSE(check_real("int64", -9223372036854774784.0));  // Largest double below 2^63.
  EXPECT_TRUE(check_real("int64", 9223372036854775808.0));    // 2^63, e.g. from ...807 + 1.
  EXPECT_TRUE(check_real("int64", -9223372036854775808.0));   // Rounded from below -2^63.
  EXPECT_TRUE(check_real("int64", 18446744073709551615.0));   // uint64 max.
  EXPECT_TRUE(check_real("int64", 2.5));
  EXPECT_TRUE(check_real("int64", std::numeric_limits<double>::infinity()));
  const std::optional<std::string> message = check_real("int64", 2.5);
  ASSERT_TRUE(message);
  EXPECT_EQ(message->rfind("must be an integer", 0), 0u) << *message;
}

TEST(NumberFormats, Float) {
  EXPECT_FALSE(check_int("float", std::numeric_limits<long long>::max()));
  EXPECT_FALSE(check_real("float", 0.1));
  EXPECT_FALSE(check_real("float", -1e-300));  // Underflow only loses precision.
  EXPECT_FALSE(check_real("float", std::numeric_limits<float>::max()));
  EXPECT_FALSE(check_real("float", -std::numeric_limits<float>::max()));
  EXPECT_FALSE(check_real("float", 3.4028235e38));  // Rounds to FLT_MAX.
  EXPECT_TRUE(check_real("float", 3.4028236e38));   // Rounds to infinity.
  EXPECT_TRUE(check_real("float", 1e39));
  EXPECT_TRUE(check_real("float", -1e39));
  EXPECT_TRUE(check_real("float", std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(check_real("float", std::numeric_limits<double>::quiet_NaN()));
}

TEST(NumberFormats, Double) {
  EXPECT_FALSE(check_int("double", 42));
  EXPECT_FALSE(check_real("double", 1e308));
  EXPECT_FALSE(check_real("double", -std::numeric_limits<double>::max()));
  EXPECT_TRUE(check_real("double", std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(check_real("double", -std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(check_real("double", std::numeric_limits<double>::quiet_NaN()));
}

TEST(NumberFormats, OtherFormatsPass) {
  EXPECT_FALSE(check_real("date", 1.5));
  EXPECT_FALSE(check_real("unknown", std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(check_int("", 1));
}

}  // namespace
}  // namespace apiserver::validate
