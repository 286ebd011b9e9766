// Slugs: the key a title makes for a URL ("How to Train Your Dragon!" ->
// "how-to-train-your-dragon").
#pragma once

#include <string>
#include <string_view>

namespace apiserver::text {

// The longest slug slug_of makes, in bytes.
inline constexpr size_t kMaxSlugBytes = 96;

// ASCII letters lower-cased and digits kept, every other character that is not a letter of
// another script (a non-ASCII code point, kept as it is) one '-' between words; no '-' at either
// end; cut after at most kMaxSlugBytes bytes, at a character boundary. Empty when `text` has
// no letter or digit. Malformed UTF-8 counts as a separator.
std::string slug_of(std::string_view text);

}  // namespace apiserver::text
