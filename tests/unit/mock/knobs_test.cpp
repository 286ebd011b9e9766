// Unit tests of read_mock_knobs: the answer delay (fixed or a range, at most 30s) and the
// injected error rate a document declares, and the one message per mistake it reports.
#include "mock/knobs.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace apiserver::mock {
namespace {

// What read_mock_knobs made of `knobs: <yaml>` read over `start`.
struct Read {
  model::MockKnobs knobs;
  std::vector<std::string> errors;  // "line:column: message"
};

Read read(const std::string& yaml, model::MockKnobs start = {}) {
  Read r;
  r.knobs = start;
  spec::Diagnostics diagnostics;
  // The knobs start on line 3.
  std::unique_ptr<spec::Document> document =
      spec::parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\nknobs: " + yaml + "\n",
                           "api.yaml", diagnostics);
  EXPECT_TRUE(document);
  if (!document) return r;
  read_mock_knobs(*document, spec::Document::child(document->root_ref(), "knobs"), r.knobs,
                  diagnostics);
  for (const spec::Diagnostic& d : diagnostics.items()) {
    EXPECT_EQ(d.severity, spec::Diagnostic::Severity::kError) << d.to_string();
    r.errors.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  }
  return r;
}

struct AcceptedRow {
  const char* sentence;
  const char* yaml;
  long long delay_min_ms;
  long long delay_max_ms;
  double error_rate;
};

TEST(ReadMockKnobs, ReadsDelaysAndErrorRates) {
  const AcceptedRow rows[] = {
      {"an empty mapping changes nothing", "{}", 0, 0, 0},
      {"a single delay is both bounds", "{delay: 200ms}", 200, 200, 0},
      {"a bare number of milliseconds is a delay", "{delay: 150}", 150, 150, 0},
      {"a range sets min and max", "{delay: {min: 100ms, max: 1s}}", 100, 1000, 0},
      {"a range may be a single point", "{delay: {min: 2s, max: 2s}}", 2000, 2000, 0},
      {"30 seconds is the longest delay", "{delay: 30s}", 30000, 30000, 0},
      {"half a minute as a range is allowed", "{delay: {min: 0ms, max: 30000}}", 0, 30000, 0},
      {"an error rate of one tenth", "{error-rate: 0.1}", 0, 0, 0.1},
      {"an error rate of 1 fails every answer", "{error-rate: 1}", 0, 0, 1},
      {"an error rate of 0 fails none", "{error-rate: 0}", 0, 0, 0},
      {"both knobs together", "{delay: 1s, error-rate: 0.25}", 1000, 1000, 0.25},
  };
  for (const AcceptedRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    Read r = read(row.yaml);
    EXPECT_TRUE(r.errors.empty()) << r.errors.front();
    EXPECT_EQ(r.knobs.delay_min.count(), row.delay_min_ms);
    EXPECT_EQ(r.knobs.delay_max.count(), row.delay_max_ms);
    EXPECT_EQ(r.knobs.error_rate, row.error_rate);
  }
}

TEST(ReadMockKnobs, KeepsTheKnobsItIsNotGiven) {
  model::MockKnobs defaults;
  defaults.delay_min = std::chrono::milliseconds(5);
  defaults.delay_max = std::chrono::milliseconds(9);
  defaults.error_rate = 0.5;
  Read only_rate = read("{error-rate: 0.2}", defaults);
  EXPECT_EQ(only_rate.knobs.delay_min.count(), 5);
  EXPECT_EQ(only_rate.knobs.delay_max.count(), 9);
  EXPECT_EQ(only_rate.knobs.error_rate, 0.2);
  Read only_delay = read("{delay: 1s}", defaults);
  EXPECT_EQ(only_delay.knobs.delay_min.count(), 1000);
  EXPECT_EQ(only_delay.knobs.delay_max.count(), 1000);
  EXPECT_EQ(only_delay.knobs.error_rate, 0.5);
}

struct RefusedRow {
  const char* sentence;
  const char* yaml;
  std::vector<std::string> errors;
};

const char* const kDelayHelp =
    "'delay' must be a duration such as 200ms or 2s, or {min: 100ms, max: 1s}, at most 30s";

TEST(ReadMockKnobs, ReportsEachMistakeOnceWhereItIs) {
  const RefusedRow rows[] = {
      {"knobs that are not a mapping are refused", "5s", {"3:8: must be a mapping"}},
      {"an unknown key is refused, naming the known ones",
       "{delay: 1s, errors: 0.1}",
       {"3:28: unknown setting 'errors' (known: delay, error-rate)"}},
      {"a delay that is no duration is refused",
       "{delay: soon}",
       {std::string("3:16: ") + kDelayHelp}},
      {"a negative delay is refused", "{delay: -5}", {std::string("3:16: ") + kDelayHelp}},
      {"a range without max is refused",
       "{delay: {min: 1s}}",
       {std::string("3:16: ") + kDelayHelp}},
      {"a range with an unknown key is refused for the key and the missing bound",
       "{delay: {min: 1s, most: 2s}}",
       {"3:32: unknown setting 'most' (known: max, min)", std::string("3:16: ") + kDelayHelp}},
      {"a range whose min is above its max is refused",
       "{delay: {min: 2s, max: 1s}}",
       {"3:16: 'delay' has min 2000ms above max 1000ms"}},
      {"a delay over 30 seconds is refused",
       "{delay: 31s}",
       {"3:16: 'delay' of 31000ms is over the 30s limit"}},
      {"a range reaching past 30 seconds is refused",
       "{delay: {min: 1s, max: 1m}}",
       {"3:16: 'delay' of 60000ms is over the 30s limit"}},
      {"an error rate above 1 is refused",
       "{error-rate: 1.5}",
       {"3:21: 'error-rate' must be a number from 0 to 1"}},
      {"a negative error rate is refused",
       "{error-rate: -0.1}",
       {"3:21: 'error-rate' must be a number from 0 to 1"}},
      {"an error rate written as a percentage is refused",
       "{error-rate: 10%}",
       {"3:21: 'error-rate' must be a number from 0 to 1"}},
  };
  for (const RefusedRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    Read r = read(row.yaml);
    EXPECT_EQ(r.errors, row.errors);
  }
}

TEST(ReadMockKnobs, LeavesTheKnobsAsTheyWereWhenAValueIsRefused) {
  model::MockKnobs defaults;
  defaults.delay_min = std::chrono::milliseconds(5);
  defaults.delay_max = std::chrono::milliseconds(9);
  defaults.error_rate = 0.5;
  Read r = read("{delay: {min: 2s, max: 1s}, error-rate: 2}", defaults);
  EXPECT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.knobs.delay_min.count(), 5);
  EXPECT_EQ(r.knobs.delay_max.count(), 9);
  EXPECT_EQ(r.knobs.error_rate, 0.5);
}

}  // namespace
}  // namespace apiserver::mock
