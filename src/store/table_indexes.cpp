#include "store/table_indexes.hpp"

#include <set>
#include <vector>

#include "store/sql.hpp"

namespace apiserver::store {
namespace {

const char* const kIndexPrefix = "apiserver_ix_";

std::vector<std::string> own_indexes(soci::session& session, const std::string& table) {
  std::vector<std::string> names;
  std::string name;
  soci::statement statement =
      (session.prepare << "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t",
       soci::use(table), soci::into(name));
  statement.execute();
  while (statement.fetch()) {
    if (name.rfind(kIndexPrefix, 0) == 0) names.push_back(name);
  }
  return names;
}

// The CREATE statement SQLite keeps for `name`, or "" when there is no such object.
std::string stored_definition(soci::session& session, const std::string& name) {
  std::string sql;
  soci::indicator indicator = soci::i_null;
  session << "SELECT sql FROM sqlite_master WHERE name = :n", soci::use(name),
      soci::into(sql, indicator);
  return session.got_data() && indicator == soci::i_ok ? sql : "";
}

void ensure_column_indexes(soci::session& session, const model::Resource& resource,
                           MigrationReport& report) {
  std::set<std::string> wanted;
  const std::string key = quote_identifier(resource.key_column().name);
  for (const model::Column& c : resource.columns) {
    if (!c.indexed) continue;
    const std::string name = kIndexPrefix + resource.table + "_" + c.name;
    wanted.insert(name);
    if (!stored_definition(session, name).empty()) continue;
    session << "CREATE INDEX " + quote_identifier(name) + " ON " +
                   quote_identifier(resource.table) + " (" + quote_identifier(c.name) + ", " + key +
                   ")";
    report.notes.push_back("table " + resource.table + ": indexed '" + c.name + "'");
  }
  for (const std::string& name : own_indexes(session, resource.table)) {
    if (wanted.count(name) > 0) continue;
    session << "DROP INDEX " + quote_identifier(name);
    report.notes.push_back("table " + resource.table + ": dropped index " + name);
  }
}

std::string trigger_name(const model::Resource& resource, const char* event) {
  return quote_identifier("apiserver_search_" + resource.table + "_" + event);
}

void drop_search(soci::session& session, const model::Resource& resource) {
  for (const char* event : {"insert", "delete", "update"})
    session << "DROP TRIGGER IF EXISTS " + trigger_name(resource, event);
  session << "DROP TABLE IF EXISTS " + quote_identifier(search_table(resource));
}

void ensure_search(soci::session& session, const model::Resource& resource, bool table_rebuilt,
                   MigrationReport& report) {
  const std::string fts = search_table(resource);
  if (resource.search_columns.empty()) {
    if (!stored_definition(session, fts).empty()) {
      drop_search(session, resource);
      report.notes.push_back("table " + resource.table + ": dropped its search index");
    }
    return;
  }
  std::string columns, values, old_values;
  for (size_t column : resource.search_columns) {
    const std::string name = quote_identifier(resource.columns[column].name);
    columns += name + ", ";
    values += ", new." + name;
    old_values += ", old." + name;
  }
  // An external-content index: the text stays in the table, FTS5 keeps only its index.
  const std::string create = "CREATE VIRTUAL TABLE " + quote_identifier(fts) + " USING fts5(" +
                             columns + "content='" + resource.table + "')";
  const bool current = stored_definition(session, fts) == create;
  soci::transaction tx(session);
  if (!current) {
    drop_search(session, resource);
    session << create;
  }
  const std::string table = quote_identifier(resource.table);
  const std::string target = quote_identifier(fts);
  const std::string names = columns.substr(0, columns.size() - 2);
  const std::string remove = "INSERT INTO " + target + " (" + target + ", rowid, " + names +
                             ") VALUES ('delete', old.rowid" + old_values + ");";
  const std::string add =
      "INSERT INTO " + target + " (rowid, " + names + ") VALUES (new.rowid" + values + ");";
  for (const char* event : {"insert", "delete", "update"})
    session << "DROP TRIGGER IF EXISTS " + trigger_name(resource, event);
  session << "CREATE TRIGGER " + trigger_name(resource, "insert") + " AFTER INSERT ON " + table +
                 " BEGIN " + add + " END";
  session << "CREATE TRIGGER " + trigger_name(resource, "delete") + " AFTER DELETE ON " + table +
                 " BEGIN " + remove + " END";
  session << "CREATE TRIGGER " + trigger_name(resource, "update") + " AFTER UPDATE ON " + table +
                 " BEGIN " + remove + " " + add + " END";
  if (!current || table_rebuilt) {
    session << "INSERT INTO " + target + " (" + target + ") VALUES ('rebuild')";
    report.notes.push_back("table " + resource.table + ": built its search index");
  }
  tx.commit();
}

}  // namespace

std::string search_table(const model::Resource& resource) {
  return resource.table + "__search";
}

void ensure_table_indexes(soci::session& session, const model::Resource& resource,
                          bool table_rebuilt, MigrationReport& report) {
  ensure_column_indexes(session, resource, report);
  ensure_search(session, resource, table_rebuilt, report);
}

}  // namespace apiserver::store
