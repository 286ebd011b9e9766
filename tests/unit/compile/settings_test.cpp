// Unit tests of the server-wide `x-apiserver` settings: every key, and errors (with their line
// numbers) for unknown keys and bad values. parse_byte_size itself is tested in
// tests/unit/spec/values_test.cpp.
#include "compile/settings.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apiserver::compile {
namespace {

struct Read {
  model::Settings settings;
  spec::Diagnostics diagnostics;

  std::string messages() const {
    std::string out;
    for (const auto& d : diagnostics.items()) out += d.to_string() + "\n";
    return out;
  }
  const spec::Diagnostic* error(const std::string& needle) const {
    for (const auto& d : diagnostics.items())
      if (d.severity == spec::Diagnostic::Severity::kError &&
          d.message.find(needle) != std::string::npos)
        return &d;
    return nullptr;
  }
};

// `block` is the YAML of the x-apiserver value, starting on line 3 of the document.
Read read(const std::string& block) {
  Read r;
  auto doc = spec::parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + block,
                                  "s.yaml", r.diagnostics);
  EXPECT_TRUE(doc) << r.messages();
  if (doc) read_settings(*doc, r.settings, r.diagnostics);
  return r;
}

TEST(ReadSettings, KeepsDefaultsWithoutXApiserver) {
  Read r = read("");
  EXPECT_TRUE(r.diagnostics.items().empty());
  EXPECT_EQ(r.settings.database, "");
  EXPECT_FALSE(r.settings.mock_only);
  EXPECT_EQ(r.settings.max_body_bytes, 1024u * 1024u);
  EXPECT_FALSE(r.settings.refuse_read_only);
  EXPECT_EQ(r.settings.list.default_limit, 20);
  EXPECT_EQ(r.settings.list.max_limit, 100);
}

TEST(ReadSettings, ReadsEveryKnownSetting) {
  Read r = read(
      "x-apiserver:\n"
      "  database: data/todo.db\n"
      "  mode: mock\n"
      "  limits:\n"
      "    max-body: 512KB\n"
      "  read-only-input: refuse\n"
      "  pagination:\n"
      "    default-limit: 10\n"
      "    max-limit: 50\n");
  EXPECT_TRUE(r.diagnostics.items().empty()) << r.messages();
  EXPECT_EQ(r.settings.database, "data/todo.db");
  EXPECT_TRUE(r.settings.mock_only);
  EXPECT_EQ(r.settings.max_body_bytes, 512u * 1024u);
  EXPECT_TRUE(r.settings.refuse_read_only);
  EXPECT_EQ(r.settings.list.default_limit, 10);
  EXPECT_EQ(r.settings.list.max_limit, 50);
}

TEST(ReadSettings, AcceptsAutoModeIgnorePolicyAndMemoryDatabase) {
  Read r = read("x-apiserver: {mode: auto, read-only-input: ignore, database: ':memory:'}\n");
  EXPECT_TRUE(r.diagnostics.items().empty()) << r.messages();
  EXPECT_FALSE(r.settings.mock_only);
  EXPECT_FALSE(r.settings.refuse_read_only);
  EXPECT_EQ(r.settings.database, ":memory:");
}

TEST(ReadSettings, ReportsUnknownKeysWithTheirLineAndTheKnownOnes) {
  Read r = read("x-apiserver:\n  database: a.db\n  databse: b.db\n  limits:\n    max-bodies: 1\n");
  const spec::Diagnostic* top = r.error("unknown setting 'databse'");
  ASSERT_NE(top, nullptr) << r.messages();
  EXPECT_EQ(top->line, 5);
  EXPECT_EQ(top->file, "s.yaml");
  EXPECT_NE(top->message.find("database"), std::string::npos) << "lists the known keys";
  const spec::Diagnostic* nested = r.error("unknown setting 'max-bodies'");
  ASSERT_NE(nested, nullptr) << r.messages();
  EXPECT_EQ(nested->line, 7);
  EXPECT_NE(nested->message.find("max-body"), std::string::npos);
}

TEST(ReadSettings, ReportsAnUnknownPaginationKey) {
  Read r = read("x-apiserver:\n  pagination:\n    page-size: 5\n");
  ASSERT_NE(r.error("page-size"), nullptr) << r.messages();
  EXPECT_EQ(r.error("page-size")->line, 5);
}

TEST(ReadSettings, ReportsBadValues) {
  EXPECT_NE(read("x-apiserver: 5\n").error("must be a mapping"), nullptr);
  EXPECT_NE(read("x-apiserver: {database: ''}\n").error("'database'"), nullptr);
  EXPECT_NE(read("x-apiserver: {database: 5}\n").error("'database'"), nullptr);
  EXPECT_NE(read("x-apiserver: {mode: manual}\n").error("'mode'"), nullptr);
  EXPECT_NE(read("x-apiserver: {read-only-input: drop}\n").error("'read-only-input'"), nullptr);
  EXPECT_NE(read("x-apiserver: {limits: {max-body: lots}}\n").error("'max-body'"), nullptr);
  EXPECT_NE(read("x-apiserver: {limits: {max-body: 0}}\n").error("'max-body'"), nullptr);
  EXPECT_NE(read("x-apiserver: {limits: {max-body: -5}}\n").error("'max-body'"), nullptr);
  EXPECT_NE(read("x-apiserver: {pagination: {default-limit: 0}}\n").error("positive"), nullptr);
  EXPECT_NE(read("x-apiserver: {pagination: {max-limit: 2.5}}\n").error("positive"), nullptr);
  EXPECT_NE(read("x-apiserver: {pagination: {max-limit: '10'}}\n").error("positive"), nullptr);
}

TEST(ReadSettings, ReportsADefaultLimitAboveTheMaximum) {
  Read r = read("x-apiserver: {pagination: {default-limit: 60, max-limit: 50}}\n");
  EXPECT_NE(r.error("larger than 'max-limit'"), nullptr) << r.messages();
  Read implicit = read("x-apiserver: {pagination: {default-limit: 500}}\n");
  EXPECT_NE(implicit.error("larger than 'max-limit'"), nullptr)
      << "the default max-limit of 100 applies: " << implicit.messages();
}

TEST(ReadSettings, ReportsEveryProblemInOnePass) {
  Read r = read("x-apiserver: {mode: x, read-only-input: y, database: '', extra: 1}\n");
  EXPECT_EQ(r.diagnostics.error_count(), 4u) << r.messages();
}

// BUG: `limits` and `pagination` that are not mappings are silently ignored, although the header
// says bad values are errors. `limits: 1MiB` (a natural slip for `limits: {max-body: 1MiB}`)
// leaves the limit at its 1 MiB default without a word.
TEST(ReadSettings, ReportsLimitsAndPaginationThatAreNotMappings) {
  EXPECT_TRUE(read("x-apiserver: {limits: 10MiB}\n").diagnostics.has_errors());
  EXPECT_TRUE(read("x-apiserver: {pagination: 50}\n").diagnostics.has_errors());
}

}  // namespace
}  // namespace apiserver::compile
