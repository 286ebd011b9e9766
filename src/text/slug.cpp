// Slugs from titles (see slug.hpp).
#include "text/slug.hpp"

#include "text/utf8.hpp"

namespace apiserver::text {

std::string slug_of(std::string_view text) {
  std::string slug;
  bool separated = false;  // a separator came since the last character kept
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    std::string piece;  // what the character adds; empty for a separator
    if (static_cast<unsigned char>(c) < 0x80) {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) piece = c;
      if (c >= 'A' && c <= 'Z') piece = static_cast<char>(c - 'A' + 'a');
      ++i;
    } else if (const size_t length = sequence_length(text, i); length > 0) {
      piece.assign(text.substr(i, length));
      i += length;
    } else {
      ++i;
    }
    if (piece.empty()) {
      separated = true;
      continue;
    }
    const bool dash = separated && !slug.empty();
    if (slug.size() + piece.size() + (dash ? 1 : 0) > kMaxSlugBytes) break;
    if (dash) slug += '-';
    slug += piece;
    separated = false;
  }
  return slug;
}

}  // namespace apiserver::text
