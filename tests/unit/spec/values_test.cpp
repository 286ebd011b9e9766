// Unit tests of the values documents write: durations (parse_duration), byte sizes
// (parse_byte_size) and mappings with a known set of keys (check_keys).
#include "spec/values.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string>

namespace apiserver::spec {
namespace {

using std::chrono::milliseconds;

// --- parse_duration ----------------------------------------------------------------------

struct DurationRow {
  const char* sentence;
  Json value;
  long long milliseconds;
};

TEST(ParseDuration, ReadsEveryUnitAndPlainMilliseconds) {
  const DurationRow rows[] = {
      {"a bare integer counts milliseconds", Json(150), 150},
      {"zero milliseconds is a duration", Json(0), 0},
      {"ms is milliseconds", Json("200ms"), 200},
      {"s is seconds", Json("2s"), 2000},
      {"m is minutes", Json("1m"), 60000},
      {"h is hours", Json("1h"), 3600000},
      {"d is days", Json("1d"), 86400000},
      {"zero of a unit is a duration", Json("0s"), 0},
      {"leading zeros are read as decimal", Json("007s"), 7000},
      {"the largest number read is 99999999 days", Json("99999999d"), 99999999LL * 86400000},
  };
  for (const DurationRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    milliseconds out{-1};
    EXPECT_TRUE(parse_duration(row.value, out)) << row.value.dump();
    EXPECT_EQ(out.count(), row.milliseconds);
  }
}

struct RefusedRow {
  const char* sentence;
  Json value;
};

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  const RefusedRow rows[] = {
      {"a negative number of milliseconds is refused", Json(-1)},
      {"a fraction of a millisecond is refused", Json(1.5)},
      {"a number without a unit in a string is refused", Json("200")},
      {"an unknown unit is refused", Json("2w")},
      {"a unit in capitals is refused", Json("2S")},
      {"a space before the unit is refused", Json("2 s")},
      {"a unit without a number is refused", Json("ms")},
      {"a sign is refused", Json("-2s")},
      {"a decimal point is refused", Json("1.5s")},
      {"text after the unit is refused", Json("2s later")},
      {"a number too long to read is refused", Json("1000000000000s")},
      {"an empty string is refused", Json("")},
      {"a boolean is refused", Json(true)},
      {"null is refused", Json(nullptr)},
      {"a list is refused", Json::array({"2s"})},
  };
  for (const RefusedRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    milliseconds out{12345};
    EXPECT_FALSE(parse_duration(row.value, out)) << row.value.dump();
  }
}

// --- parse_byte_size ---------------------------------------------------------------------

struct ByteSizeRow {
  const char* sentence;
  Json value;
  size_t bytes;
};

TEST(ParseByteSize, ReadsPlainNumbersAndBinaryUnits) {
  const ByteSizeRow rows[] = {
      {"a bare integer counts bytes", Json(4096), 4096},
      {"a number in a string counts bytes", Json("4096"), 4096},
      {"B is bytes", Json("100B"), 100},
      {"MiB is 2^20 bytes", Json("1MiB"), 1048576},
      {"a space may separate the number and its unit", Json("1 MiB"), 1048576},
      {"KB is 1024 bytes, not 1000", Json("512KB"), 524288},
      {"units are read in any case", Json("512kib"), 524288},
      {"k alone is KiB", Json("2k"), 2048},
      {"M alone is MiB", Json("3M"), 3 * 1048576},
      {"GiB is 2^30 bytes", Json("1GiB"), 1073741824},
      {"GB is 2^30 bytes, not 10^9", Json("2gb"), 2147483648u},
      {"1 TiB written in GiB is the largest size", Json("1024GiB"), size_t{1} << 40},
  };
  for (const ByteSizeRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    size_t out = 0;
    EXPECT_TRUE(parse_byte_size(row.value, out)) << row.value.dump();
    EXPECT_EQ(out, row.bytes);
  }
}

TEST(ParseByteSize, RefusesWhatIsNotAPositiveSize) {
  const RefusedRow rows[] = {
      {"zero bytes is refused", Json(0)},
      {"a negative integer is refused", Json(-1)},
      {"a fraction is refused", Json(1.5)},
      {"zero in a string is refused", Json("0")},
      {"zero of a unit is refused", Json("0MiB")},
      {"an empty string is refused", Json("")},
      {"a unit without a number is refused", Json("MiB")},
      {"a decimal point is refused", Json("1.5MiB")},
      {"terabytes are refused", Json("1 TB")},
      {"text after the unit is refused", Json("1MiB extra")},
      {"a negative number in a string is refused", Json("-1")},
      {"a boolean is refused", Json(true)},
      {"null is refused", Json(nullptr)},
      {"a list is refused", Json::array()},
      {"a number longer than 64 bits is refused", Json("99999999999999999999")},
      {"more than 1 TiB is refused", Json("1025GiB")},
      {"more than 1 TiB in bytes is refused", Json("1099511627777")},
  };
  for (const RefusedRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    size_t out = 0;
    EXPECT_FALSE(parse_byte_size(row.value, out)) << row.value.dump();
  }
}

// The number was once checked against 2^40 before it was multiplied by the unit, so the product
// could wrap around 64 bits: "17179869185GiB" (2^34 + 1 GiB) read as exactly 1 GiB.
TEST(ParseByteSize, DoesNotWrapAroundOnHugeSizes) {
  size_t out = 0;
  EXPECT_FALSE(parse_byte_size(Json("17179869185GiB"), out)) << "read as " << out;
}

// --- check_keys --------------------------------------------------------------------------

// A document whose root has the key `settings`, starting on line 3.
struct Checked {
  std::unique_ptr<Document> document;
  Diagnostics diagnostics;
};

Checked check(const std::string& settings, const std::set<std::string>& known) {
  Checked c;
  c.document = parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + settings,
                              "api.yaml", c.diagnostics);
  EXPECT_TRUE(c.document);
  if (!c.document) return c;
  EXPECT_FALSE(c.diagnostics.has_errors());
  check_keys(*c.document, Document::child(c.document->root_ref(), "settings"), known,
             c.diagnostics);
  return c;
}

TEST(CheckKeys, AcceptsAMappingOfKnownKeysSilently) {
  Checked c = check("settings: {delay: 2s, error-rate: 0.5}\n", {"delay", "error-rate"});
  EXPECT_TRUE(c.diagnostics.items().empty());
}

TEST(CheckKeys, AcceptsAnEmptyMapping) {
  Checked c = check("settings: {}\n", {"delay"});
  EXPECT_TRUE(c.diagnostics.items().empty());
}

TEST(CheckKeys, ReportsAnUnknownKeyAtItsLineWithTheKnownOnesInOrder) {
  Checked c = check("settings:\n  delay: 2s\n  dealy: 3s\n", {"error-rate", "delay"});
  ASSERT_EQ(c.diagnostics.items().size(), 1u);
  EXPECT_EQ(c.diagnostics.items()[0].to_string(),
            "api.yaml:5:10: error: unknown setting 'dealy' (known: delay, error-rate) "
            "(at /settings/dealy)");
}

TEST(CheckKeys, ReportsEveryUnknownKeyNotOnlyTheFirst) {
  Checked c = check("settings:\n  a: 1\n  b: 2\n  known: 3\n", {"known"});
  ASSERT_EQ(c.diagnostics.items().size(), 2u);
  EXPECT_EQ(c.diagnostics.items()[0].message, "unknown setting 'a' (known: known)");
  EXPECT_EQ(c.diagnostics.items()[0].pointer, "/settings/a");
  EXPECT_EQ(c.diagnostics.items()[1].message, "unknown setting 'b' (known: known)");
  EXPECT_EQ(c.diagnostics.items()[1].pointer, "/settings/b");
  EXPECT_EQ(c.diagnostics.error_count(), 2u);
}

TEST(CheckKeys, EscapesAKeyWithASlashInThePointer) {
  Checked c = check("settings: {a/b: 1}\n", {"x"});
  ASSERT_EQ(c.diagnostics.items().size(), 1u);
  EXPECT_EQ(c.diagnostics.items()[0].pointer, "/settings/a~1b");
}

TEST(CheckKeys, RefusesEveryKeyWhenNoneIsKnown) {
  Checked c = check("settings: {a: 1}\n", {});
  ASSERT_EQ(c.diagnostics.items().size(), 1u);
  EXPECT_EQ(c.diagnostics.items()[0].message, "unknown setting 'a' (known: )");
}

}  // namespace
}  // namespace apiserver::spec
