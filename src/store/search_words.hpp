// The words of a full-text search (q=): what counts as one, and the FTS5 query that finds them.
#pragma once

#include <string>

namespace apiserver::store {

// Whether a search text holds any word (words are separated by blanks); one without is no
// search at all.
bool search_has_words(const std::string& text);

// An FTS5 query that finds rows holding every word of `text`, each word a quoted string so that
// nothing a client types is FTS5 syntax. Empty when the text has no word.
std::string match_expression(const std::string& text);

}  // namespace apiserver::store
