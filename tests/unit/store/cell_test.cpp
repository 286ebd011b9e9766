// Unit tests of the conversions between JSON values and SQL cells, and of writing cells as JSON
// text directly.
#include "store/cell.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

namespace apiserver::store {
namespace {

using model::ColumnType;
using nlohmann::json;

Cell cell_of(ColumnType type, const json& value) {
  Cell cell;
  set_cell(cell, type, value);
  return cell;
}

std::string json_text(const Cell& cell, ColumnType type) {
  std::string out;
  append_cell_json(cell, type, out);
  return out;
}

TEST(Cell, StoresNullAsSqlNullForEveryType) {
  for (ColumnType type : {ColumnType::kInteger, ColumnType::kReal, ColumnType::kText,
                          ColumnType::kBoolean, ColumnType::kJson}) {
    Cell cell = cell_of(type, nullptr);
    EXPECT_EQ(cell.indicator, soci::i_null);
    EXPECT_TRUE(cell_value(cell, type).is_null());
    EXPECT_EQ(json_text(cell, type), "null");
  }
}

TEST(Cell, RoundTripsIntegersIncludingSixtyFourBitOnes) {
  for (long long v : {0LL, -1LL, 5000000000LL, std::numeric_limits<long long>::max(),
                      std::numeric_limits<long long>::min()}) {
    Cell cell = cell_of(ColumnType::kInteger, v);
    EXPECT_EQ(cell_value(cell, ColumnType::kInteger), v);
    EXPECT_EQ(json_text(cell, ColumnType::kInteger), std::to_string(v));
  }
}

TEST(Cell, RoundsAnIntegralFloatIntoAnIntegerColumn) {
  EXPECT_EQ(cell_value(cell_of(ColumnType::kInteger, 3.0), ColumnType::kInteger), 3);
}

TEST(Cell, RoundTripsReals) {
  for (double v : {0.0, 1.5, -2.25, 0.1, 1e300, 5e-324}) {
    Cell cell = cell_of(ColumnType::kReal, v);
    EXPECT_EQ(cell_value(cell, ColumnType::kReal).get<double>(), v);
    EXPECT_EQ(json::parse(json_text(cell, ColumnType::kReal)).get<double>(), v) << v;
  }
  EXPECT_EQ(cell_value(cell_of(ColumnType::kReal, 7), ColumnType::kReal).get<double>(), 7.0);
}

TEST(Cell, WritesNonFiniteRealsAsNull) {
  Cell cell;
  cell.indicator = soci::i_ok;
  cell.real = std::numeric_limits<double>::infinity();
  EXPECT_EQ(json_text(cell, ColumnType::kReal), "null");
  cell.real = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(json_text(cell, ColumnType::kReal), "null");
}

TEST(Cell, RoundTripsBooleans) {
  EXPECT_EQ(cell_value(cell_of(ColumnType::kBoolean, true), ColumnType::kBoolean), true);
  EXPECT_EQ(cell_value(cell_of(ColumnType::kBoolean, false), ColumnType::kBoolean), false);
  EXPECT_EQ(json_text(cell_of(ColumnType::kBoolean, true), ColumnType::kBoolean), "true");
  EXPECT_EQ(json_text(cell_of(ColumnType::kBoolean, false), ColumnType::kBoolean), "false");
}

TEST(Cell, RoundTripsTextWithEscapes) {
  for (const std::string& s : {std::string(""), std::string("plain"), std::string("q\"uo\\te"),
                               std::string("ctl\n\r\t\b\f\x01\x1f\x7f"), std::string("nul\0x", 5),
                               std::string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80")}) {
    Cell cell = cell_of(ColumnType::kText, s);
    EXPECT_EQ(cell_value(cell, ColumnType::kText), s);
    std::string text = json_text(cell, ColumnType::kText);
    EXPECT_EQ(json::parse(text), s) << text;
    EXPECT_EQ(text, json(s).dump()) << "the same text nlohmann would write";
  }
}

TEST(Cell, WritesInvalidUtf8TextAsReplacementCharacters) {
  Cell cell;
  cell.indicator = soci::i_ok;
  for (const std::string bad :
       {"\xFF", "a\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    cell.text = bad;
    std::string text = json_text(cell, ColumnType::kText);
    json parsed;
    ASSERT_NO_THROW(parsed = json::parse(text)) << text;
    EXPECT_NE(parsed.get<std::string>().find("\xEF\xBF\xBD"), std::string::npos) << text;
  }
}

TEST(Cell, WritesRandomTextAsValidJson) {
  std::mt19937 rng(5);
  Cell cell;
  cell.indicator = soci::i_ok;
  for (int round = 0; round < 2000; ++round) {
    cell.text.clear();
    for (size_t i = 0, n = rng() % 12; i < n; ++i) cell.text += static_cast<char>(rng() & 0xff);
    std::string text = json_text(cell, ColumnType::kText);
    ASSERT_TRUE(json::accept(text)) << text;
  }
}

TEST(Cell, StoresNonStringsInATextColumnAsTheirJson) {
  EXPECT_EQ(cell_value(cell_of(ColumnType::kText, 12), ColumnType::kText), "12");
}

TEST(Cell, RoundTripsJsonValuesOfEveryKind) {
  for (const json& v :
       {json::parse(R"({"a": [1, {"b": null}], "c": "d"})"), json::array(), json::object(),
        json("text"), json("123"), json(12), json(1.5), json(true)}) {
    Cell cell = cell_of(ColumnType::kJson, v);
    EXPECT_EQ(cell_value(cell, ColumnType::kJson), v) << v.dump();
    EXPECT_EQ(json::parse(json_text(cell, ColumnType::kJson)), v) << v.dump();
  }
}

TEST(Cell, ReadsAJsonColumnThatIsNotJsonAsItsText) {
  Cell cell;
  cell.indicator = soci::i_ok;
  cell.text = "not json";
  EXPECT_EQ(cell_value(cell, ColumnType::kJson), "not json");
}

// BUG: append_cell_json copies a JSON column's text verbatim, so a value that is not JSON (a row
// written outside the server, e.g. by the bench harness or sqlite3, or by an older version)
// produces an invalid response body — while cell_value() falls back to a string for the same
// cell. Expected: valid JSON (the text as a JSON string, like cell_value); actual: `not json`.
TEST(Cell, WritesAJsonColumnThatIsNotJsonAsValidJson) {
  Cell cell;
  cell.indicator = soci::i_ok;
  cell.text = "not json";
  std::string text = json_text(cell, ColumnType::kJson);
  EXPECT_TRUE(json::accept(text)) << text;
  cell.text = "";
  EXPECT_TRUE(json::accept(json_text(cell, ColumnType::kJson))) << "an empty string";
}

// nlohmann stops reading at a NUL byte: the text after it must not reach an answer as JSON.
TEST(Cell, ReadsAJsonColumnWithANulByteAsAString) {
  Cell cell;
  cell.indicator = soci::i_ok;
  cell.text = std::string("[1]\0garbage", 11);
  EXPECT_EQ(json::parse(json_text(cell, ColumnType::kJson)), json(cell.text));
  EXPECT_EQ(cell_value(cell, ColumnType::kJson), json(cell.text));
  cell.text = "[1, {\"a\": null}]";
  EXPECT_EQ(json_text(cell, ColumnType::kJson), cell.text);
  EXPECT_EQ(cell_value(cell, ColumnType::kJson), json::parse(cell.text));
}

TEST(Cell, AppendsToExistingText) {
  std::string out = "[";
  append_cell_json(cell_of(ColumnType::kInteger, 1), ColumnType::kInteger, out);
  out += ",";
  append_cell_json(cell_of(ColumnType::kText, "a"), ColumnType::kText, out);
  out += "]";
  EXPECT_EQ(out, "[1,\"a\"]");
}

}  // namespace
}  // namespace apiserver::store
