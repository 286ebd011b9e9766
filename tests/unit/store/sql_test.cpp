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

TEST(SqlType, NamesEveryColumnType) {
  EXPECT_STREQ(sql_type(ColumnType::kInteger), "INTEGER");
  EXPECT_STREQ(sql_type(ColumnType::kReal), "REAL");
  EXPECT_STREQ(sql_type(ColumnType::kText), "TEXT");
  EXPECT_STREQ(sql_type(ColumnType::kBoolean), "BOOLEAN");
  EXPECT_STREQ(sql_type(ColumnType::kJson), "JSON_TEXT");
}

TEST(ColumnList, ListsQuotedColumnNamesInOrder) {
  auto r = testing::resource("t", {testing::column("id", ColumnType::kInteger),
                                   testing::column("we\"ird", ColumnType::kText)});
  EXPECT_EQ(column_list(*r), "\"id\", \"we\"\"ird\"");
}

}  // namespace
}  // namespace apiserver::store
