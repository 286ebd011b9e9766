// Unit tests of the SQL text helpers.
#include "store/sql.hpp"

#include <gtest/gtest.h>

#include "unit/store/store_test_support.hpp"

namespace apiserver::store {
namespace {

using model::ColumnType;

TEST(QuoteIdentifier, QuotesAndDoublesEmbeddedQuotes) {
  EXPECT_EQ(quote_identifier("todos"), "\"todos\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_identifier(""), "\"\"");
  EXPECT_EQ(quote_identifier("x; DROP TABLE y"), "\"x; DROP TABLE y\"");
}

TEST(SqlType, NamesEveryColumnTypeInEachDialect) {
  const Dialect lite = Dialect::kSqlite;
  const Dialect pg = Dialect::kPostgres;
  EXPECT_STREQ(sql_type(ColumnType::kInteger, lite), "INTEGER");
  EXPECT_STREQ(sql_type(ColumnType::kReal, lite), "REAL");
  EXPECT_STREQ(sql_type(ColumnType::kText, lite), "TEXT");
  EXPECT_STREQ(sql_type(ColumnType::kBoolean, lite), "BOOLEAN");
  EXPECT_STREQ(sql_type(ColumnType::kJson, lite), "JSON_TEXT");
  EXPECT_STREQ(sql_type(ColumnType::kInteger, pg), "BIGINT");
  EXPECT_STREQ(sql_type(ColumnType::kReal, pg), "DOUBLE PRECISION");
  EXPECT_STREQ(sql_type(ColumnType::kText, pg), "TEXT");
  EXPECT_STREQ(sql_type(ColumnType::kBoolean, pg), "BOOLEAN");
  EXPECT_STREQ(sql_type(ColumnType::kJson, pg), "JSON");
}

TEST(ColumnList, ListsQuotedColumnNamesInOrder) {
  auto r = testing::resource("t", {testing::column("id", ColumnType::kInteger),
                                   testing::column("we\"ird", ColumnType::kText)});
  EXPECT_EQ(column_list(*r, Dialect::kSqlite), "\"id\", \"we\"\"ird\"");
}

TEST(ColumnList, ReadsPostgresBooleansAsIntegers) {
  auto r = testing::resource("t", {testing::column("id", ColumnType::kInteger),
                                   testing::column("done", ColumnType::kBoolean)});
  EXPECT_EQ(column_list(*r, Dialect::kPostgres), "\"id\", CAST(\"done\" AS INTEGER)");
  EXPECT_EQ(column_list(*r, Dialect::kSqlite), "\"id\", \"done\"");
}

TEST(DefaultLiteral, BooleansFollowTheDialectAndQuotesAreDoubled) {
  EXPECT_EQ(default_literal(true, ColumnType::kBoolean, Dialect::kSqlite), "1");
  EXPECT_EQ(default_literal(false, ColumnType::kBoolean, Dialect::kPostgres), "FALSE");
  EXPECT_EQ(default_literal(2.5, ColumnType::kReal, Dialect::kPostgres), "2.5");
  EXPECT_EQ(default_literal("it's", ColumnType::kText, Dialect::kSqlite), "'it''s'");
  EXPECT_EQ(default_literal(nlohmann::json::array({"a"}), ColumnType::kJson, Dialect::kPostgres),
            "'[\"a\"]'");
}

TEST(Dialect, PostgresUrisSelectPostgres) {
  EXPECT_EQ(dialect_of(std::string("postgresql://api@db/shop")), Dialect::kPostgres);
  EXPECT_EQ(dialect_of(std::string("postgres://db/shop")), Dialect::kPostgres);
  EXPECT_EQ(dialect_of(std::string("shop.db")), Dialect::kSqlite);
  EXPECT_EQ(dialect_of(std::string("./postgresql://x")), Dialect::kSqlite);
}

TEST(ShownLocation, HidesThePasswordOnly) {
  EXPECT_EQ(shown_location("postgresql://api:s3cret@db:5432/shop"),
            "postgresql://api:***@db:5432/shop");
  EXPECT_EQ(shown_location("postgresql://api:p@ss@db/shop"), "postgresql://api:***@db/shop");
  EXPECT_EQ(shown_location("postgresql://api@db/shop"), "postgresql://api@db/shop");
  EXPECT_EQ(shown_location("postgresql://db:5432/shop"), "postgresql://db:5432/shop");
  EXPECT_EQ(shown_location("postgresql://db/a@b"), "postgresql://db/a@b");
  EXPECT_EQ(shown_location("/var/lib/x:y@z.db"), "/var/lib/x:y@z.db");
}

}  // namespace
}  // namespace apiserver::store
