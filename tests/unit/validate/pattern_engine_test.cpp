// Unit tests of the `pattern` engines (validate/pattern_engine.hpp): RE2 for what it runs,
// PCRE2 for the ECMA-262 features RE2 lacks (lookaround, backreferences, \u escapes), the
// match limits that end catastrophic backtracking with an error, and the refusal of patterns
// that are not ECMA-262, both as a compiled pattern and as a start-up diagnostic with its line.
#include "validate/pattern_engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "problem/problem.hpp"
#include "spec/document.hpp"
#include "validate/compiled_schema.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver::validate {
namespace {

using nlohmann::json;

// 57 a's and a '!': 2^57 ways for a backtracking engine to split the a's.
const std::string kNearMiss = std::string(57, 'a') + "!";

std::shared_ptr<const CompiledPattern> compile_ok(const std::string& pattern) {
  std::string error;
  auto compiled = CompiledPattern::compile(pattern, error);
  EXPECT_TRUE(compiled) << pattern << ": " << error;
  return compiled;
}

std::string compile_error(const std::string& pattern) {
  std::string error;
  auto compiled = CompiledPattern::compile(pattern, error);
  EXPECT_FALSE(compiled) << pattern << " compiled";
  return error;
}

TEST(PatternEngine, RunsPlainPatternsOnRe2) {
  for (const char* pattern : {"^[a-z]+$", "^\\d{3}-\\w+$", "^(a+)+$", "(?i)^abc$", "é+"}) {
    auto compiled = compile_ok(pattern);
    ASSERT_TRUE(compiled);
    EXPECT_EQ(compiled->engine(), PatternEngine::kRe2) << pattern;
  }
  auto digits = compile_ok("^\\d{3}-\\w+$");
  EXPECT_EQ(digits->search("123-ab_c"), PatternMatch::kMatch);
  EXPECT_EQ(digits->search("12-abc"), PatternMatch::kNoMatch);
  // RE2 runs the nested quantifier in linear time: a plain no-match, no limit.
  EXPECT_EQ(compile_ok("^(a+)+$")->search(kNearMiss), PatternMatch::kNoMatch);
}

TEST(PatternEngine, EnforcesLookaheadWithPcre2) {
  auto compiled = compile_ok("^(?=.*\\d)(?=.*[A-Z])[A-Za-z0-9]{8,}$");
  ASSERT_TRUE(compiled);
  EXPECT_EQ(compiled->engine(), PatternEngine::kPcre2);
  EXPECT_EQ(compiled->search("Passw0rdX"), PatternMatch::kMatch);
  EXPECT_EQ(compiled->search("password1"), PatternMatch::kNoMatch);
  EXPECT_EQ(compiled->search("Short1"), PatternMatch::kNoMatch);

  auto negative = compile_ok("^(?!admin$)[a-z]+$");
  EXPECT_EQ(negative->search("alice"), PatternMatch::kMatch);
  EXPECT_EQ(negative->search("admin"), PatternMatch::kNoMatch);
}

TEST(PatternEngine, EnforcesLookbehind) {
  auto compiled = compile_ok("(?<=@)example\\.com$");
  ASSERT_TRUE(compiled);
  EXPECT_EQ(compiled->search("me@example.com"), PatternMatch::kMatch);
  EXPECT_EQ(compiled->search("me.example.com"), PatternMatch::kNoMatch);
  auto negative = compile_ok("^\\w+(?<!_)$");
  EXPECT_EQ(negative->search("abc"), PatternMatch::kMatch);
  EXPECT_EQ(negative->search("abc_"), PatternMatch::kNoMatch);
}

TEST(PatternEngine, EnforcesBackreferences) {
  auto numbered = compile_ok("^(\\w)\\1$");
  ASSERT_TRUE(numbered);
  EXPECT_EQ(numbered->engine(), PatternEngine::kPcre2);
  EXPECT_EQ(numbered->search("aa"), PatternMatch::kMatch);
  EXPECT_EQ(numbered->search("ab"), PatternMatch::kNoMatch);

  auto named = compile_ok("^(?<quote>['\"]).*\\k<quote>$");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->search("'quoted'"), PatternMatch::kMatch);
  EXPECT_EQ(named->search("'mixed\""), PatternMatch::kNoMatch);
  // ECMA-262: a reference to a group that did not take part matches the empty string.
  EXPECT_EQ(compile_ok("^(?:(a)|b)\\1$")->search("b"), PatternMatch::kMatch);
}

TEST(PatternEngine, KeepsEcmaEscapesAndUnicodeOnPcre2) {
  auto escaped = compile_ok("^\\u0041+$");  // RE2 has no \u
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->engine(), PatternEngine::kPcre2);
  EXPECT_EQ(escaped->search("AAA"), PatternMatch::kMatch);
  EXPECT_EQ(escaped->search("aaa"), PatternMatch::kNoMatch);
  // A surrogate pair is one code point, as in ECMA-262's Unicode mode; `.` is one code point.
  EXPECT_EQ(compile_ok("^\\uD83D\\uDE00$")->search("\xF0\x9F\x98\x80"), PatternMatch::kMatch);
  EXPECT_EQ(compile_ok("^\\u{1F600}.$")->search("\xF0\x9F\x98\x80\xC3\xA9"), PatternMatch::kMatch);
  // \d and \w stay ASCII, as on RE2 and in ECMA-262.
  auto digits = compile_ok("^(?!x)\\d+$");
  EXPECT_EQ(digits->engine(), PatternEngine::kPcre2);
  EXPECT_EQ(digits->search("123"), PatternMatch::kMatch);
  EXPECT_EQ(digits->search("\xD9\xA3"), PatternMatch::kNoMatch);  // ARABIC-INDIC DIGIT THREE
  // \v is U+000B only (PCRE2 alone would take any vertical space).
  auto vertical_tab = compile_ok("^(?!a)\\v$");
  EXPECT_EQ(vertical_tab->search("\x0B"), PatternMatch::kMatch);
  EXPECT_EQ(vertical_tab->search("\r"), PatternMatch::kNoMatch);
  // `$` is the end of the value only, not before a final newline.
  EXPECT_EQ(compile_ok("^(?=a)a$")->search("a\n"), PatternMatch::kNoMatch);
}

TEST(PatternEngine, EndsCatastrophicBacktrackingWithTheLimitError) {
  // The lookahead keeps RE2 out, so the backtracking engine meets the nested quantifier.
  auto compiled = compile_ok("^(?=a)(a+)+$");
  ASSERT_TRUE(compiled);
  EXPECT_EQ(compiled->engine(), PatternEngine::kPcre2);
  EXPECT_EQ(compiled->search(kNearMiss), PatternMatch::kLimitExceeded);
  EXPECT_EQ(compiled->search(std::string(57, 'a')), PatternMatch::kMatch);
}

TEST(PatternEngine, MatchesLongValuesWithinTheLimits) {
  auto compiled = compile_ok("^(?=a)(?:ab)*$");
  ASSERT_TRUE(compiled);
  std::string value;
  for (int i = 0; i < 100000; ++i) value += "ab";
  EXPECT_EQ(compiled->search(value), PatternMatch::kMatch);
  EXPECT_EQ(compiled->search(value + "a"), PatternMatch::kNoMatch);
}

TEST(PatternEngine, IsSharedByThreads) {
  auto compiled = compile_ok("^(\\w+)-\\1$");
  ASSERT_TRUE(compiled);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string word = "w" + std::to_string(t * 10000 + i);
        if (compiled->search(word + "-" + word) != PatternMatch::kMatch) ++wrong[t];
        if (compiled->search(word + "-x" + word) != PatternMatch::kNoMatch) ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(PatternEngine, RefusesInvalidPatternsWithTheRegexError) {
  std::string error = compile_error("([a-z");
  EXPECT_NE(error.find("pattern '([a-z'"), std::string::npos) << error;
  EXPECT_NE(error.find("not a valid ECMA-262 regular expression"), std::string::npos) << error;
  EXPECT_NE(error.find("missing"), std::string::npos) << error;  // PCRE2's own words
  EXPECT_NE(compile_error("a{2,1}(?=x)").find("out of order"), std::string::npos);
  EXPECT_NE(compile_error("(?=x)\\2(a)").find("non-existent"), std::string::npos);
}

TEST(PatternEngine, RefusesPcre2SyntaxThatEcmaLacks) {
  const std::pair<const char*, const char*> cases[] = {
      {"(?=a)(?>ab)", "(?>"},   {"(?=a)a++", "possessive"},     {"(?=a)\\Aabc", "\\A"},
      {"(?=a)abc\\z", "\\z"},   {"(?=a)a\\Kb", "\\K"},          {"(?=a)[[:alpha:]]", "POSIX"},
      {"(?=a)(?i)abc", "(?i)"}, {"(?=a)(?#comment)", "(?#"},    {"(?=a)(*SKIP)a", "(*"},
      {"(?=a)\\pL", "\\p"},     {"(?=a)(?P<n>a)(?P=n)", "(?P"},
  };
  for (const auto& [pattern, construct] : cases) {
    std::string error = compile_error(pattern);
    EXPECT_NE(error.find("ECMA-262"), std::string::npos) << pattern << ": " << error;
    EXPECT_NE(error.find(construct), std::string::npos) << pattern << ": " << error;
  }
}

// The translator's side: a diagnostic with a line, and the 422 detail at the field.
struct Translated {
  json schema;
  spec::Diagnostics diagnostics;
  std::shared_ptr<const spec::Document> document;
};

Translated translate(const std::string& schema_yaml) {
  Translated t;
  t.document =
      spec::parse_document("openapi: '3.1.0'\ncomponents:\n  schemas:\n    S:\n" + schema_yaml,
                           "mem.yaml", t.diagnostics);
  EXPECT_TRUE(t.document);
  if (!t.document) return t;
  auto node = t.document->resolve(t.document->main(), "#/components/schemas/S");
  SchemaTranslator translator(*t.document, t.diagnostics);
  t.schema = translator.translate(*node, Direction::kRequest);
  return t;
}

std::vector<FieldError> errors_for(const json& schema, const json& value) {
  std::vector<FieldError> errors;
  CompiledSchema::build(schema)->validate(value, ErrorSource::kBody, "", errors);
  return errors;
}

TEST(PatternEngineTranslation, ReportsAnInvalidPatternAsAnErrorWithItsLine) {
  Translated t = translate(
      "      type: object\n      properties:\n        code:\n"
      "          type: string\n          pattern: '([a-z'\n");
  ASSERT_EQ(t.diagnostics.error_count(), 1u);
  const spec::Diagnostic& d = t.diagnostics.items().front();
  EXPECT_EQ(d.severity, spec::Diagnostic::Severity::kError);
  EXPECT_EQ(d.file, "mem.yaml");
  EXPECT_EQ(d.line, 9);
  EXPECT_EQ(d.pointer, "/components/schemas/S/properties/code/pattern");
  EXPECT_NE(d.message.find("'([a-z'"), std::string::npos) << d.message;
  EXPECT_NE(d.message.find("missing"), std::string::npos) << d.message;
}

TEST(PatternEngineTranslation, EnforcesPcre2PatternsInBodies) {
  Translated t = translate(
      "      type: object\n      properties:\n        pin:\n"
      "          type: string\n          pattern: '^(\\d)(?!\\1)\\d$'\n");
  EXPECT_FALSE(t.diagnostics.has_errors());
  EXPECT_TRUE(errors_for(t.schema, {{"pin", "12"}}).empty());
  auto errors = errors_for(t.schema, {{"pin", "11"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/pin");
  EXPECT_EQ(errors[0].detail, "must match the pattern ^(\\d)(?!\\1)\\d$");
}

TEST(PatternEngineTranslation, RefusesAValueThatHitsTheLimitsWithTheField) {
  Translated t = translate(
      "      type: object\n      properties:\n        name:\n"
      "          type: string\n          pattern: '^(?=a)(a+)+$'\n");
  ASSERT_FALSE(t.diagnostics.has_errors());
  auto errors = errors_for(t.schema, {{"name", kNearMiss}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/name");
  EXPECT_EQ(errors[0].detail,
            "could not be evaluated against the pattern ^(?=a)(a+)+$ within limits");
}

TEST(PatternEngineTranslation, RefusesALimitHitEvenUnderNot) {
  // A failed match under `not` would pass the value; an undecided one must not.
  Translated t = translate("      type: string\n      not: {pattern: '^(?=a)(a+)+$'}\n");
  ASSERT_FALSE(t.diagnostics.has_errors());
  EXPECT_TRUE(errors_for(t.schema, "b").empty());
  auto errors = errors_for(t.schema, kNearMiss);
  ASSERT_FALSE(errors.empty());
  bool named_limit = false;
  for (const auto& e : errors)
    named_limit = named_limit || e.detail.find("within limits") != std::string::npos;
  EXPECT_TRUE(named_limit);
}

TEST(PatternEngineTranslation, ChecksPatternPropertiesKeys) {
  Translated invalid = translate(
      "      type: object\n      patternProperties:\n"
      "        '([a-z': {type: string}\n");
  ASSERT_TRUE(invalid.diagnostics.has_errors());
  EXPECT_NE(invalid.diagnostics.items().front().message.find("not a valid ECMA-262"),
            std::string::npos);
  // Valid ECMA-262 that valijson's std::regex cannot run: refused, never skipped.
  Translated lookbehind = translate(
      "      type: object\n      patternProperties:\n"
      "        '(?<=x)a': {type: string}\n");
  ASSERT_TRUE(lookbehind.diagnostics.has_errors());
  EXPECT_NE(lookbehind.diagnostics.items().front().message.find("std::regex"), std::string::npos);
}

}  // namespace
}  // namespace apiserver::validate
