// Compiles the error plan of every operation (see error_plan_compiler.hpp).
//
// The status rule: for a problem whose natural status is N, the first declared response of
// (1) an exact candidate code: N itself, then 400 for a problem with the request's content
//     (validation-failed, malformed-body, bad-request, unsupported-media-type,
//     undeclared-preference): a document that declares only 400 answers its invalid input so;
// (2) the range NXX (4XX, 5XX), sent with N;
// (3) `default`, sent with N, when its body can carry the problem (or declares none);
// and when nothing is declared, N with problem+json. x-apiserver-error `status-for` on the
// operation names the response for a kind of problem instead.
#include "compile/error_plan_compiler.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "compile/error_shape_compiler.hpp"

namespace apiserver::compile {
namespace {

using spec::Document;
using spec::NodeRef;

// The declared responses of an operation by key ("400", "4XX", "default"), followed.
using DeclaredResponses = std::map<std::string, NodeRef>;

bool is_error_key(const std::string& key) {
  if (key == "default") return true;
  return key.size() == 3 && (key[0] == '4' || key[0] == '5');
}

// Problems about the request's own content, which a declared 400 answers.
bool is_client_input(ProblemCode code) {
  switch (code) {
    case ProblemCode::kValidationFailed:
    case ProblemCode::kMalformedBody:
    case ProblemCode::kBadRequest:
    case ProblemCode::kUnsupportedMediaType:
    case ProblemCode::kUndeclaredPreference:
      return true;
    default:
      return false;
  }
}

// The response key that answers `code` by the status rule; empty: none.
std::string choose_key(ProblemCode code, const DeclaredResponses& declared,
                       const std::map<std::string, bool>& carries_problem) {
  const int natural = Problem::make(code, "").status();
  std::vector<std::string> exact = {std::to_string(natural)};
  if (is_client_input(code) && natural != 400) exact.push_back("400");
  for (const std::string& key : exact)
    if (declared.count(key)) return key;
  std::string range = std::to_string(natural / 100) + "XX";
  for (const auto& [key, ignored] : declared) {
    std::string upper = key;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == range) return key;
  }
  if (declared.count("default") && carries_problem.at("default")) return "default";
  return "";
}

int status_of(const std::string& key, ProblemCode code) {
  if (key.size() == 3 && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      }))
    return std::stoi(key);
  return Problem::make(code, "").status();  // a range or default: the natural status
}

class PlanCompiler {
 public:
  PlanCompiler(const Document& document, spec::Diagnostics& diagnostics)
      : document_(document), diagnostics_(diagnostics), shapes_(document, diagnostics) {}

  std::shared_ptr<const model::ErrorPlan> compile(const model::Operation& op) {
    if (!op.node.valid() || !op.node.node->is_object()) return nullptr;
    DeclaredResponses declared;
    NodeRef responses = Document::child(op.node, "responses");
    if (responses.valid() && responses.node->is_object()) {
      for (const auto& [key, ignored] : responses.node->items()) {
        if (!is_error_key(key)) continue;
        NodeRef response = document_.follow(Document::child(responses, key), quiet_);
        if (response.valid() && response.node->is_object()) declared.emplace(key, response);
      }
    }
    NodeRef extension = Document::child(op.node, "x-apiserver-error");
    if (declared.empty() && !extension.valid()) return nullptr;

    std::map<std::string, std::shared_ptr<const model::ErrorShape>> shape_of;
    std::map<std::string, bool> carries_problem;
    for (const auto& [key, response] : declared) {
      shape_of[key] = shapes_.shape(response, key);
      const model::ErrorShape* shape = shape_of[key].get();
      // A `default` whose schema has no member for the problem is likely a success shape.
      carries_problem[key] = shape == nullptr || shape->kind != model::ErrorBodyKind::kTemplate ||
                             !shape->slots.empty();
    }
    std::map<ProblemCode, std::string> chosen = read_status_for(extension, declared);

    auto plan = std::make_shared<model::ErrorPlan>();
    for (size_t i = 0; i < model::kProblemCodeCount; ++i) {
      const auto code = static_cast<ProblemCode>(i);
      auto named = chosen.find(code);
      std::string key =
          named != chosen.end() ? named->second : choose_key(code, declared, carries_problem);
      if (key.empty()) continue;
      plan->routes[i].status = status_of(key, code);
      plan->routes[i].shape = shape_of[key];
    }
    return plan;
  }

 private:
  // x-apiserver-error: {status-for: {KIND: KEY}} on an operation.
  std::map<ProblemCode, std::string> read_status_for(const NodeRef& extension,
                                                     const DeclaredResponses& declared) {
    std::map<ProblemCode, std::string> chosen;
    if (!extension.valid()) return chosen;
    auto error = [&](const NodeRef& at, const std::string& message) {
      diagnostics_.add(document_.at(at, spec::Diagnostic::Severity::kError, message));
    };
    if (!extension.node->is_object()) {
      error(extension, "x-apiserver-error must be a mapping");
      return chosen;
    }
    for (const auto& [member, ignored] : extension.node->items()) {
      if (member != "status-for")
        error(Document::child(extension, member),
              "unknown member '" + member +
                  "' of an operation's x-apiserver-error (it knows: status-for; fields belongs "
                  "on a response)");
    }
    NodeRef status_for = Document::child(extension, "status-for");
    if (!status_for.valid()) return chosen;
    if (!status_for.node->is_object()) {
      error(status_for, "x-apiserver-error 'status-for' must map kinds of error to responses");
      return chosen;
    }
    for (const auto& [kind, value] : status_for.node->items()) {
      NodeRef at = Document::child(status_for, kind);
      std::optional<ProblemCode> code = problem_code_of_slug(kind);
      if (!code) {
        error(at, "'" + kind +
                      "' is no kind of error; kinds are the problem type slugs of specs/errors.md "
                      "(validation-failed, resource-not-found, unauthorized, ...)");
        continue;
      }
      std::string key = value.is_number_integer() ? std::to_string(value.get<long long>())
                        : value.is_string()       ? value.get<std::string>()
                                                  : "";
      if (!declared.count(key)) {
        error(at, "'" + kind + "' is sent as " + (key.empty() ? value.dump() : key) +
                      ", which this operation does not declare as an error response");
        continue;
      }
      chosen[*code] = key;
    }
    return chosen;
  }

  const Document& document_;
  spec::Diagnostics& diagnostics_;
  spec::Diagnostics quiet_;  // dangling references are reported where responses are compiled
  ErrorShapeCompiler shapes_;
};

}  // namespace

void compile_error_plans(const Document& document, model::Api& api,
                         spec::Diagnostics& diagnostics) {
  PlanCompiler compiler(document, diagnostics);
  for (model::PathItem& item : api.paths)
    for (model::Operation& op : item.operations) op.errors = compiler.compile(op);
}

}  // namespace apiserver::compile
