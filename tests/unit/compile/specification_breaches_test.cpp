// Unit tests of warnings that break the OpenAPI Specification: served as warnings, counted and
// shown as errors by `apiserver validate`; only the undeclared path parameter is one.
#include <gtest/gtest.h>

#include <string>

#include "spec/diagnostics.hpp"
#include "unit/compile/compiled_document.hpp"

namespace apiserver::spec {
namespace {

Diagnostic warning(std::string message, bool breaks_specification) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::kWarning;
  d.file = "api.yaml";
  d.line = 9;
  d.column = 5;
  d.pointer = "/paths/~1items~1{id}/get";
  d.message = std::move(message);
  d.breaks_specification = breaks_specification;
  return d;
}

TEST(SpecificationBreach, IsAWarningWhenServingAndAnErrorForValidate) {
  Diagnostic breach = warning("path parameter 'id' of /items/{id} is not declared", true);
  EXPECT_EQ(breach.to_string(),
            "api.yaml:9:5: warning: path parameter 'id' of /items/{id} is not declared (at "
            "/paths/~1items~1{id}/get)");
  EXPECT_EQ(breach.to_string_for_validate(),
            "api.yaml:9:5: error: path parameter 'id' of /items/{id} is not declared (at "
            "/paths/~1items~1{id}/get)");
  Diagnostic plain = warning("unknown keyword", false);
  EXPECT_EQ(plain.to_string_for_validate(), plain.to_string());
}

TEST(SpecificationBreach, CountsForValidateButNotForServing) {
  Diagnostics diagnostics;
  diagnostics.add(warning("breach", true));
  diagnostics.add(warning("plain", false));
  EXPECT_FALSE(diagnostics.has_errors());
  EXPECT_EQ(diagnostics.error_count(), 0u);
  EXPECT_EQ(diagnostics.validate_error_count(), 1u);
  Diagnostic error;
  error.message = "broken";
  diagnostics.add(error);
  EXPECT_EQ(diagnostics.error_count(), 1u);
  EXPECT_EQ(diagnostics.validate_error_count(), 2u);
}

constexpr char kResponses[] = "      responses: {'200': {description: ok}}\n";

TEST(SpecificationBreach, MarksAnUndeclaredPathTemplateParameterOnly) {
  compile::testing::Compiled c = compile::testing::compile_text(
      std::string("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items/{id}:\n"
                  "    get:\n") +
      kResponses);
  ASSERT_TRUE(c.api) << c.messages();  // still served
  const Diagnostic* d = c.warning("path parameter 'id' of /items/{id} is not declared");
  ASSERT_NE(d, nullptr) << c.messages();
  EXPECT_TRUE(d->breaks_specification);
  EXPECT_EQ(d->file, "api.yaml");
  EXPECT_EQ(d->line, 6);  // where the operation's mapping starts
  EXPECT_EQ(c.diagnostics.validate_error_count(), 1u) << c.messages();
}

TEST(SpecificationBreach, LeavesOtherWarningsAlone) {
  // An unknown schema keyword and a path parameter missing from the template: warnings only.
  compile::testing::Compiled c = compile::testing::compile_text(
      std::string("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n"
                  "    get:\n      parameters: [{name: id, in: path, required: true, schema: "
                  "{type: integer, frobnicate: 1}}]\n") +
      kResponses);
  ASSERT_TRUE(c.api) << c.messages();
  ASSERT_NE(c.warning("does not appear in /items"), nullptr) << c.messages();
  EXPECT_EQ(c.diagnostics.validate_error_count(), 0u) << c.messages();
  for (const Diagnostic& d : c.diagnostics.items()) EXPECT_FALSE(d.breaks_specification);
}

}  // namespace
}  // namespace apiserver::spec
