// Unit tests of diagnostics: their one-line rendering and error counting.
#include "spec/diagnostics.hpp"

#include <gtest/gtest.h>

namespace apiserver::spec {
namespace {

Diagnostic make(Diagnostic::Severity severity, std::string file, int line, int column,
                std::string pointer, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = std::move(file);
  d.line = line;
  d.column = column;
  d.pointer = std::move(pointer);
  d.message = std::move(message);
  return d;
}

TEST(Diagnostic, RendersFileLineColumnSeverityMessageAndPointer) {
  EXPECT_EQ(make(Diagnostic::Severity::kError, "todo.yaml", 12, 7, "/paths/~1todos/get", "bad")
                .to_string(),
            "todo.yaml:12:7: error: bad (at /paths/~1todos/get)");
  EXPECT_EQ(make(Diagnostic::Severity::kWarning, "a.yaml", 3, 0, "", "hm").to_string(),
            "a.yaml:3: warning: hm");
  EXPECT_EQ(make(Diagnostic::Severity::kError, "a.yaml", 0, 5, "", "x").to_string(),
            "a.yaml: error: x")
      << "no column without a line";
  EXPECT_EQ(make(Diagnostic::Severity::kError, "", 0, 0, "/x", "y").to_string(),
            "<document>: error: y (at /x)");
}

TEST(Diagnostics, CountsErrorsButNotWarnings) {
  Diagnostics diagnostics;
  EXPECT_FALSE(diagnostics.has_errors());
  diagnostics.add(make(Diagnostic::Severity::kWarning, "a", 1, 1, "", "w"));
  EXPECT_FALSE(diagnostics.has_errors());
  EXPECT_EQ(diagnostics.error_count(), 0u);
  diagnostics.add(make(Diagnostic::Severity::kError, "a", 1, 1, "", "e1"));
  diagnostics.add(make(Diagnostic::Severity::kError, "a", 2, 1, "", "e2"));
  EXPECT_TRUE(diagnostics.has_errors());
  EXPECT_EQ(diagnostics.error_count(), 2u);
  ASSERT_EQ(diagnostics.items().size(), 3u);
  EXPECT_EQ(diagnostics.items()[0].message, "w") << "kept in the order added";
}

}  // namespace
}  // namespace apiserver::spec
