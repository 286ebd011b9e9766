// Entity-tags and their conditions (see preconditions.hpp).
#include "pipeline/preconditions.hpp"

#include <charconv>
#include <string_view>

namespace apiserver::pipeline {
namespace {

// Calls `each` with every member of a comma-separated list of entity-tags, trimmed.
template <typename Each>
void for_each_tag(std::string_view list, Each&& each) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) each(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

std::string_view opaque(std::string_view tag) {
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string entity_tag(const store::Record& record, const model::Resource& resource) {
  if (resource.version_column < 0) return "";
  const store::Cell& version = record[static_cast<size_t>(resource.version_column)];
  // A row older than the version column has none until its next write.
  unsigned long long value =
      version.indicator == soci::i_null ? 0 : static_cast<unsigned long long>(version.integer);
  char text[24] = {'"'};
  char* end = std::to_chars(text + 1, text + sizeof text - 1, value, 16).ptr;
  *end++ = '"';
  return std::string(text, end);
}

bool if_match_holds(const std::string* header, const std::string& tag) {
  if (header == nullptr) return true;
  if (tag.empty()) return false;
  bool holds = false;
  for_each_tag(*header, [&](std::string_view item) {
    holds = holds || item == "*" || (item.substr(0, 2) != "W/" && item == tag);
  });
  return holds;
}

bool if_none_match_holds(const std::string* header, const std::string& tag) {
  if (header == nullptr || tag.empty()) return true;
  bool matched = false;
  for_each_tag(*header, [&](std::string_view item) {
    matched = matched || item == "*" || opaque(item) == opaque(tag);
  });
  return !matched;
}

}  // namespace apiserver::pipeline
