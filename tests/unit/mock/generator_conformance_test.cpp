// The big oracle for mock::generate: every schema of the thirty conformance documents
// (tests/conformance/openapi, LICENSES/ aside) — each entry of components/schemas and every
// parameter, request-body, response-body and response-header schema reachable from `paths`,
// found by walking the raw document here — is generated with several seeds, with and without
// examples, in both audiences, and the value must pass the validator the server itself uses
// (SchemaCache: kRequest for Audience::kRequest, kResponse for kResponse).
//
// Schemas no value can satisfy are listed in kSkips with the reason; an entry that stops being
// needed fails the test, so the list stays honest.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compile/schema_cache.hpp"
#include "mock/generator.hpp"
#include "problem/problem.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "spec/json_pointer.hpp"
#include "support/conformance_documents.hpp"

namespace apiserver::mock {
namespace {

namespace fs = std::filesystem;
using spec::Document;
using spec::NodeRef;

const std::string kRoot = test::conformance_openapi_root();

struct Skip {
  const char* document;  // relative to kRoot
  const char* pointer;   // the schema's JSON pointer in the main file
  const char* reason;
};

// Schemas that admit no value at all (the generator returns nullopt with a reason for each).
const Skip kSkips[] = {
    {"features/readme-3.0-schema-types.yaml",
     "/paths/~1anything~1quirks~1polymorphism/put/requestBody/content/application~1json/schema",
     "allOf of type string and type integer"},
    {"features/readme-3.0-schema-types.yaml",
     "/paths/~1anything~1quirks~1polymorphism/patch/requestBody/content/application~1json/schema",
     "allOf of type string and type integer"},
    {"features/readme-3.1-schema-types.yaml",
     "/paths/~1anything~1quirks~1polymorphism/put/requestBody/content/application~1json/schema",
     "allOf of type string and type integer"},
    {"features/readme-3.1-schema-types.yaml",
     "/paths/~1anything~1quirks~1polymorphism/patch/requestBody/content/application~1json/schema",
     "allOf of type string and type integer"},
    {"features/readme-3.0-discriminators.yaml",
     "/paths/~1potentially-undefined-formData/post/requestBody/content/application~1json/schema",
     "oneOf of two identical schemas (both allOf the same base): every value matches both"},
    {"real-world-large/discord-openapi.json",
     "/paths/~1guilds~1{guild_id}~1requests/get/parameters/0/schema", "enum: [] admits no value"},
};

NodeRef follow(const Document& document, const NodeRef& node) {
  spec::Diagnostics ignored;
  return document.follow(node, ignored);
}

// Every schema to try, keyed by location so shared ones are tried once.
class Walker {
 public:
  explicit Walker(const Document& document) : document_(document) {}

  std::vector<NodeRef> collect() {
    NodeRef schemas =
        Document::child(Document::child(document_.root_ref(), "components"), "schemas");
    if (schemas.valid() && schemas.node->is_object()) {
      for (const auto& [name, ignored] : schemas.node->items()) add(Document::child(schemas, name));
    }
    NodeRef paths = Document::child(document_.root_ref(), "paths");
    if (!paths.valid() || !paths.node->is_object()) return out_;
    for (const auto& [path, ignored] : paths.node->items()) {
      NodeRef item = follow(document_, Document::child(paths, path));
      if (!item.valid() || !item.node->is_object()) continue;
      parameters(Document::child(item, "parameters"));
      for (const auto& [method, ignored2] : item.node->items()) {
        if (!test::is_openapi_method(method)) continue;
        NodeRef op = Document::child(item, method);
        parameters(Document::child(op, "parameters"));
        content(Document::child(follow(document_, Document::child(op, "requestBody")), "content"));
        NodeRef responses = Document::child(op, "responses");
        if (!responses.valid() || !responses.node->is_object()) continue;
        for (const auto& [status, ignored3] : responses.node->items()) {
          NodeRef response = follow(document_, Document::child(responses, status));
          content(Document::child(response, "content"));
          NodeRef headers = Document::child(response, "headers");
          if (!headers.valid() || !headers.node->is_object()) continue;
          for (const auto& [name, ignored4] : headers.node->items())
            add(Document::child(follow(document_, Document::child(headers, name)), "schema"));
        }
      }
    }
    return out_;
  }

 private:
  void add(const NodeRef& schema) {
    if (!schema.valid()) return;
    if (seen_.insert({schema.file, schema.pointer}).second) out_.push_back(schema);
  }
  void parameters(const NodeRef& list) {
    if (!list.valid() || !list.node->is_array()) return;
    for (size_t i = 0; i < list.node->size(); ++i) {
      NodeRef parameter = follow(document_, Document::item(list, i));
      add(Document::child(parameter, "schema"));
      content(Document::child(parameter, "content"));
    }
  }
  void content(const NodeRef& node) {
    if (!node.valid() || !node.node->is_object()) return;
    for (const auto& [media, ignored] : node.node->items())
      add(Document::child(Document::child(node, media), "schema"));
  }

  const Document& document_;
  std::vector<NodeRef> out_;
  std::set<std::pair<const spec::SourceFile*, std::string>> seen_;
};

const Skip* find_skip(const std::string& document, const std::string& pointer) {
  for (const Skip& s : kSkips) {
    if (document == s.document && pointer == s.pointer) return &s;
  }
  return nullptr;
}

TEST(GeneratorConformance, EveryReachableSchemaGeneratesValidValues) {
  auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> documents = test::conformance_documents();
  ASSERT_EQ(documents.size(), 32u);
  std::set<std::pair<std::string, std::string>> skips_used;
  size_t total_schemas = 0;
  size_t total_values = 0;
  size_t total_skipped = 0;
  for (const std::string& relative : documents) {
    spec::Diagnostics diagnostics;
    std::unique_ptr<Document> document = spec::load_document(kRoot + "/" + relative, diagnostics);
    ASSERT_TRUE(document) << relative;
    compile::SchemaCache cache(*document, diagnostics);
    std::vector<NodeRef> schemas = Walker(*document).collect();
    size_t values = 0;
    size_t skipped = 0;
    for (const NodeRef& schema : schemas) {
      const Skip* skip =
          schema.file == &document->main() ? find_skip(relative, schema.pointer) : nullptr;
      for (Audience audience : {Audience::kRequest, Audience::kResponse}) {
        auto direction = audience == Audience::kRequest ? validate::Direction::kRequest
                                                        : validate::Direction::kResponse;
        std::shared_ptr<const validate::CompiledSchema> validator = cache.get(schema, direction);
        ASSERT_TRUE(validator) << relative << "#" << schema.pointer;
        for (uint64_t seed : {0u, 1u, 2u, 3u}) {
          GenerateOptions options;
          options.seed = seed;
          options.audience = audience;
          options.use_examples = seed % 2 == 0;
          std::string why;
          std::optional<nlohmann::json> value = generate(*document, schema, options, &why);
          std::string where = relative + "#" + schema.pointer + " seed " + std::to_string(seed) +
                              (audience == Audience::kRequest ? " request" : " response");
          if (skip != nullptr) {
            skips_used.insert({skip->document, skip->pointer});
            ++skipped;
            continue;
          }
          if (!value) {
            ADD_FAILURE() << where << ": no value: " << why;
            continue;
          }
          std::vector<FieldError> errors;
          bool ok = validator->validate(*value, ErrorSource::kBody, "", errors);
          std::string dump = value->dump();
          if (dump.size() > 600) dump = dump.substr(0, 600) + "...";
          std::string first_error =
              errors.empty() ? "" : errors[0].pointer + ": " + errors[0].detail;
          EXPECT_TRUE(ok) << where << ": " << first_error << "\n  value: " << dump;
          ++values;
        }
      }
    }
    total_schemas += schemas.size();
    total_values += values;
    total_skipped += skipped;
  }
  for (const Skip& s : kSkips) {
    EXPECT_TRUE(skips_used.count({s.document, s.pointer}))
        << "skip entry no longer matches a schema: " << s.document << "#" << s.pointer;
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  std::cout << "[ generate ] " << documents.size() << " documents, " << total_schemas
            << " schemas, " << total_values << " values validated, " << total_skipped
            << " skipped (" << std::size(kSkips) << " skip entries), " << elapsed.count()
            << " ms\n";
}

}  // namespace
}  // namespace apiserver::mock
