// Mock answers (see mock_responder.hpp).
#include "pipeline/mock_responder.hpp"

#include <random>

#include "mock/generator.hpp"
#include "mock/planner.hpp"
#include "model/declared_status.hpp"
#include "pipeline/content_negotiation.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/prefer.hpp"
#include "text/media_type.hpp"

namespace apiserver::pipeline {
namespace {

std::mt19937_64& random_engine() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

std::string declared_list(const model::MockPlan& plan) {
  std::string out;
  for (const auto& r : plan.responses) out += (out.empty() ? "" : ", ") + r.declared;
  return out;
}

// The response a `Prefer: code=` asks for: an exact declaration, else a range
// (4XX) covering it, else `default`.
const model::MockResponse* response_for_code(const model::MockPlan& plan, const std::string& code,
                                             int& status) {
  if (code.size() != 3 || code.find_first_not_of("0123456789") != std::string::npos) return nullptr;
  status = std::stoi(code);
  if (status < 100 || status > 599) return nullptr;
  return model::declared_for_status(plan.responses, status);
}

// An error the document declares (5xx first, then default, then 4xx) for
// the error-rate knob; null when it declares none.
const model::MockResponse* declared_error(const model::MockPlan& plan) {
  const model::MockResponse* pick = nullptr;
  auto rank = [](const model::MockResponse& r) {
    if (r.status >= 500) return 0;
    if (r.declared == "default") return 1;
    if (r.status >= 400) return 2;
    return 3;
  };
  for (const auto& r : plan.responses) {
    if (rank(r) < 3 && (pick == nullptr || rank(r) < rank(*pick))) pick = &r;
  }
  return pick;
}

std::chrono::milliseconds pick_delay(const model::MockKnobs& knobs) {
  if (knobs.delay_max.count() <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<long long> d(knobs.delay_min.count(), knobs.delay_max.count());
  return std::chrono::milliseconds(d(random_engine()));
}

// A Content-Type inside `type`, which may still be a range after negotiation: a client must
// be told a real type, and one the document allows. JSON text goes out as JSON.
std::string concrete_type(const std::string& type, bool is_json) {
  size_t slash = type.find('/');
  if (type.find('*') == std::string::npos || slash == std::string::npos) return type;
  if (type.compare(slash, std::string::npos, "/*") != 0)  // application/*+json and the like
    return is_json ? "application/json" : "text/plain";
  const std::string top = type.substr(0, slash);
  if (top == "*" || top == "application")
    return is_json ? "application/json" : "application/octet-stream";
  if (top == "text") return "text/plain";
  if (top == "image") return "image/png";
  if (top == "audio") return "audio/mpeg";
  if (top == "video") return "video/mp4";
  return top + "/octet-stream";
}

bool is_string_literal(const std::string& body) {
  return !body.empty() && body.front() == '"' &&
         nlohmann::json::parse(body, nullptr, false).is_string();
}

// The text of a JSON string literal, or `body` itself when it is not one.
std::string string_text(std::string body) {
  if (!is_string_literal(body)) return body;
  return nlohmann::json::parse(body).get<std::string>();
}

}  // namespace

std::optional<Problem> respond_with_mock(const Call& call, const model::Api& api,
                                         http::Response& response) {
  const model::Operation& op = call.operation;
  const model::MockPlan& plan = *op.mock;
  Preferences prefs = read_preferences(call.request);
  std::string applied;
  auto apply = [&](const std::string& preference) {
    applied += (applied.empty() ? "" : ", ") + preference;
  };

  const model::MockResponse* chosen = &plan.responses[plan.default_response];
  int status = chosen->status;
  bool injected = false;
  if (plan.knobs.error_rate > 0 &&
      std::uniform_real_distribution<double>(0, 1)(random_engine()) < plan.knobs.error_rate) {
    injected = true;
    chosen = declared_error(plan);
    if (chosen == nullptr) {
      // Rendered here, not returned: a returned problem is answered at once, and a chaos test
      // needs the failure to take as long as the answer would (a slow failing backend).
      respond_with_problem(Problem::make(ProblemCode::kInjectedFailure,
                                         "this failure was injected by the mock error-rate of " +
                                             op.method + " " + op.path_template),
                           call.request, &op, response);
      response.delay = pick_delay(plan.knobs);
      return std::nullopt;
    }
    status = chosen->status == 200 ? 500 : chosen->status;  // a `default` error answers 500
  } else if (prefs.code) {
    // A 1xx is interim: sent as the answer, it leaves the client waiting for one that never
    // comes.
    if (prefs.code->size() == 3 && (*prefs.code)[0] == '1')
      return Problem::make(
          ProblemCode::kUndeclaredPreference,
          "Prefer: code=" + *prefs.code +
              " asks for an interim (1xx) status; a mock answers with a final one; "
              "declared: " +
              declared_list(plan));
    chosen = response_for_code(plan, *prefs.code, status);
    if (chosen == nullptr)
      return Problem::make(ProblemCode::kUndeclaredPreference,
                           "Prefer: code=" + *prefs.code + " is not declared for " + op.method +
                               " " + op.path_template + "; declared: " + declared_list(plan));
    apply("code=" + *prefs.code);
  }

  if (status < 200)
    return Problem::make(ProblemCode::kNotImplemented,
                         op.method + " " + op.path_template +
                             " declares only interim (1xx) responses, which a mock cannot send "
                             "as its answer");
  response.status = status;
  for (const auto& h : chosen->headers) response.add_header(h.name, h.value);
  response.delay = pick_delay(plan.knobs);
  if (chosen->contents.empty() || status == 204 || status == 304) {
    if (!applied.empty()) response.add_header("Preference-Applied", applied);
    return std::nullopt;
  }

  std::vector<std::string> types;
  for (const auto& c : chosen->contents) types.push_back(c.media_type);
  MediaPick pick = negotiate_media_type(call.request.header("accept"), types);
  if (pick.index < 0) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
    return Problem::make(ProblemCode::kNotAcceptable, "this response is declared as " + list +
                                                          "; the Accept header excludes it");
  }
  const model::MockContent& content = chosen->contents[static_cast<size_t>(pick.index)];
  if (prefs.example && !injected) {
    auto it = std::find_if(content.examples.begin(), content.examples.end(),
                           [&](const model::MockBody& b) { return b.name == *prefs.example; });
    if (it == content.examples.end()) {
      std::string names;
      for (const auto& b : content.examples)
        if (!b.name.empty()) names += (names.empty() ? "" : ", ") + b.name;
      return Problem::make(ProblemCode::kUndeclaredPreference,
                           "Prefer: example=" + *prefs.example + " is not declared for this " +
                               "response; declared: " + (names.empty() ? "none" : names));
    }
    response.body = it->text;
    apply("example=" + *prefs.example);
  } else if (prefs.dynamic && content.schema.valid()) {
    mock::GenerateOptions options;
    options.seed = random_engine()();
    options.use_examples = false;
    auto value = mock::generate(*api.document, content.schema, options);
    response.body = value ? mock::body_text(*value, content.is_json) : content.default_body;
    if (value) apply("dynamic=true");
  } else {
    response.body = content.default_body;
  }
  // A range admitting any type sends a string as text, anything else as JSON.
  std::string type = pick.type;
  if (type == "*/*" && is_string_literal(response.body)) type = "text/*";
  response.content_type = concrete_type(type, content.is_json);
  // Bodies planned as JSON text for a range (*/*) sent as another type: a string goes out as
  // its own text, as for any non-JSON type.
  if (content.is_json && !text::is_json_media_type(response.content_type))
    response.body = string_text(std::move(response.body));
  if (!applied.empty()) response.add_header("Preference-Applied", applied);
  return std::nullopt;
}

std::optional<Problem> MockResponder::answer(const Call& call, http::Response& response) const {
  const model::Operation& op = call.operation;
  if (op.mock) return respond_with_mock(call, api_, response);
  return Problem::make(ProblemCode::kNotImplemented,
                       op.method + " " + op.path_template + " has no stored or mock answer");
}

}  // namespace apiserver::pipeline
