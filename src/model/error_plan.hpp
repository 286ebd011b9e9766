// How an operation answers the errors the server raises: for each kind of problem, the
// declared response that answers it (status and body shape), compiled from the document once
// at start-up (compile/error_plan_compiler) and filled per error answer
// (pipeline/declared_error_shaper). specs/errors.md states the rules.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "problem/problem.hpp"
#include "validate/compiled_schema.hpp"

namespace apiserver::model {

// Where a filled member's value comes from.
enum class ErrorField {
  kMessage,      // the problem's detail, else its title
  kTitle,        // the catalogue title ("Request validation failed")
  kType,         // the problem type URN
  kCode,         // the catalogue slug ("validation-failed")
  kStatus,       // the answer's status, as a number, or as text in a string member
  kInstance,     // the request path
  kTimestamp,    // the current time, RFC 3339 in UTC
  kFieldErrors,  // the field errors (a validation failure's; else one made of the message)
  // Members of one field error in a list of objects:
  kErrorName,     // the parameter's name, else the body pointer
  kErrorPointer,  // the JSON pointer
  kErrorDetail,   // what is wrong
  kErrorIn,       // body, path, query, header or cookie
};

// How a list of field errors is written.
enum class ListStyle {
  kStrings,         // ["name: detail", ...]
  kObjects,         // [{...item template, filled...}, ...]
  kStringsByField,  // {"name": ["detail", ...], ...}
};

// One member of a body template filled from the problem.
struct ErrorSlot {
  std::string pointer;  // JSON pointer into the template (into the item, for item slots)
  ErrorField field = ErrorField::kMessage;
  bool number = false;  // the member is a number (kStatus); else a string
  // Strings: a value outside these lengths (code points) leaves the generated one.
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  // Numbers: a value outside this range leaves the generated one.
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
  // kFieldErrors:
  ListStyle list = ListStyle::kStrings;
  size_t max_items = std::numeric_limits<size_t>::max();
  nlohmann::ordered_json item_template;  // kObjects: one generated item
  std::vector<ErrorSlot> item_slots;     // kObjects: its members filled per field error
};

enum class ErrorBodyKind {
  kProblem,   // the RFC 9457 body (problem+json declared, or JSON without a schema)
  kTemplate,  // the declared schema's shape: a generated template, filled
  kText,      // text/plain: the message
};

// The body of one declared error response.
struct ErrorShape {
  std::string declared;    // the response's key in the document: "400", "4XX", "default"
  std::string media_type;  // the declared media type the answer is sent as
  ErrorBodyKind kind = ErrorBodyKind::kProblem;
  nlohmann::ordered_json body_template;  // kTemplate: valid against `schema` as it is
  std::vector<ErrorSlot> slots;
  // No slot lists field errors (kFieldErrors), so the message slots carry them.
  bool message_lists_errors = false;
  std::shared_ptr<const validate::CompiledSchema> schema;  // kTemplate: checks each answer
  // Non-empty when no valid body can be built (the schema cannot be generated or compiled):
  // problem+json is sent instead, with the declared status, and this is logged once.
  std::string fallback_reason;
  mutable std::atomic<bool> fallback_logged{false};
};

// The answer to one kind of problem.
struct ErrorRoute {
  int status = 0;  // 0: nothing declared applies; the problem's own status and problem+json
  // The declared body; null when the response declares no content (problem+json is sent
  // with `status`).
  std::shared_ptr<const ErrorShape> shape;
};

inline constexpr size_t kProblemCodeCount = static_cast<size_t>(ProblemCode::kCount);

struct ErrorPlan {
  std::array<ErrorRoute, kProblemCodeCount> routes;

  const ErrorRoute& route(ProblemCode code) const {
    const auto index = static_cast<size_t>(code);
    return routes[index < kProblemCodeCount ? index : static_cast<size_t>(ProblemCode::kInternal)];
  }
};

}  // namespace apiserver::model
