// Unit tests of ResourceView: the JSON a stored row becomes (schema order, write-only and
// implicit columns hidden, NULL shown only where the schema allows null) and the key of a row
// as a URL path segment.
#include "pipeline/resource_view.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace apiserver::pipeline {
namespace {

using model::ColumnType;

model::Column column(std::string property, ColumnType type) {
  model::Column c;
  c.name = property;
  c.property = std::move(property);
  c.type = type;
  return c;
}

store::Cell integer(long long value) {
  store::Cell cell;
  cell.integer = value;
  cell.indicator = soci::i_ok;
  return cell;
}

store::Cell real(double value) {
  store::Cell cell;
  cell.real = value;
  cell.indicator = soci::i_ok;
  return cell;
}

store::Cell text(std::string value) {
  store::Cell cell;
  cell.text = std::move(value);
  cell.indicator = soci::i_ok;
  return cell;
}

store::Cell null() {
  return store::Cell{};
}

// A todo: id (the key), title, done, score (nullable), tags (JSON), password (write-only).
model::Resource todo() {
  model::Resource r;
  r.name = "Todo";
  r.table = "todos";
  r.columns = {column("id", ColumnType::kInteger),   column("title", ColumnType::kText),
               column("done", ColumnType::kBoolean), column("score", ColumnType::kReal),
               column("tags", ColumnType::kJson),    column("password", ColumnType::kText)};
  r.columns[3].nullable = true;
  r.columns[5].write_only = true;
  r.key = 0;
  return r;
}

std::string written(const model::Resource& resource, const store::Record& record) {
  std::string out;
  ResourceView(resource).write(record, out);
  return out;
}

struct WriteRow {
  const char* sentence;
  store::Record record;
  const char* json;
};

TEST(ResourceViewWrite, WritesWhatAClientMaySeeInSchemaOrder) {
  const model::Resource resource = todo();
  const WriteRow rows[] = {
      {"every visible column is written in schema order, the write-only one never",
       {integer(1), text("Buy milk"), integer(1), real(1.5), text(R"(["a","b"])"), text("pw")},
       R"({"id":1,"title":"Buy milk","done":true,"score":1.5,"tags":["a","b"]})"},
      {"a boolean column holding 0 is false",
       {integer(2), text("x"), integer(0), real(0), text("[]"), text("pw")},
       R"({"id":2,"title":"x","done":false,"score":0,"tags":[]})"},
      {"NULL where the schema allows null is written as null",
       {integer(3), text("x"), integer(0), null(), text("[]"), null()},
       R"({"id":3,"title":"x","done":false,"score":null,"tags":[]})"},
      {"NULL where the schema does not allow null is left out",
       {integer(4), null(), null(), real(2), null(), text("pw")},
       R"({"id":4,"score":2})"},
      {"text is escaped as a JSON string",
       {integer(5), text("say \"hi\"\n\\"), null(), null(), null(), null()},
       R"({"id":5,"title":"say \"hi\"\n\\","score":null})"},
      {"a real that is not finite is written as null",
       {integer(6), null(), null(), real(std::numeric_limits<double>::infinity()), null(), null()},
       R"({"id":6,"score":null})"},
  };
  for (const WriteRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    EXPECT_EQ(written(resource, row.record), row.json);
  }
}

TEST(ResourceViewWrite, HidesAnImplicitKeyTheSchemaDoesNotShow) {
  model::Resource resource;
  resource.columns = {column("id", ColumnType::kInteger), column("name", ColumnType::kText)};
  resource.columns[0].in_schema = false;
  EXPECT_EQ(written(resource, {integer(9), text("n")}), R"({"name":"n"})");
}

TEST(ResourceViewWrite, QuotesPropertyNamesAsJson) {
  model::Resource resource;
  resource.columns = {column("say \"hi\"", ColumnType::kInteger)};
  EXPECT_EQ(written(resource, {integer(1)}), R"({"say \"hi\"":1})");
}

TEST(ResourceViewWrite, AppendsToWhatIsAlreadyWritten) {
  const model::Resource resource = todo();
  const ResourceView view(resource);
  std::string out = "[";
  view.write({integer(1), null(), null(), null(), null(), null()}, out);
  out += ',';
  view.write({integer(2), null(), null(), null(), null(), null()}, out);
  out += ']';
  EXPECT_EQ(out, R"([{"id":1,"score":null},{"id":2,"score":null}])");
}

TEST(ResourceViewWrite, WritesAnEmptyObjectWhenNothingIsVisible) {
  model::Resource resource;
  resource.columns = {column("secret", ColumnType::kText)};
  resource.columns[0].write_only = true;
  EXPECT_EQ(written(resource, {text("s")}), "{}");
}

struct KeyRow {
  const char* sentence;
  ColumnType key_type;
  store::Cell key;
  const char* segment;
};

TEST(ResourceViewKeySegment, WritesTheKeyAsAPathSegment) {
  const KeyRow rows[] = {
      {"an integer key is written in decimal", ColumnType::kInteger, integer(42), "42"},
      {"a negative integer key keeps its sign", ColumnType::kInteger, integer(-3), "-3"},
      {"a text key of unreserved characters is kept", ColumnType::kText,
       text("3f2b8c1e-0a4d-4e6f-9b1a-2c3d4e5f6a7b"), "3f2b8c1e-0a4d-4e6f-9b1a-2c3d4e5f6a7b"},
      {"a slash and a blank in a text key are percent-encoded", ColumnType::kText, text("a b/c"),
       "a%20b%2Fc"},
      {"UTF-8 in a text key is percent-encoded byte by byte", ColumnType::kText,
       text("caf\xC3\xA9"), "caf%C3%A9"},
  };
  for (const KeyRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    model::Resource resource;
    resource.columns = {column("name", ColumnType::kText), column("key", row.key_type)};
    resource.key = 1;
    EXPECT_EQ(ResourceView(resource).key_segment({text("n"), row.key}), row.segment);
  }
}

}  // namespace
}  // namespace apiserver::pipeline
