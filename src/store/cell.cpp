#include "store/cell.hpp"

#include <charconv>
#include <cmath>

#include "text/json_escape.hpp"
#include "text/json_text.hpp"

namespace apiserver::store {
namespace {

bool uses_integer(model::ColumnType type) {
  return type == model::ColumnType::kInteger || type == model::ColumnType::kBoolean;
}

}  // namespace

bool holds_nul(const nlohmann::json& value) {
  return value.is_string() && value.get_ref<const std::string&>().find('\0') != std::string::npos;
}

void append_cell_json(const Cell& cell, model::ColumnType type, std::string& out) {
  if (cell.indicator == soci::i_null) {
    out += "null";
    return;
  }
  char buffer[32];
  switch (type) {
    case model::ColumnType::kInteger: {
      auto result = std::to_chars(buffer, buffer + sizeof buffer, cell.integer);
      out.append(buffer, result.ptr);
      return;
    }
    case model::ColumnType::kReal: {
      if (!std::isfinite(cell.real)) {
        out += "null";  // JSON has no infinities
        return;
      }
      auto result = std::to_chars(buffer, buffer + sizeof buffer, cell.real);
      out.append(buffer, result.ptr);
      return;
    }
    case model::ColumnType::kBoolean:
      out += cell.integer != 0 ? "true" : "false";
      return;
    case model::ColumnType::kText:
      text::append_json_string(cell.text, out);
      return;
    case model::ColumnType::kJson:
      // Written by the server it is JSON; edited outside, it may not be.
      if (cell.server_json || text::is_json_text(cell.text)) {
        out += cell.text;
      } else {
        text::append_json_string(cell.text, out);
      }
      return;
  }
}

void set_cell(Cell& cell, model::ColumnType type, const nlohmann::json& value) {
  if (value.is_null()) {
    cell.indicator = soci::i_null;
    return;
  }
  cell.indicator = soci::i_ok;
  switch (type) {
    case model::ColumnType::kInteger:
      if (value.is_number_float()) {
        cell.integer = static_cast<long long>(std::llround(value.get<double>()));
      } else if (value.is_number()) {
        cell.integer = value.get<long long>();
      } else {
        cell.indicator = soci::i_null;
      }
      break;
    case model::ColumnType::kReal:
      if (value.is_number()) {
        cell.real = value.get<double>();
      } else {
        cell.indicator = soci::i_null;
      }
      break;
    case model::ColumnType::kBoolean:
      cell.integer = value.is_boolean() ? (value.get<bool>() ? 1 : 0) : 0;
      break;
    case model::ColumnType::kText:
      if (value.is_string()) {
        cell.text = value.get_ref<const std::string&>();
      } else {
        cell.text = value.dump();
      }
      break;
    case model::ColumnType::kJson:
      cell.text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      cell.server_json = true;
      break;
  }
}

nlohmann::json cell_value(const Cell& cell, model::ColumnType type) {
  if (cell.indicator == soci::i_null) return nullptr;
  switch (type) {
    case model::ColumnType::kInteger:
      return cell.integer;
    case model::ColumnType::kReal:
      return cell.real;
    case model::ColumnType::kBoolean:
      return cell.integer != 0;
    case model::ColumnType::kText:
      return cell.text;
    case model::ColumnType::kJson:
      // The same test as append_cell_json's, so that a merge sees what a read answers.
      if (!cell.server_json && !text::is_json_text(cell.text)) return cell.text;
      return nlohmann::json::parse(cell.text);
  }
  return nullptr;
}

void bind_use(soci::statement& statement, Cell& cell, model::ColumnType type) {
  if (uses_integer(type)) {
    statement.exchange(soci::use(cell.integer, cell.indicator));
  } else if (type == model::ColumnType::kReal) {
    statement.exchange(soci::use(cell.real, cell.indicator));
  } else {
    statement.exchange(soci::use(cell.text, cell.indicator));
  }
}

void bind_into(soci::statement& statement, Cell& cell, model::ColumnType type) {
  if (uses_integer(type)) {
    statement.exchange(soci::into(cell.integer, cell.indicator));
  } else if (type == model::ColumnType::kReal) {
    statement.exchange(soci::into(cell.real, cell.indicator));
  } else {
    statement.exchange(soci::into(cell.text, cell.indicator));
  }
}

bool set_key_cell(Cell& cell, model::ColumnType type, const nlohmann::json& key) {
  if (type == model::ColumnType::kInteger) {
    if (key.is_number_integer()) {
      set_cell(cell, type, key);
      return true;
    }
    if (!key.is_string()) return false;
    const std::string& s = key.get_ref<const std::string&>();
    long long value = 0;
    auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (s.empty() || error != std::errc() || end != s.data() + s.size()) return false;
    cell.integer = value;
    cell.indicator = soci::i_ok;
    return true;
  }
  set_cell(cell, type, key.is_string() ? key : nlohmann::json(key.dump()));
  return true;
}

}  // namespace apiserver::store
