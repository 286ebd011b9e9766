// Building scenarios and checking a response against them (see scenario.hpp).
#include "support/scenario.hpp"

#include <gtest/gtest.h>

#include "support/problem_json.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// How long a raw() request waits for its response, and then for the server to close.
constexpr std::chrono::milliseconds kClosedWithin = kDefaultTimeout;

// The body as JSON, or a discarded value (with a failure reported) if it is not JSON.
json parsed_body(const HttpResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) ADD_FAILURE() << "the body is not JSON: " << r.body;
  return body;
}

}  // namespace

Scenario& Scenario::request(std::string method, std::string target, std::string body) {
  method_ = std::move(method);
  target_ = std::move(target);
  body_ = std::move(body);
  return *this;
}

Scenario& Scenario::raw(std::string bytes) {
  raw_ = std::move(bytes);
  return *this;
}

Scenario& Scenario::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Scenario& Scenario::header(std::pair<std::string, std::string> name_and_value) {
  headers_.push_back(std::move(name_and_value));
  return *this;
}

Scenario& Scenario::headers(const Headers& more) {
  headers_.insert(headers_.end(), more.begin(), more.end());
  return *this;
}

Scenario& Scenario::expect_status(int status) {
  status_ = status;
  return *this;
}

Scenario& Scenario::expect_header(std::string name, std::string value) {
  return check([name = std::move(name), value = std::move(value)](const HttpResponse& r) {
    EXPECT_EQ(r.header(name), value) << "header " << name;
  });
}

Scenario& Scenario::expect_no_header(std::string name) {
  return check([name = std::move(name)](const HttpResponse& r) {
    EXPECT_FALSE(r.header(name).has_value()) << "header " << name << ": " << *r.header(name);
  });
}

Scenario& Scenario::expect_header_or_none(std::string name, std::optional<std::string> value) {
  if (value) return expect_header(std::move(name), std::move(*value));
  return expect_no_header(std::move(name));
}

Scenario& Scenario::expect_header_values(std::string name, std::vector<std::string> values) {
  return check([name = std::move(name), values = std::move(values)](const HttpResponse& r) {
    EXPECT_EQ(r.header_values(name), values) << "headers " << name;
  });
}

Scenario& Scenario::expect_body(std::string body) {
  return check([body = std::move(body)](const HttpResponse& r) { EXPECT_EQ(r.body, body); });
}

Scenario& Scenario::expect_json(json expected) {
  return check([expected = std::move(expected)](const HttpResponse& r) {
    json body = parsed_body(r);
    if (!body.is_discarded()) {
      EXPECT_EQ(body, expected) << r.body;
    }
  });
}

Scenario& Scenario::expect_problem(json expected) {
  return check([expected = with_sorted_errors(std::move(expected))](const HttpResponse& r) {
    json body = parsed_body(r);
    if (!body.is_discarded()) {
      EXPECT_EQ(with_sorted_errors(body), expected) << r.body;
    }
  });
}

Scenario& Scenario::expect_json_contains(json subset) {
  return check([subset = std::move(subset)](const HttpResponse& r) {
    json body = parsed_body(r);
    if (!body.is_discarded()) {
      EXPECT_TRUE(json_contains(body, subset)) << "expected at least " << subset.dump() << "\n"
                                               << "     got " << r.body;
    }
  });
}

Scenario& Scenario::expect_problem_type(std::string slug) {
  return check([type = "urn:apiserver:problem:" + slug](const HttpResponse& r) {
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    json body = parsed_body(r);
    if (!body.is_discarded()) {
      EXPECT_EQ(body.is_object() ? body.value("type", "") : "", type) << r.body;
    }
  });
}

Scenario& Scenario::expect(std::string description, Predicate predicate) {
  return check([description = std::move(description),
                predicate = std::move(predicate)](const HttpResponse& r) {
    EXPECT_TRUE(predicate(r)) << description << "; the body: " << r.body;
  });
}

Scenario& Scenario::check(Check check) {
  checks_.push_back(std::move(check));
  return *this;
}

Scenario& Scenario::expect_connection_closed() {
  connection_closed_ = true;
  return *this;
}

HttpResponse run_scenario(HttpClient& client, const Scenario& scenario) {
  SCOPED_TRACE(scenario.raw_bytes()
                   ? scenario.name() + " (raw bytes)"
                   : scenario.name() + " (" + scenario.method() + " " + scenario.target() + ")");
  std::optional<RawConnection> raw;
  HttpResponse r;
  if (scenario.raw_bytes()) {
    raw.emplace(client.port(), client.host());
    raw->write(*scenario.raw_bytes());
    r = raw->read_response(kClosedWithin);
  } else {
    r = client.request(scenario.method(), scenario.target(), scenario.body(),
                       scenario.request_headers());
  }
  if (scenario.expected_status() && r.status != *scenario.expected_status()) {
    // In a lambda, because FAIL() returns from the function it is in.
    [&] {
      FAIL() << "status " << r.status << ", expected " << *scenario.expected_status()
             << "; the body: " << r.body;
    }();
    return r;
  }
  for (const Scenario::Check& check : scenario.checks()) check(r);
  if (scenario.connection_closed()) {
    EXPECT_TRUE(raw && raw->is_closed_by_peer(kClosedWithin))
        << (raw ? "the server kept the connection open" : "only a raw() request can check this");
  }
  return r;
}

void run_scenarios(HttpClient& client, const std::vector<Scenario>& scenarios) {
  for (const Scenario& scenario : scenarios) {
    HttpResponse r = run_scenario(client, scenario);
    if (scenario.expected_status() && r.status != *scenario.expected_status()) return;
  }
}

void run_each_scenario(HttpClient& client, const std::vector<Scenario>& scenarios) {
  for (const Scenario& scenario : scenarios) run_scenario(client, scenario);
}

bool json_contains(const json& actual, const json& subset) {
  if (!subset.is_object()) return actual == subset;
  if (!actual.is_object()) return false;
  for (const auto& [key, value] : subset.items()) {
    auto found = actual.find(key);
    if (found == actual.end() || !json_contains(*found, value)) return false;
  }
  return true;
}

Scenario refused_get(std::string name, std::string target, const std::string& instance,
                     nlohmann::json errors) {
  Scenario scenario(std::move(name));
  scenario.get(std::move(target))
      .expect_status(422)
      .expect_header("content-type", "application/problem+json")
      .expect_problem(validation_problem(instance, std::move(errors)));
  return scenario;
}

}  // namespace apiserver::test
