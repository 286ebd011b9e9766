// Unit tests of HTML / XML escaping.
#include "text/markup_escape.hpp"

#include <gtest/gtest.h>

namespace apiserver::text {
namespace {

TEST(MarkupEscape, ReplacesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_markup("&<>\"'"), "&amp;&lt;&gt;&quot;&#39;");
  EXPECT_EQ(escape_markup("<a href=\"x?a=1&b=2\">it's</a>"),
            "&lt;a href=&quot;x?a=1&amp;b=2&quot;&gt;it&#39;s&lt;/a&gt;");
}

TEST(MarkupEscape, CopiesEverythingElse) {
  EXPECT_EQ(escape_markup(""), "");
  EXPECT_EQ(escape_markup("Todo API \xC3\xA9 /openapi.json"), "Todo API \xC3\xA9 /openapi.json");
  EXPECT_EQ(escape_markup("&amp;"), "&amp;amp;") << "escaping is not idempotent";
}

}  // namespace
}  // namespace apiserver::text
