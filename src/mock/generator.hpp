// Generates JSON values from schemas: the data a mock answers with when the
// document gives no example.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "spec/document.hpp"

namespace apiserver::mock {

enum class Audience {
  kResponse,  // what a server sends: readOnly properties in, writeOnly ones out
  kRequest,   // what a client sends: writeOnly in, readOnly out
};

struct GenerateOptions {
  uint64_t seed = 0;  // same seed, same schema: same value
  Audience audience = Audience::kResponse;
  bool use_examples = true;  // prefer example/examples/default found in the schema
  int max_depth = 8;         // recursion bound for recursive schemas
};

// A value valid against `schema` (a Schema Object of `document`; $refs are
// followed), objects with their properties in declaration order. Returns
// nullopt when no valid value could be built, with the reason in `why` when
// given.
std::optional<spec::Json> generate(const spec::Document& document, const spec::NodeRef& schema,
                                   const GenerateOptions& options, std::string* why = nullptr);

}  // namespace apiserver::mock
