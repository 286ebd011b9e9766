// One end-to-end scenario: a request to a running server and everything expected of its
// response, named by a sentence that says what it shows. The end-to-end tests write their tables
// as lists of scenarios and run them with run_scenario() / run_scenarios(), which report every
// miss under the scenario's name.
//
//   run_scenarios(client, {
//       Scenario("A todo that was never created is a 404 problem naming the path.")
//           .get("/todos/2")
//           .expect_status(404)
//           .expect_header("content-type", "application/problem+json")
//           .expect_json(resource_not_found("Todo", "/todos/2")),
//   });
//
// A flow whose later steps need a value from an earlier answer (a generated key, a Location)
// runs the earlier scenario alone, takes the value from the response run_scenario() returns, and
// builds the later scenarios with it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.hpp"

namespace apiserver::test {

class Scenario {
 public:
  // A check of the response that reports its own failures (EXPECT_*, ADD_FAILURE).
  using Check = std::function<void(const HttpResponse&)>;
  // A property the response must have; `description` says which when it does not.
  using Predicate = std::function<bool(const HttpResponse&)>;

  explicit Scenario(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }

  // The request. Without one of these the scenario sends GET /.
  Scenario& request(std::string method, std::string target, std::string body = "");
  Scenario& get(std::string target) { return request("GET", std::move(target)); }
  Scenario& head(std::string target) { return request("HEAD", std::move(target)); }
  Scenario& options(std::string target) { return request("OPTIONS", std::move(target)); }
  Scenario& del(std::string target) { return request("DELETE", std::move(target)); }
  Scenario& post(std::string target, std::string body) {
    return request("POST", std::move(target), std::move(body));
  }
  Scenario& put(std::string target, std::string body) {
    return request("PUT", std::move(target), std::move(body));
  }
  Scenario& patch(std::string target, std::string body) {
    return request("PATCH", std::move(target), std::move(body));
  }
  // Sends `bytes` as they are on a fresh connection instead of a request built from the above,
  // for requests HttpClient would not write (malformed ones).
  Scenario& raw(std::string bytes);
  // Adds request headers (in order, after any given before).
  Scenario& header(std::string name, std::string value);
  Scenario& header(std::pair<std::string, std::string> name_and_value);
  Scenario& headers(const Headers& more);

  // What the response must be. The status is checked first; when it is wrong the other checks
  // are skipped (they would only repeat that failure).
  Scenario& expect_status(int status);
  // The first header named `name` (case-insensitive) must equal `value`.
  Scenario& expect_header(std::string name, std::string value);
  // The response must have no header named `name`.
  Scenario& expect_no_header(std::string name);
  // `value` present: as expect_header(); nullopt: as expect_no_header().
  Scenario& expect_header_or_none(std::string name, std::optional<std::string> value);
  // Every header named `name`, in order, must be exactly `values`.
  Scenario& expect_header_values(std::string name, std::vector<std::string> values);
  // The body, byte for byte ("" for an empty body).
  Scenario& expect_body(std::string body);
  // The body parsed as JSON equals `expected` (object member order aside).
  Scenario& expect_json(nlohmann::json expected);
  // Like expect_json(), but the "errors" arrays of both are compared as sets: the order in which
  // a validator finds errors is not part of the contract, their set is.
  Scenario& expect_problem(nlohmann::json expected);
  // The body is JSON holding at least `subset`: every member of an object in `subset` is in the
  // body's object at the same place with a value holding it in turn; arrays and scalars equal.
  Scenario& expect_json_contains(nlohmann::json subset);
  // The body is a problem+json document of type "urn:apiserver:problem:" + `slug`.
  Scenario& expect_problem_type(std::string slug);
  // `predicate` holds of the response; a failure quotes `description` and the body.
  Scenario& expect(std::string description, Predicate predicate);
  // Runs `check`, which reports its own failures (for checks with several parts).
  Scenario& check(Check check);
  // After the response, the server closes the connection (within 3 s). Only for raw() requests.
  Scenario& expect_connection_closed();

  // Used by the runner.
  const std::string& method() const { return method_; }
  const std::string& target() const { return target_; }
  const std::string& body() const { return body_; }
  const Headers& request_headers() const { return headers_; }
  const std::optional<std::string>& raw_bytes() const { return raw_; }
  bool connection_closed() const { return connection_closed_; }
  std::optional<int> expected_status() const { return status_; }
  const std::vector<Check>& checks() const { return checks_; }

 private:
  std::string name_;
  std::string method_ = "GET";
  std::string target_ = "/";
  std::string body_;
  Headers headers_;
  std::optional<std::string> raw_;
  std::optional<int> status_;
  bool connection_closed_ = false;
  std::vector<Check> checks_;  // in the order they were declared
};

// Sends `scenario` with `client` (a raw() request on a new connection to the same server) and
// checks the response against every expectation, reporting
// each miss as a non-fatal failure traced with the scenario's name. A wrong status is reported
// as a fatal failure, so that a caller can stop with ASSERT_NO_FATAL_FAILURE. Returns the
// response, from which a test can take values for later scenarios.
HttpResponse run_scenario(HttpClient& client, const Scenario& scenario);

// Runs `scenarios` in order on one connection and stops at the first whose status is wrong:
// later steps of a flow build on the earlier ones.
void run_scenarios(HttpClient& client, const std::vector<Scenario>& scenarios);

// Runs every one of `scenarios`, whatever the status of the others: for tables of independent
// cases, where one failure says nothing of the next.
void run_each_scenario(HttpClient& client, const std::vector<Scenario>& scenarios);

// A GET of `target` refused with the 422 validation problem of `instance` listing `errors` (in
// any order), as problem+json.
Scenario refused_get(std::string name, std::string target, const std::string& instance,
                     nlohmann::json errors);

// True if `actual` holds `subset` in the sense of Scenario::expect_json_contains().
bool json_contains(const nlohmann::json& actual, const nlohmann::json& subset);

}  // namespace apiserver::test
