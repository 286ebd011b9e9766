// ResourceStore::list: the SQL of a list's filters, order and position, prepared once per shape
// of query.
#include "store/query_deadline.hpp"
#include "store/resource_store.hpp"
#include "store/search_words.hpp"
#include "store/store_errors.hpp"
#include "store/table_indexes.hpp"

namespace apiserver::store {
namespace {

constexpr size_t kMaxCachedListStatements = 64;

// "%" and "_" are LIKE's wildcards: a filter's text matches them literally.
std::string like_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

const char* comparison(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return " IS ";
    case FilterOp::kNe:
      return " IS NOT ";
    case FilterOp::kLt:
      return " < ";
    case FilterOp::kLe:
      return " <= ";
    case FilterOp::kGt:
      return " > ";
    case FilterOp::kGe:
      return " >= ";
    default:
      return nullptr;
  }
}

}  // namespace

bool ResourceStore::nul_condition(const Filter& f, const std::string& name, ListSql& sql) const {
  // PostgreSQL's text holds no NUL, and libpq would cut a bound value short at one: a value
  // holding one is written as what it means for text without NUL.
  auto bind = [&](std::string value) {
    sql.types.push_back(model::ColumnType::kText);
    sql.values.push_back(std::move(value));
    return ":p" + std::to_string(sql.values.size());
  };
  if (f.op == FilterOp::kIn) {
    nlohmann::json kept = nlohmann::json::array();
    for (const nlohmann::json& v : f.value)
      if (!holds_nul(v)) kept.push_back(v);
    if (kept.size() == f.value.size()) return false;
    sql.signature += "z" + std::to_string(kept.size());
    if (kept.empty()) {
      sql.where += "FALSE";
      return true;
    }
    sql.where += name + " IN (";
    for (size_t i = 0; i < kept.size(); ++i) sql.where += (i == 0 ? "" : ", ") + bind(kept[i]);
    sql.where += ")";
    return true;
  }
  if (!holds_nul(f.value)) return false;
  sql.signature += "z";
  const std::string& text = f.value.get_ref<const std::string&>();
  const std::string before = text.substr(0, text.find('\0'));
  switch (f.op) {
    case FilterOp::kNe:
      sql.where += "TRUE";  // no stored text equals it
      return true;
    case FilterOp::kLt:  // below "a\0b" is "a" and below, in code point order
    case FilterOp::kLe:
      sql.where += name + " <= " + bind(before);
      return true;
    case FilterOp::kGt:
    case FilterOp::kGe:
      sql.where += name + " > " + bind(before);
      return true;
    default:  // eq and the text operators: no stored text holds a NUL
      sql.where += "FALSE";
      return true;
  }
}

void ResourceStore::add_condition(const Filter& f, ListSql& sql) const {
  const model::Column& column = resource_.columns[f.column];
  const std::string name = quote_identifier(column.name);
  auto bind = [&](nlohmann::json value, model::ColumnType type) {
    sql.types.push_back(type);
    sql.values.push_back(std::move(value));
    return ":p" + std::to_string(sql.values.size());
  };
  sql.where += sql.where.empty() ? " WHERE " : " AND ";
  sql.signature += std::to_string(f.column) + ":" + std::to_string(static_cast<int>(f.op));
  const bool postgres = dialect_ == Dialect::kPostgres;
  if (postgres && column.type == model::ColumnType::kText && nul_condition(f, name, sql)) return;
  if (postgres && (f.op == FilterOp::kEq || f.op == FilterOp::kNe)) {
    // PostgreSQL's IS NOT DISTINCT FROM, SQLite's IS, uses no index: equality with a value is
    // `=`, with null IS NULL.
    const bool eq = f.op == FilterOp::kEq;
    if (f.value.is_null()) {
      sql.where += name + (eq ? " IS NULL" : " IS NOT NULL");
      sql.signature += "n";
    } else {
      sql.where += name + (eq ? " = " : " IS DISTINCT FROM ") + bind(f.value, column.type);
    }
    return;
  }
  if (const char* op = comparison(f.op)) {
    sql.where += name + op + bind(f.value, column.type);
    return;
  }
  const model::ColumnType text = model::ColumnType::kText;
  // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does.
  const char* position = postgres ? "strpos(" : "instr(";
  const char* like = postgres ? " ILIKE " : " LIKE ";
  switch (f.op) {
    case FilterOp::kIn: {
      sql.where += name + " IN (";
      for (size_t i = 0; i < f.value.size(); ++i)
        sql.where += (i == 0 ? "" : ", ") + bind(f.value[i], column.type);
      sql.where += ")";
      sql.signature += ":" + std::to_string(f.value.size());
      return;
    }
    case FilterOp::kIsNull:
      sql.where += name + (f.value.get<bool>() ? " IS NULL" : " IS NOT NULL");
      sql.signature += f.value.get<bool>() ? "y" : "n";
      return;
    case FilterOp::kContains:
      sql.where += position + name + ", " + bind(f.value, text) + ") > 0";
      return;
    case FilterOp::kStartsWith:
      sql.where += position + name + ", " + bind(f.value, text) + ") = 1";
      return;
    case FilterOp::kIContains:
      sql.where += name + like + bind("%" + like_escaped(f.value.get<std::string>()) + "%", text) +
                   " ESCAPE '\\'";
      return;
    case FilterOp::kIStartsWith:
      sql.where +=
          name + like + bind(like_escaped(f.value.get<std::string>()) + "%", text) + " ESCAPE '\\'";
      return;
    default:
      return;
  }
}

namespace {

// One key of a list's order: the column and its direction (the key column last).
struct OrderKey {
  size_t column;
  bool descending;
};

std::vector<OrderKey> order_keys(const ListQuery& query, size_t key_column) {
  std::vector<OrderKey> keys;
  for (const SortKey& s : query.sort) keys.push_back({s.column, s.descending});
  keys.push_back({key_column, !query.sort.empty() && query.sort.back().descending});
  return keys;
}

}  // namespace

std::vector<nlohmann::json> ResourceStore::position_of(const ListQuery& query,
                                                       const Record& record) const {
  std::vector<nlohmann::json> position;
  for (const OrderKey& k : order_keys(query, resource_.key)) {
    const Cell& cell = record[k.column];
    position.push_back(cell.indicator == soci::i_null
                           ? nlohmann::json(nullptr)
                           : cell_value(cell, resource_.columns[k.column].type));
  }
  return position;
}

// The rows after `query.after` in the list's order: lexicographic over the order keys, with
// SQLite's NULL first in ascending order (last in descending). The leading range on the first
// key lets an index on it start the scan at the position instead of counting up to it.
// Placeholders bind by position, so the text is written in the order it binds.
void ResourceStore::add_position(const ListQuery& query, ListSql& sql) const {
  const std::vector<OrderKey> keys = order_keys(query, resource_.key);
  auto bind = [&](const nlohmann::json& value, model::ColumnType type) {
    sql.types.push_back(type);
    sql.values.push_back(value);
    return ":p" + std::to_string(sql.values.size());
  };
  sql.where += sql.where.empty() ? " WHERE " : " AND ";
  sql.signature += "k";
  const model::Column& first = resource_.columns[keys.front().column];
  if (keys.size() > 1 && !query.after.front().is_null() &&
      (!keys.front().descending || first.not_null)) {
    sql.where += quote_identifier(first.name) + (keys.front().descending ? " <= " : " >= ") +
                 bind(query.after.front(), first.type) + " AND ";
  }
  std::string closing;
  for (size_t i = 0; i < keys.size(); ++i) {
    const model::Column& column = resource_.columns[keys[i].column];
    const std::string name = quote_identifier(column.name);
    const nlohmann::json& value = query.after[i];
    const bool descending = keys[i].descending;
    const bool last = i + 1 == keys.size();
    sql.signature += value.is_null() ? "n" : "v";
    if (!last) sql.where += "(";
    // Strictly after the position on this key...
    if (value.is_null()) {
      sql.where += descending ? "FALSE" : name + " IS NOT NULL";
    } else if (descending && !column.not_null) {
      sql.where += "(" + name + " < " + bind(value, column.type) + " OR " + name + " IS NULL)";
    } else {
      sql.where += name + (descending ? " < " : " > ") + bind(value, column.type);
    }
    if (last) break;
    // ...or level with it, and after it on the next keys.
    sql.where += " OR (" +
                 (value.is_null() ? name + " IS NULL" : name + " = " + bind(value, column.type)) +
                 " AND ";
    closing += "))";
  }
  sql.where += closing;
}

StoreResult ResourceStore::check_lineage(const nlohmann::json* key, const Lineage& lineage) {
  if (!relations_ || !resource_.parent) return {};
  return guarded([&] { return relations_->check_lineage(resource_, key, lineage); });
}

StoreResult ResourceStore::list(const ListQuery& query, std::vector<Record>& rows,
                                long long& total) {
  // One prepared statement per shape of query (which filters, which order),
  // values bound each time.
  ListSql sql;
  sql.signature = "f";
  const std::string table = quote_identifier(resource_.table);
  std::string from = table;
  const bool postgres = dialect_ == Dialect::kPostgres;
  const std::string words =
      resource_.search_columns.empty() ? std::string() : match_expression(query.search);
  const bool ranked = !words.empty() && query.sort.empty();
  std::string rank;  // the ranked order: best first
  if (!words.empty() && postgres) {
    // The words as plainto_tsquery reads them (each one required, nothing in them is syntax),
    // matched by the expression the GIN index holds (postgres_search_document).
    const std::string document = postgres_search_document(resource_);
    sql.types.push_back(model::ColumnType::kText);
    sql.values.push_back(query.search.substr(0, query.search.find('\0')));
    from +=
        " JOIN (SELECT plainto_tsquery('simple', :p1) AS apiserver_query) AS apiserver_found "
        "ON " +
        document + " @@ apiserver_found.apiserver_query";
    rank = "ts_rank(" + document + ", apiserver_found.apiserver_query) DESC";
    sql.signature = "q";
  } else if (!words.empty()) {
    // The search is bound first: its placeholder comes first in the text.
    const std::string fts = quote_identifier(search_table(resource_));
    sql.types.push_back(model::ColumnType::kText);
    sql.values.push_back(words);
    from += " JOIN (SELECT rowid AS apiserver_hit, rank AS apiserver_rank FROM " + fts + " WHERE " +
            fts + " MATCH :p1) AS apiserver_found ON apiserver_found.apiserver_hit = " + table +
            ".rowid";
    rank = "apiserver_found.apiserver_rank";
    sql.signature = "q";
  }
  if (ranked && !query.after.empty())
    return {StoreStatus::kInvalid, "a ranked search pages by offset"};
  for (const Filter& f : query.filters) {
    add_condition(f, sql);
    sql.signature += ",";
  }
  const size_t filter_binds = sql.values.size();  // what the count binds: not the position
  const std::string filter_where = sql.where;
  const size_t filter_signature = sql.signature.size();
  if (!query.after.empty()) {
    if (query.after.size() != query.sort.size() + 1)
      return {StoreStatus::kInvalid, "the position does not fit the order"};
    add_position(query, sql);
  }
  std::string signature = sql.signature + "s";
  for (const SortKey& s : query.sort)
    signature += std::to_string(s.column) + (s.descending ? "d," : "a,");
  const std::string& where = sql.where;
  const std::vector<model::ColumnType>& filter_types = sql.types;
  const size_t binds = sql.values.size();
  // Query shapes come from clients: bound the cache.
  if (lists_.size() >= kMaxCachedListStatements && lists_.count(signature) == 0) lists_.clear();
  std::vector<model::ColumnType> page_types = filter_types;
  page_types.push_back(model::ColumnType::kInteger);
  page_types.push_back(model::ColumnType::kInteger);
  // Preparing is a round trip on PostgreSQL, which may fail (or time out) as an execution does.
  return guarded([&] {
    Prepared& page = statement(
        lists_[signature],
        [&](std::vector<model::ColumnType>& types) {
          types = page_types;
          std::string order = ranked ? " ORDER BY " + rank : "";
          // SQLite puts NULL first in ascending order; PostgreSQL is told to.
          for (const SortKey& s : query.sort)
            order += (order.empty() ? " ORDER BY " : ", ") +
                     quote_identifier(resource_.columns[s.column].name) +
                     (s.descending ? (postgres ? " DESC NULLS LAST" : " DESC")
                                   : (postgres ? " ASC NULLS FIRST" : " ASC"));
          const bool key_descending = !query.sort.empty() && query.sort.back().descending;
          order += (order.empty() ? " ORDER BY " : ", ") +
                   quote_identifier(resource_.key_column().name) +
                   (key_descending ? " DESC" : " ASC");
          return "SELECT " + columns_sql_ + " FROM " + from + where + order +
                 " LIMIT :limit OFFSET :offset";
        },
        true);
    for (size_t i = 0; i < binds; ++i) set_cell(page.inputs()[i], filter_types[i], sql.values[i]);
    set_cell(page.inputs()[binds], model::ColumnType::kInteger, query.limit);
    set_cell(page.inputs()[binds + 1], model::ColumnType::kInteger, query.offset);
    QueryDeadline deadline(query.time_limit);
    rows.clear();
    {
      Finisher finish(page);
      if (page.execute()) {
        do {
          rows.push_back(record_of(page));
        } while (page.fetch());
      }
    }
    if (query.want_total) {
      // The total counts every row the filters select, wherever the page starts.
      auto& count_slot = lists_["count:" + sql.signature.substr(0, filter_signature)];
      const std::vector<model::ColumnType> count_types(filter_types.begin(),
                                                       filter_types.begin() + filter_binds);
      if (!count_slot)
        count_slot = std::make_unique<Prepared>(
            session_, "SELECT count(*) FROM " + from + filter_where, count_types,
            std::vector<model::ColumnType>{model::ColumnType::kInteger});
      for (size_t i = 0; i < filter_binds; ++i)
        set_cell(count_slot->inputs()[i], filter_types[i], sql.values[i]);
      Finisher finish(*count_slot);
      count_slot->execute();
      total = count_slot->outputs()[0].integer;
    }
    return StoreResult{};
  });
}

}  // namespace apiserver::store
