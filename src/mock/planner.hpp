// Prepares, at start-up, how every operation that is not stored answers:
// its declared responses, their examples and a body generated from the
// schema where there is none, its headers, its mock knobs. A request then
// only picks among precomputed answers (or generates anew on
// `Prefer: dynamic=true`).
#pragma once

#include "model/model.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"

namespace apiserver::mock {

void plan_mocks(const spec::Document& document, model::Api& api, spec::Diagnostics& diagnostics);

// The text sent for `value` as `media_type`: JSON for JSON types, a string's
// own text for other types (a string example of text/plain is sent as is).
std::string body_text(const nlohmann::json& value, bool is_json);
// The same for a node of the document, in the document's key order.
std::string body_text(const spec::Json& value, bool is_json);

}  // namespace apiserver::mock
