#include "store/migration.hpp"

#include <map>

#include "store/key_sequence.hpp"
#include "store/sql.hpp"
#include "store/table_indexes.hpp"

namespace apiserver::store {
namespace {

struct ExistingColumn {
  std::string name;
  std::string type;
  bool not_null = false;
  bool has_default = false;
  bool primary_key = false;
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<ExistingColumn> existing_columns(soci::session& session, const std::string& table) {
  std::vector<ExistingColumn> columns;
  long long cid = 0, not_null = 0, primary_key = 0;
  std::string name, type, default_value;
  soci::indicator type_indicator = soci::i_ok, default_indicator = soci::i_ok;
  // PRAGMA arguments cannot be bound; the name is quoted and comes from the model.
  soci::statement statement =
      (session.prepare << "PRAGMA table_info(" + quote_identifier(table) + ")", soci::into(cid),
       soci::into(name), soci::into(type, type_indicator), soci::into(not_null),
       soci::into(default_value, default_indicator), soci::into(primary_key));
  statement.execute();
  while (statement.fetch()) {
    ExistingColumn c;
    c.name = name;
    c.type = type_indicator == soci::i_null ? "" : upper(type);
    c.not_null = not_null != 0;
    c.has_default = default_indicator != soci::i_null;
    c.primary_key = primary_key != 0;
    columns.push_back(std::move(c));
  }
  return columns;
}

std::string column_definition(const model::Resource& resource, size_t index) {
  const model::Column& c = resource.columns[index];
  std::string def = quote_identifier(c.name) + " " + sql_type(c.type, Dialect::kSqlite);
  if (index == resource.key) {
    // Integer keys are assigned by KeySequence, not AUTOINCREMENT (see key_sequence.hpp).
    def += " PRIMARY KEY NOT NULL";
    return def;
  }
  if (c.not_null) def += " NOT NULL";
  if (c.default_value && !c.default_value->is_null())
    def += " DEFAULT " + default_literal(*c.default_value, c.type, Dialect::kSqlite);
  return def;
}

std::string create_table_sql(const model::Resource& resource, const std::string& table,
                             const std::vector<ExistingColumn>& kept) {
  std::string sql = "CREATE TABLE " + quote_identifier(table) + " (";
  for (size_t i = 0; i < resource.columns.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += column_definition(resource, i);
  }
  for (const ExistingColumn& k : kept) sql += ", " + quote_identifier(k.name) + " " + k.type;
  return sql + ")";
}

long long row_count(soci::session& session, const std::string& table) {
  long long count = 0;
  session << "SELECT count(*) FROM " + quote_identifier(table), soci::into(count);
  return count;
}

long long null_count(soci::session& session, const std::string& table, const std::string& column) {
  long long count = 0;
  session << "SELECT count(*) FROM " + quote_identifier(table) + " WHERE " +
                 quote_identifier(column) + " IS NULL",
      soci::into(count);
  return count;
}

// SQLite cannot change a column's constraints in place: build the table anew
// and copy the rows over, in one transaction.
void rebuild(soci::session& session, const model::Resource& resource,
             const std::vector<ExistingColumn>& existing, const std::vector<ExistingColumn>& kept) {
  const std::string scratch = resource.table + "__apiserver_rebuild";
  std::string common;
  for (const ExistingColumn& e : existing) {
    bool in_model = false;
    for (const model::Column& c : resource.columns)
      in_model = in_model || lower(c.name) == lower(e.name);
    bool is_kept = false;
    for (const ExistingColumn& k : kept) is_kept = is_kept || k.name == e.name;
    if (!in_model && !is_kept) continue;
    common += (common.empty() ? "" : ", ") + quote_identifier(e.name);
  }
  soci::transaction tx(session);
  // The largest key ever used must outlive the old table (and its
  // sqlite_sequence entry, for tables made with AUTOINCREMENT).
  if (resource.key_kind == model::KeyKind::kInteger) {
    long long used = first_unused_key(session, resource.table, resource.key_column().name) - 1;
    if (used > 0) record_high_water(session, resource.table, used);
  }
  session << "DROP TABLE IF EXISTS " + quote_identifier(scratch);
  session << create_table_sql(resource, scratch, kept);
  session << "INSERT INTO " + quote_identifier(scratch) + " (" + common + ") SELECT " + common +
                 " FROM " + quote_identifier(resource.table);
  session << "DROP TABLE " + quote_identifier(resource.table);
  session << "ALTER TABLE " + quote_identifier(scratch) + " RENAME TO " +
                 quote_identifier(resource.table);
  tx.commit();
}

// The table's columns in line with the model; false when something is refused (in `report`).
// `rebuilt`: the table was made anew.
bool migrate_columns(soci::session& session, const model::Resource& resource,
                     MigrationReport& report, bool& rebuilt) {
  const std::string& table = resource.table;
  std::vector<ExistingColumn> existing = existing_columns(session, table);
  if (existing.empty()) {
    session << create_table_sql(resource, table, {});
    report.notes.push_back("created table " + table);
    report.created = true;
    return true;
  }
  std::map<std::string, const ExistingColumn*> by_name;
  for (const ExistingColumn& e : existing) by_name[lower(e.name)] = &e;
  const long long rows = row_count(session, table);

  bool needs_rebuild = false;
  std::vector<size_t> to_add;
  size_t errors_before = report.errors.size();
  for (size_t i = 0; i < resource.columns.size(); ++i) {
    const model::Column& c = resource.columns[i];
    auto it = by_name.find(lower(c.name));
    bool is_key = i == resource.key;
    if (it == by_name.end()) {
      if (is_key) {
        report.errors.push_back("table " + table + " has no key column '" + c.name +
                                "'; the schema's key changed. Migrate the data by hand");
      } else if (c.not_null && !c.default_value && rows > 0) {
        report.errors.push_back("table " + table + ": new required property '" + c.property +
                                "' has no default, and " + std::to_string(rows) +
                                " existing rows have no value for it. Give it a default or make "
                                "it optional");
      } else if (c.not_null && !c.default_value) {
        needs_rebuild = true;  // empty table: NOT NULL without default needs a new table
      } else {
        to_add.push_back(i);
      }
      continue;
    }
    const ExistingColumn& e = *it->second;
    if (e.type != sql_type(c.type, Dialect::kSqlite)) {
      report.errors.push_back("table " + table + ": column '" + e.name + "' is " +
                              (e.type.empty() ? std::string("untyped") : e.type) +
                              " in the database but the schema makes it " +
                              sql_type(c.type, Dialect::kSqlite) +
                              "; changing it could corrupt data. Migrate it by hand");
      continue;
    }
    if (is_key != e.primary_key) {
      report.errors.push_back("table " + table + ": the key is now '" + resource.key_column().name +
                              "' but the database keys on another column. Migrate it by hand");
      continue;
    }
    bool want_not_null = is_key || c.not_null;
    if (want_not_null == e.not_null || is_key) continue;
    if (want_not_null) {
      long long nulls = null_count(session, table, e.name);
      if (nulls > 0) {
        report.errors.push_back("table " + table + ": property '" + c.property +
                                "' became required but " + std::to_string(nulls) +
                                " rows have no value for it. Fill them in or make it optional");
        continue;
      }
    }
    needs_rebuild = true;
  }
  std::vector<ExistingColumn> kept;
  for (const ExistingColumn& e : existing) {
    bool in_model = false;
    for (const model::Column& c : resource.columns)
      in_model = in_model || lower(c.name) == lower(e.name);
    if (in_model) continue;
    if (e.not_null && !e.has_default) {
      report.errors.push_back("table " + table + ": column '" + e.name +
                              "' is NOT NULL but no property holds it any more, so every insert "
                              "would fail. Put the property back or drop the column by hand");
      continue;
    }
    kept.push_back(e);
    report.notes.push_back("table " + table + ": column '" + e.name +
                           "' is no longer in the schema; it is kept with its data");
  }
  if (report.errors.size() > errors_before) return false;

  if (needs_rebuild) {
    rebuild(session, resource, existing, kept);
    report.notes.push_back("rebuilt table " + table + " to change NOT NULL constraints");
    rebuilt = true;
    return true;
  }
  for (size_t i : to_add) {
    session << "ALTER TABLE " + quote_identifier(table) + " ADD COLUMN " +
                   column_definition(resource, i);
    report.notes.push_back("table " + table + ": added column '" + resource.columns[i].name + "'");
  }
  return true;
}

}  // namespace

void migrate_table(soci::session& session, const model::Resource& resource,
                   MigrationReport& report) {
  ensure_key_table(session);
  bool rebuilt = false;
  if (migrate_columns(session, resource, report, rebuilt))
    ensure_table_indexes(session, resource, rebuilt, report);
}

}  // namespace apiserver::store
