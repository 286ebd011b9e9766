// Envelopes: a body that wraps the item in one property named after the collection
// (`{"article": {...}}` on /articles), or a list in one array property with an optional count
// (`{"articles": [...], "articlesCount": 2}`). Inferred from the schema's shape: the wrapping
// property must be the collection's last segment (a list) or its singular (an item), so that
// an item schema with one object property is never mistaken for one. Where the rule does not
// fit (`{"data": {...}}`), the wrapping schema declares it: `x-apiserver-envelope: data`, or
// `{property: data, count: total}` for a list; `false` says a schema is no envelope. The items
// are stored, and answers are wrapped again (model::Envelope).
#pragma once

#include <string>

#include "model/model.hpp"
#include "spec/document.hpp"

namespace apiserver::compile {

// "articles" -> "article", "categories" -> "category"; a word without a plural 's' as it is.
std::string singular_of(const std::string& plural);

// The item schema inside `schema` when it is an item envelope of `collection_path`; else an
// invalid NodeRef. `property` receives the wrapping property. A declaration that does not fit
// the schema goes to `problems` (once per place).
spec::NodeRef unwrap_item(const spec::Document& document, const spec::NodeRef& schema,
                          const std::string& collection_path, std::string* property = nullptr,
                          spec::Diagnostics* problems = nullptr);

// The item schema inside `schema` when it is a list envelope of `collection_path` (the array's
// items); `property` and `count` receive the array's property and the count's (empty: none).
spec::NodeRef unwrap_list(const spec::Document& document, const spec::NodeRef& schema,
                          const std::string& collection_path, std::string* property = nullptr,
                          std::string* count = nullptr, spec::Diagnostics* problems = nullptr);

// The envelopes of `op` (`action` on `collection_path`), from its request body's and first 2xx
// response's JSON schemas, with the openings answers are written with.
model::Envelope envelope_of(const spec::Document& document, model::CrudAction action,
                            const spec::NodeRef& body, const spec::NodeRef& response,
                            const std::string& collection_path, spec::Diagnostics& problems);

}  // namespace apiserver::compile
