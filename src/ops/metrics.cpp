#include "ops/metrics.hpp"

#include <cstdio>

#include "store/prepared.hpp"

namespace apiserver::ops {
namespace {

// Label values escape backslash, quote and newline (Prometheus text format 0.0.4).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

Metrics::Metrics(const model::Api& api) {
  for (const model::Operation* op : api.operations) {
    auto series = std::make_unique<Series>();
    series->route = op->path_template;
    series->method = op->method;
    series_.push_back(std::move(series));
  }
  series_.push_back(std::make_unique<Series>());  // requests no operation answered
}

size_t Metrics::status_slot(int status) {
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  int klass = status / 100;
  if (klass < 1 || klass > 5) klass = 5;
  return kStatuses.size() + static_cast<size_t>(klass - 1);
}

std::string Metrics::status_label(size_t slot) {
  if (slot < kStatuses.size()) return std::to_string(kStatuses[slot]);
  return std::to_string(slot - kStatuses.size() + 1) + "xx";
}

void Metrics::record(int operation, int status, std::chrono::nanoseconds duration,
                     bool database_error, int response_violations) {
  Series& series = operation >= 0 && static_cast<size_t>(operation) + 1 < series_.size()
                       ? *series_[static_cast<size_t>(operation)]
                       : *series_.back();
  series.by_status[status_slot(status)].fetch_add(1, std::memory_order_relaxed);
  const double elapsed = std::chrono::duration<double>(duration).count();
  size_t bucket = 0;
  while (bucket < kBucketsSeconds.size() && elapsed > kBucketsSeconds[bucket]) ++bucket;
  series.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  series.duration_ns.fetch_add(static_cast<uint64_t>(duration.count()), std::memory_order_relaxed);
  if (database_error) database_errors_.fetch_add(1, std::memory_order_relaxed);
  if (response_violations > 0) series.broken_answers.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render(std::optional<RateLimitStoreState> shared_store) const {
  std::string out;
  out.reserve(4096 + series_.size() * 1024);
  out +=
      "# HELP apiserver_http_requests_total HTTP requests answered, by route template, method "
      "and status.\n# TYPE apiserver_http_requests_total counter\n";
  uint64_t rate_limited = 0;
  uint64_t unauthorized = 0;
  uint64_t forbidden = 0;
  for (const auto& s : series_) {
    for (size_t slot = 0; slot < kStatusSlots; ++slot) {
      uint64_t count = s->by_status[slot].load(std::memory_order_relaxed);
      if (count == 0) continue;
      std::string status = status_label(slot);
      if (status == "429") rate_limited += count;
      if (status == "401") unauthorized += count;
      if (status == "403") forbidden += count;
      out += "apiserver_http_requests_total{route=\"" + label(s->route) + "\",method=\"" +
             label(s->method) + "\",status=\"" + status + "\"} " + std::to_string(count) + "\n";
    }
  }
  out +=
      "# HELP apiserver_http_request_duration_seconds Time from a complete request to its "
      "response, by route template and method.\n"
      "# TYPE apiserver_http_request_duration_seconds histogram\n";
  for (const auto& s : series_) {
    uint64_t cumulative = 0;
    uint64_t counts[kBucketsSeconds.size() + 1];
    for (size_t b = 0; b <= kBucketsSeconds.size(); ++b) {
      counts[b] = s->buckets[b].load(std::memory_order_relaxed);
      cumulative += counts[b];
    }
    if (cumulative == 0) continue;
    const std::string labels =
        "route=\"" + label(s->route) + "\",method=\"" + label(s->method) + "\"";
    uint64_t running = 0;
    for (size_t b = 0; b <= kBucketsSeconds.size(); ++b) {
      running += counts[b];
      std::string le = b < kBucketsSeconds.size() ? seconds(kBucketsSeconds[b]) : "+Inf";
      out += "apiserver_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
             std::to_string(running) + "\n";
    }
    char sum[40];
    std::snprintf(sum, sizeof sum, "%.6f",
                  static_cast<double>(s->duration_ns.load(std::memory_order_relaxed)) / 1e9);
    out += "apiserver_http_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
    out += "apiserver_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(running) + "\n";
  }
  out +=
      "# HELP apiserver_http_requests_in_flight Requests being handled now.\n"
      "# TYPE apiserver_http_requests_in_flight gauge\napiserver_http_requests_in_flight " +
      std::to_string(in_flight_.load(std::memory_order_relaxed)) + "\n";
  out +=
      "# HELP apiserver_rate_limited_total Requests refused by a rate limit (429).\n"
      "# TYPE apiserver_rate_limited_total counter\napiserver_rate_limited_total " +
      std::to_string(rate_limited) + "\n";
  if (shared_store) {
    out +=
        "# HELP apiserver_rate_limit_store_up Whether the shared rate-limit store answered "
        "last time.\n# TYPE apiserver_rate_limit_store_up gauge\n"
        "apiserver_rate_limit_store_up ";
    out += shared_store->up ? "1\n" : "0\n";
    out +=
        "# HELP apiserver_rate_limit_store_unanswered_total Rate-limit decisions made without "
        "the shared store (it did not answer).\n"
        "# TYPE apiserver_rate_limit_store_unanswered_total counter\n"
        "apiserver_rate_limit_store_unanswered_total " +
        std::to_string(shared_store->unanswered) + "\n";
  }
  out +=
      "# HELP apiserver_auth_failures_total Requests refused by authentication (401) or "
      "authorization (403).\n# TYPE apiserver_auth_failures_total counter\n"
      "apiserver_auth_failures_total{status=\"401\"} " +
      std::to_string(unauthorized) + "\napiserver_auth_failures_total{status=\"403\"} " +
      std::to_string(forbidden) + "\n";
  out +=
      "# HELP apiserver_database_errors_total Stored operations the database failed "
      "(busy or broken).\n# TYPE apiserver_database_errors_total counter\n"
      "apiserver_database_errors_total " +
      std::to_string(database_errors_.load(std::memory_order_relaxed)) + "\n";
  out +=
      "# HELP apiserver_database_statements_total SQL statements the stored operations "
      "executed.\n# TYPE apiserver_database_statements_total counter\n"
      "apiserver_database_statements_total " +
      std::to_string(store::statements_executed()) + "\n";
  out +=
      "# HELP apiserver_response_violations_total Answers that broke the responses their "
      "operation declares (response validation), by route template and method.\n"
      "# TYPE apiserver_response_violations_total counter\n";
  for (const auto& s : series_) {
    uint64_t count = s->broken_answers.load(std::memory_order_relaxed);
    if (count == 0) continue;
    out += "apiserver_response_violations_total{route=\"" + label(s->route) + "\",method=\"" +
           label(s->method) + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace apiserver::ops
