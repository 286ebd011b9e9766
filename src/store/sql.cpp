#include "store/sql.hpp"

namespace apiserver::store {

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

const char* sql_type(model::ColumnType type) {
  switch (type) {
    case model::ColumnType::kInteger:
      return "INTEGER";
    case model::ColumnType::kReal:
      return "REAL";
    case model::ColumnType::kText:
      return "TEXT";
    case model::ColumnType::kBoolean:
      return "BOOLEAN";
    case model::ColumnType::kJson:
      return "JSON_TEXT";
  }
  return "TEXT";
}

std::string column_list(const model::Resource& resource) {
  std::string out;
  for (const model::Column& c : resource.columns) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(c.name);
  }
  return out;
}

}  // namespace apiserver::store
