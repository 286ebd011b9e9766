// Escaping of text for HTML and XML, in element content and in quoted attribute values.
#pragma once

#include <string>
#include <string_view>

namespace apiserver::text {

// `text` with & < > " ' replaced by &amp; &lt; &gt; &quot; &#39; (the numeric form of the
// apostrophe, which HTML 4 does not name); every other byte is copied.
std::string escape_markup(std::string_view text);

}  // namespace apiserver::text
