#include "store/sql.hpp"

namespace apiserver::store {

Dialect dialect_of(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0
             ? Dialect::kPostgres
             : Dialect::kSqlite;
}

Dialect dialect_of(soci::session& session) {
  return session.get_backend_name() == "postgresql" ? Dialect::kPostgres : Dialect::kSqlite;
}

std::string shown_location(const std::string& location) {
  if (dialect_of(location) != Dialect::kPostgres) return location;
  // scheme://user:password@host/...: the password lies between the first ':' after the scheme
  // and the last '@' before the path (a password may hold an '@' of its own).
  const size_t start = location.find("://") + 3;
  const size_t slash = location.find('/', start);
  const std::string authority = location.substr(0, slash);
  const size_t at = authority.rfind('@');
  if (at == std::string::npos || at < start) return location;
  const size_t colon = location.find(':', start);
  if (colon == std::string::npos || colon > at) return location;
  return location.substr(0, colon + 1) + "***" + location.substr(at);
}

std::string quote_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

const char* sql_type(model::ColumnType type, Dialect dialect) {
  const bool postgres = dialect == Dialect::kPostgres;
  switch (type) {
    case model::ColumnType::kInteger:
      return postgres ? "BIGINT" : "INTEGER";
    case model::ColumnType::kReal:
      return postgres ? "DOUBLE PRECISION" : "REAL";
    case model::ColumnType::kText:
      return "TEXT";
    case model::ColumnType::kBoolean:
      return "BOOLEAN";
    case model::ColumnType::kJson:
      return postgres ? "JSON" : "JSON_TEXT";
  }
  return "TEXT";
}

std::string selected_column(const model::Column& column, Dialect dialect) {
  std::string name = quote_identifier(column.name);
  if (dialect == Dialect::kPostgres && column.type == model::ColumnType::kBoolean)
    return "CAST(" + name + " AS INTEGER)";
  return name;
}

std::string default_literal(const nlohmann::json& value, model::ColumnType type, Dialect dialect) {
  if (value.is_boolean()) {
    const bool yes = value.get<bool>();
    if (dialect == Dialect::kPostgres) return yes ? "TRUE" : "FALSE";
    return yes ? "1" : "0";
  }
  if (value.is_number()) return value.dump();
  const std::string text = value.is_string() && type != model::ColumnType::kJson
                               ? value.get<std::string>()
                               : value.dump();
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string column_list(const model::Resource& resource, Dialect dialect) {
  std::string out;
  for (const model::Column& c : resource.columns) {
    if (!out.empty()) out += ", ";
    out += selected_column(c, dialect);
  }
  return out;
}

std::string postgres_search_document(const model::Resource& resource) {
  // 'simple': words lower-cased, neither stemmed nor dropped as stop words, which is closest to
  // SQLite's FTS5 (unicode61); the two-argument to_tsvector is immutable, as an index needs.
  std::string text;
  for (size_t column : resource.search_columns)
    text += (text.empty() ? "" : " || ' ' || ") + std::string("coalesce(") +
            quote_identifier(resource.columns[column].name) + ", '')";
  return "to_tsvector('simple', " + text + ")";
}

}  // namespace apiserver::store
