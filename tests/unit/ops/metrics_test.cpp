// Unit tests of Metrics on a compiled document: the Prometheus text it renders, exactly, for
// requests by route, method and status (classes for the statuses not counted one by one),
// the latency histogram, requests in flight, and the rate-limit, authentication and database
// counters.
#include "ops/metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "store/prepared.hpp"
#include "unit/compile/compiled_document.hpp"

namespace apiserver::ops {
namespace {

using compile::testing::Compiled;
using std::chrono::microseconds;
using std::chrono::milliseconds;

const char* const kDocument = R"(openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      responses:
        '200': {description: ok}
  /things/{id}:
    delete:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        '204': {description: gone}
)";

// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  return out;
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    compiled_ = compile::testing::compile_text(kDocument);
    ASSERT_TRUE(compiled_.api) << compiled_.messages();
    const model::Operation* get = compiled_.op("GET", "/things");
    const model::Operation* del = compiled_.op("DELETE", "/things/{id}");
    ASSERT_TRUE(get != nullptr && del != nullptr);
    get_ = get->index;
    delete_ = del->index;
  }

  Compiled compiled_;
  int get_ = -1;
  int delete_ = -1;
};

TEST_F(MetricsTest, RendersOnlyTheHeadersAndZeroCountersBeforeAnyRequest) {
  Metrics metrics(*compiled_.api);
  // The statements count is the process's (other tests ran some): its line is checked apart.
  std::string rendered = metrics.render();
  const std::string statements =
      "apiserver_database_statements_total " + std::to_string(store::statements_executed()) + "\n";
  const size_t at = rendered.find(statements);
  ASSERT_NE(at, std::string::npos) << rendered;
  rendered.replace(at, statements.size(), "apiserver_database_statements_total N\n");
  EXPECT_EQ(rendered,
            "# HELP apiserver_http_requests_total HTTP requests answered, by route template, "
            "method and status.\n"
            "# TYPE apiserver_http_requests_total counter\n"
            "# HELP apiserver_http_request_duration_seconds Time from a complete request to its "
            "response, by route template and method.\n"
            "# TYPE apiserver_http_request_duration_seconds histogram\n"
            "# HELP apiserver_http_requests_in_flight Requests being handled now.\n"
            "# TYPE apiserver_http_requests_in_flight gauge\n"
            "apiserver_http_requests_in_flight 0\n"
            "# HELP apiserver_rate_limited_total Requests refused by a rate limit (429).\n"
            "# TYPE apiserver_rate_limited_total counter\n"
            "apiserver_rate_limited_total 0\n"
            "# HELP apiserver_auth_failures_total Requests refused by authentication (401) or "
            "authorization (403).\n"
            "# TYPE apiserver_auth_failures_total counter\n"
            "apiserver_auth_failures_total{status=\"401\"} 0\n"
            "apiserver_auth_failures_total{status=\"403\"} 0\n"
            "# HELP apiserver_database_errors_total Stored operations the database failed "
            "(busy or broken).\n"
            "# TYPE apiserver_database_errors_total counter\n"
            "apiserver_database_errors_total 0\n"
            "# HELP apiserver_database_statements_total SQL statements the stored operations "
            "executed.\n"
            "# TYPE apiserver_database_statements_total counter\n"
            "apiserver_database_statements_total N\n"
            "# HELP apiserver_response_violations_total Answers that broke the responses their "
            "operation declares (response validation), by route template and method.\n"
            "# TYPE apiserver_response_violations_total counter\n");
}

TEST_F(MetricsTest, CountsAnswersThatBrokeTheDocumentByRoute) {
  Metrics metrics(*compiled_.api);
  metrics.record(get_, 200, milliseconds(1), false, 2);
  metrics.record(get_, 200, milliseconds(1), false, 0);
  metrics.record(get_, 418, milliseconds(1), false, 1);
  const std::string text = metrics.render();
  EXPECT_NE(text.find("apiserver_response_violations_total{route=\"/things\",method=\"GET\"} 2\n"),
            std::string::npos)
      << text;
}

struct StatusRow {
  const char* sentence;
  int status;
  const char* label;
};

TEST_F(MetricsTest, CountsCommonStatusesOneByOneAndTheRestByClass) {
  const StatusRow rows[] = {
      {"200 is counted as itself", 200, "200"},
      {"422 is counted as itself", 422, "422"},
      {"503 is counted as itself", 503, "503"},
      {"418 is counted in its class", 418, "4xx"},
      {"207 is counted in its class", 207, "2xx"},
      {"101 is counted in its class", 101, "1xx"},
      {"a status past 599 is counted as a server error", 600, "5xx"},
      {"a status below 100 is counted as a server error", 42, "5xx"},
  };
  for (const StatusRow& row : rows) {
    SCOPED_TRACE(row.sentence);
    Metrics metrics(*compiled_.api);
    metrics.record(get_, row.status, milliseconds(1), false);
    EXPECT_EQ(lines_starting(metrics.render(), "apiserver_http_requests_total{"),
              std::vector<std::string>{std::string("apiserver_http_requests_total{route="
                                                   "\"/things\",method=\"GET\",status=\"") +
                                       row.label + "\"} 1"});
  }
}

TEST_F(MetricsTest, CountsRequestsByRouteMethodAndStatusWithUnmatchedOnesApart) {
  Metrics metrics(*compiled_.api);
  metrics.record(get_, 200, milliseconds(1), false);
  metrics.record(get_, 200, milliseconds(1), false);
  metrics.record(delete_, 204, milliseconds(1), false);
  metrics.record(delete_, 404, milliseconds(1), false);
  metrics.record(-1, 404, milliseconds(1), false);
  metrics.record(99, 405, milliseconds(1), false);  // past the operations: unmatched
  EXPECT_EQ(
      lines_starting(metrics.render(), "apiserver_http_requests_total{"),
      (std::vector<std::string>{
          R"(apiserver_http_requests_total{route="/things",method="GET",status="200"} 2)",
          R"(apiserver_http_requests_total{route="/things/{id}",method="DELETE",status="204"} 1)",
          R"(apiserver_http_requests_total{route="/things/{id}",method="DELETE",status="404"} 1)",
          R"(apiserver_http_requests_total{route="",method="",status="404"} 1)",
          R"(apiserver_http_requests_total{route="",method="",status="405"} 1)",
      }));
}

TEST_F(MetricsTest, RendersACumulativeHistogramWithSumAndCount) {
  Metrics metrics(*compiled_.api);
  metrics.record(get_, 200, microseconds(400), false);   // <= 0.0005
  metrics.record(get_, 200, microseconds(500), false);   // exactly 0.0005: that bucket
  metrics.record(get_, 200, milliseconds(30), false);    // <= 0.05
  metrics.record(get_, 200, milliseconds(3000), false);  // past 2.5: +Inf only
  EXPECT_EQ(
      lines_starting(metrics.render(), "apiserver_http_request_duration_seconds_"),
      (std::vector<std::string>{
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.0005"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.001"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.0025"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.005"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.01"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.025"} 2)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.05"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.1"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.25"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="0.5"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="1"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="2.5"} 3)",
          R"(apiserver_http_request_duration_seconds_bucket{route="/things",method="GET",le="+Inf"} 4)",
          R"(apiserver_http_request_duration_seconds_sum{route="/things",method="GET"} 3.030900)",
          R"(apiserver_http_request_duration_seconds_count{route="/things",method="GET"} 4)",
      }));
}

TEST_F(MetricsTest, AddsRefusalsAndDatabaseErrorsToTheirOwnCounters) {
  Metrics metrics(*compiled_.api);
  metrics.record(get_, 429, milliseconds(1), false);
  metrics.record(-1, 429, milliseconds(1), false);
  metrics.record(delete_, 401, milliseconds(1), false);
  metrics.record(delete_, 403, milliseconds(1), false);
  metrics.record(delete_, 403, milliseconds(1), false);
  metrics.record(delete_, 503, milliseconds(1), true);
  const std::string text = metrics.render();
  EXPECT_EQ(lines_starting(text, "apiserver_rate_limited_total "),
            std::vector<std::string>{"apiserver_rate_limited_total 2"});
  EXPECT_EQ(lines_starting(text, "apiserver_auth_failures_total{"),
            (std::vector<std::string>{R"(apiserver_auth_failures_total{status="401"} 1)",
                                      R"(apiserver_auth_failures_total{status="403"} 2)"}));
  EXPECT_EQ(lines_starting(text, "apiserver_database_errors_total "),
            std::vector<std::string>{"apiserver_database_errors_total 1"});
}

TEST_F(MetricsTest, CountsRequestsInFlight) {
  Metrics metrics(*compiled_.api);
  metrics.started();
  metrics.started();
  metrics.started();
  metrics.finished();
  EXPECT_EQ(lines_starting(metrics.render(), "apiserver_http_requests_in_flight "),
            std::vector<std::string>{"apiserver_http_requests_in_flight 2"});
}

}  // namespace
}  // namespace apiserver::ops
