// The words of a full-text search (see search_words.hpp).
#include "store/search_words.hpp"

namespace apiserver::store {
namespace {

// What separates the words of a search.
constexpr const char* kSearchBlanks = " \t\r\n";

}  // namespace

bool search_has_words(const std::string& text) {
  return text.find_first_not_of(kSearchBlanks) != std::string::npos;
}

std::string match_expression(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find_first_not_of(kSearchBlanks, i);
    if (start == std::string::npos) break;
    size_t end = text.find_first_of(kSearchBlanks, start);
    if (end == std::string::npos) end = text.size();
    out += out.empty() ? "\"" : " \"";
    for (size_t j = start; j < end; ++j) out += text[j] == '"' ? "\"\"" : std::string(1, text[j]);
    out += '"';
    i = end;
  }
  return out;
}

}  // namespace apiserver::store
