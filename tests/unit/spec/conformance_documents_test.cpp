// The thirty OpenAPI documents of tests/conformance/openapi (README.md there) through the loader
// and the compiler:
//
// - every .yaml/.yml/.json (not LICENSES/) loads and compiles without errors (warnings allowed,
//   counted and printed);
// - the compiled route table has one operation per get|put|post|delete|patch|head|options|trace
//   key under `paths`. The oracle counts those keys in the parsed document root itself, never
//   through compiler code, and is cross-checked against counts computed with PyYAML (kExpected);
// - every schema reachable from parameters and request bodies translates and builds into a
//   validator (walked here independently of compile_api), and 3.0 `nullable: true` admits null;
// - each YAML/JSON pair of oai-examples holds identical data, except v3.1/tictactoe whose JSON is
//   older (README): only its route set matches; webhook-example has no paths and zero routes.
#include "support/conformance_documents.hpp"

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

#include "compile/compiler.hpp"
#include "model/model.hpp"
#include "problem/problem.hpp"
#include "spec/diagnostics.hpp"
#include "spec/document.hpp"
#include "validate/compiled_schema.hpp"
#include "validate/schema_translator.hpp"

namespace apiserver {
namespace {

namespace fs = std::filesystem;
using spec::Document;
using spec::Json;
using spec::NodeRef;

const std::string kOpenApiRoot = test::conformance_openapi_root();

const std::map<std::string, size_t>& kExpected = test::expected_operation_counts();

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string param_name(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

std::string diagnostics_text(const spec::Diagnostics& diagnostics) {
  std::string text;
  for (const spec::Diagnostic& d : diagnostics.items()) text += "\n  " + d.to_string();
  return text;
}

size_t warning_count(const spec::Diagnostics& diagnostics) {
  return diagnostics.items().size() - diagnostics.error_count();
}

// The route set (METHOD path) read from the raw document: the oracle.
std::multiset<std::string> raw_routes(const Json& root) {
  std::multiset<std::string> routes;
  auto paths = root.find("paths");
  if (paths == root.end() || !paths->is_object()) return routes;
  for (const auto& [path, item] : paths->items()) {
    if (!item.is_object()) continue;
    for (const auto& [key, value] : item.items()) {
      (void)value;
      if (test::is_openapi_method(key)) routes.insert(upper(key) + " " + path);
    }
  }
  return routes;
}

std::multiset<std::string> compiled_routes(const model::Api& api) {
  std::multiset<std::string> routes;
  for (const model::PathItem& item : api.paths) {
    for (const model::Operation& op : item.operations)
      routes.insert(op.method + " " + item.path_template);
  }
  return routes;
}

size_t compiled_operation_count(const model::Api& api) {
  size_t n = 0;
  for (const model::PathItem& item : api.paths) n += item.operations.size();
  return n;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "in name" of each parameter of operation `method` on `path`, read from the raw document:
// path-level parameters overridden by operation-level ones with the same name and location;
// header names lower-cased; Accept, Content-Type and Authorization headers left out, since
// OpenAPI says those parameter definitions SHALL be ignored.
std::set<std::string> raw_parameters(const Document& document, const std::string& path,
                                     const std::string& method) {
  std::map<std::string, bool> merged;
  NodeRef item = Document::child(Document::child(document.root_ref(), "paths"), path);
  auto add = [&](const NodeRef& list) {
    if (!list.valid() || !list.node->is_array()) return;
    for (size_t i = 0; i < list.node->size(); ++i) {
      spec::Diagnostics ignored;
      NodeRef parameter = document.follow(Document::item(list, i), ignored);
      if (!parameter.valid() || !parameter.node->is_object()) continue;
      std::string in = parameter.node->value("in", std::string());
      std::string name = parameter.node->value("name", std::string());
      if (in == "header") {
        name = lower(name);
        if (name == "accept" || name == "content-type" || name == "authorization") continue;
      }
      merged[in + " " + name] = true;
    }
  };
  add(Document::child(item, "parameters"));
  add(Document::child(Document::child(item, lower(method)), "parameters"));
  std::set<std::string> out;
  for (const auto& [key, present] : merged) {
    if (present) out.insert(key);
  }
  return out;
}

struct Loaded {
  std::shared_ptr<const Document> document;
  std::unique_ptr<model::Api> api;
  spec::Diagnostics diagnostics;
};

std::unique_ptr<Loaded> load_and_compile(const std::string& relative) {
  auto loaded = std::make_unique<Loaded>();
  loaded->document = spec::load_document(kOpenApiRoot + "/" + relative, loaded->diagnostics);
  if (loaded->document) loaded->api = compile::compile_api(loaded->document, loaded->diagnostics);
  return loaded;
}

// ---------------------------------------------------------------------------------------------
// Schemas reachable from parameters and request bodies, found by walking the raw document.

struct ReachableSchema {
  NodeRef node;
  std::string where;  // for messages
};

NodeRef follow(const Document& document, NodeRef node) {
  spec::Diagnostics ignored;
  return document.follow(node, ignored);
}

void collect_content_schemas(const Document& document, const NodeRef& content,
                             const std::string& where, std::vector<ReachableSchema>& out) {
  if (!content.valid() || !content.node->is_object()) return;
  for (const auto& [media_type, value] : content.node->items()) {
    (void)value;
    NodeRef schema = Document::child(Document::child(content, media_type), "schema");
    if (schema.valid()) out.push_back({schema, where + " " + media_type});
  }
  (void)document;
}

std::vector<ReachableSchema> request_schemas(const Document& document) {
  std::vector<ReachableSchema> out;
  NodeRef paths = Document::child(document.root_ref(), "paths");
  if (!paths.valid() || !paths.node->is_object()) return out;
  for (const auto& [path, item_json] : paths.node->items()) {
    (void)item_json;
    NodeRef item = follow(document, Document::child(paths, path));
    if (!item.valid() || !item.node->is_object()) continue;
    auto add_parameters = [&](const NodeRef& list, const std::string& where) {
      if (!list.valid() || !list.node->is_array()) return;
      for (size_t i = 0; i < list.node->size(); ++i) {
        NodeRef parameter = follow(document, Document::item(list, i));
        if (!parameter.valid() || !parameter.node->is_object()) continue;
        std::string name = where + " parameter " + parameter.node->value("name", std::string("?"));
        NodeRef schema = Document::child(parameter, "schema");
        if (schema.valid()) out.push_back({schema, name});
        collect_content_schemas(document, Document::child(parameter, "content"), name, out);
      }
    };
    add_parameters(Document::child(item, "parameters"), path);
    for (const auto& [key, op_json] : item.node->items()) {
      (void)op_json;
      if (!test::is_openapi_method(key)) continue;
      NodeRef op = Document::child(item, key);
      std::string where = upper(key) + " " + path;
      add_parameters(Document::child(op, "parameters"), where);
      NodeRef body = follow(document, Document::child(op, "requestBody"));
      if (body.valid())
        collect_content_schemas(document, Document::child(body, "content"), where + " body", out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

class ConformanceDocuments : public testing::TestWithParam<std::string> {};

TEST_P(ConformanceDocuments, LoadsCompilesAndHasOneRoutePerOperation) {
  const std::string& relative = GetParam();
  // Timed for the line printed below, not asserted: speed is measured in bench/.
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<Loaded> loaded = load_and_compile(relative);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(loaded->document) << relative << diagnostics_text(loaded->diagnostics);
  ASSERT_TRUE(loaded->api) << relative << diagnostics_text(loaded->diagnostics);
  EXPECT_FALSE(loaded->diagnostics.has_errors()) << diagnostics_text(loaded->diagnostics);

  const Document& document = *loaded->document;
  const std::string& version = document.openapi_version();
  EXPECT_TRUE(version.rfind("3.0.", 0) == 0 || version.rfind("3.1.", 0) == 0) << version;

  // The oracle: method keys under `paths`, counted in the parsed root.
  const std::multiset<std::string> expected_routes = raw_routes(document.root());
  ASSERT_TRUE(kExpected.count(relative)) << relative << " is not in kExpected";
  EXPECT_EQ(expected_routes.size(), kExpected.at(relative))
      << "the document root disagrees with the PyYAML count";
  EXPECT_EQ(compiled_operation_count(*loaded->api), expected_routes.size());
  EXPECT_EQ(compiled_routes(*loaded->api), expected_routes);

  std::set<std::string> templates;
  size_t parameter_count = 0;
  for (const model::PathItem& item : loaded->api->paths) {
    EXPECT_TRUE(templates.insert(item.path_template).second)
        << "path template listed twice: " << item.path_template;
    for (const model::Operation& op : item.operations) {
      EXPECT_EQ(op.path_template, item.path_template);
      EXPECT_TRUE(test::is_openapi_method(lower(op.method))) << op.method;
      EXPECT_EQ(op.method, upper(op.method));
      std::set<std::string> parameters;
      for (const model::Parameter& p : op.parameters)
        parameters.insert(std::string(model::to_string(p.in)) + " " + p.name);
      EXPECT_EQ(parameters, raw_parameters(document, item.path_template, op.method))
          << op.method << " " << item.path_template;
      parameter_count += parameters.size();
    }
  }
  std::cout << "[ document ] " << relative << ": OpenAPI " << version << ", "
            << compiled_operation_count(*loaded->api) << " operation(s), " << parameter_count
            << " parameter(s), " << loaded->api->resources.size() << " table(s), "
            << warning_count(loaded->diagnostics) << " warning(s), " << elapsed.count() << " ms\n";
}

TEST_P(ConformanceDocuments, EveryRequestSchemaCompiles) {
  const std::string& relative = GetParam();
  spec::Diagnostics load_diagnostics;
  std::shared_ptr<const Document> document =
      spec::load_document(kOpenApiRoot + "/" + relative, load_diagnostics);
  ASSERT_TRUE(document) << diagnostics_text(load_diagnostics);
  const std::vector<ReachableSchema> schemas = request_schemas(*document);
  size_t warnings = 0;
  for (const ReachableSchema& schema : schemas) {
    spec::Diagnostics diagnostics;
    validate::SchemaTranslator translator(*document, diagnostics);
    nlohmann::json draft7 = translator.translate(schema.node, validate::Direction::kRequest);
    EXPECT_FALSE(diagnostics.has_errors()) << schema.where << diagnostics_text(diagnostics);
    warnings += warning_count(diagnostics);
    std::shared_ptr<const validate::CompiledSchema> compiled;
    EXPECT_NO_THROW(compiled = validate::CompiledSchema::build(draft7))
        << schema.where << ": " << draft7.dump();
  }
  std::cout << "[ schemas  ] " << relative << ": " << schemas.size()
            << " parameter/request-body schema(s) compiled, " << warnings << " warning(s)\n";
}

// Every schema under components/schemas, both directions: what responses and stored resources
// use, beyond the request side that compile_api insists on.
TEST_P(ConformanceDocuments, EveryComponentSchemaCompiles) {
  const std::string& relative = GetParam();
  spec::Diagnostics load_diagnostics;
  std::shared_ptr<const Document> document =
      spec::load_document(kOpenApiRoot + "/" + relative, load_diagnostics);
  ASSERT_TRUE(document) << diagnostics_text(load_diagnostics);
  NodeRef schemas = Document::child(Document::child(document->root_ref(), "components"), "schemas");
  if (!schemas.valid()) return;
  size_t count = 0;
  for (const auto& [name, value] : schemas.node->items()) {
    (void)value;
    for (validate::Direction direction :
         {validate::Direction::kRequest, validate::Direction::kResponse}) {
      spec::Diagnostics diagnostics;
      validate::SchemaTranslator translator(*document, diagnostics);
      nlohmann::json draft7 = translator.translate(Document::child(schemas, name), direction);
      EXPECT_FALSE(diagnostics.has_errors()) << name << diagnostics_text(diagnostics);
      EXPECT_NO_THROW(validate::CompiledSchema::build(draft7)) << name << ": " << draft7.dump();
      ++count;
    }
  }
  std::cout << "[ schemas  ] " << relative << ": " << count / 2
            << " component schema(s) compiled in both directions\n";
}

INSTANTIATE_TEST_SUITE_P(OpenApi, ConformanceDocuments,
                         testing::ValuesIn(test::conformance_documents()), param_name);

TEST(ConformanceDocumentsData, ThirtyDocumentsAllWithExpectedCounts) {
  const std::vector<std::string> documents = test::conformance_documents();
  EXPECT_EQ(documents.size(), 32u);  // README: thirty-two OpenAPI documents
  EXPECT_EQ(documents.size(), kExpected.size());
  for (const std::string& d : documents) EXPECT_TRUE(kExpected.count(d)) << d;
}

// ---------------------------------------------------------------------------------------------
// YAML/JSON pairs.

struct Pair {
  std::string stem;       // "oai-examples/v3.0/petstore"
  bool identical = true;  // false: only the route set matches (README)
};

std::vector<Pair> pairs() {
  std::vector<Pair> out;
  for (const std::string& d : test::conformance_documents()) {
    if (d.rfind("oai-examples/", 0) != 0 || fs::path(d).extension() != ".yaml") continue;
    std::string stem = d.substr(0, d.size() - 5);
    if (!fs::exists(kOpenApiRoot + "/" + stem + ".json")) continue;
    out.push_back({stem, stem != "oai-examples/v3.1/tictactoe"});
  }
  return out;
}

TEST(ConformanceDocumentsPairs, YamlAndJsonLoadToIdenticalData) {
  const std::vector<Pair> all = pairs();
  EXPECT_EQ(all.size(), 9u);  // 6 in v3.0, 3 in v3.1
  for (const Pair& pair : all) {
    SCOPED_TRACE(pair.stem);
    std::unique_ptr<Loaded> yaml = load_and_compile(pair.stem + ".yaml");
    std::unique_ptr<Loaded> json = load_and_compile(pair.stem + ".json");
    ASSERT_TRUE(yaml->document && yaml->api) << diagnostics_text(yaml->diagnostics);
    ASSERT_TRUE(json->document && json->api) << diagnostics_text(json->diagnostics);
    // Key order may differ between the files: compare as unordered JSON.
    const nlohmann::json a = validate::to_plain_json(yaml->document->root());
    const nlohmann::json b = validate::to_plain_json(json->document->root());
    EXPECT_EQ(compiled_routes(*yaml->api), compiled_routes(*json->api));
    EXPECT_EQ(raw_routes(yaml->document->root()), raw_routes(json->document->root()));
    if (pair.identical) {
      EXPECT_EQ(a, b) << "differences (JSON patch from YAML to JSON): "
                      << nlohmann::json::diff(a, b).dump();
    } else {
      // README: the upstream JSON is older than the YAML (no webhooks, fewer details).
      EXPECT_NE(a, b) << "tictactoe's YAML and JSON are identical now; drop the exception";
      EXPECT_TRUE(a.contains("webhooks"));
      EXPECT_FALSE(b.contains("webhooks"));
    }
  }
}

TEST(ConformanceDocumentsPairs, WebhookExampleHasNoPathsAndZeroRoutes) {
  for (const char* name :
       {"oai-examples/v3.1/webhook-example.yaml", "oai-examples/v3.1/webhook-example.json"}) {
    SCOPED_TRACE(name);
    std::unique_ptr<Loaded> loaded = load_and_compile(name);
    ASSERT_TRUE(loaded->document && loaded->api) << diagnostics_text(loaded->diagnostics);
    EXPECT_FALSE(loaded->diagnostics.has_errors());
    EXPECT_FALSE(loaded->document->root().contains("paths"));
    EXPECT_TRUE(loaded->document->root().contains("webhooks"));
    EXPECT_EQ(compiled_operation_count(*loaded->api), 0u);
    EXPECT_TRUE(loaded->api->paths.empty());
  }
}

// ---------------------------------------------------------------------------------------------
// Schema semantics the README calls out.

// Every `{type: T, nullable: true}` node under components/schemas of a 3.0 document.
void collect_nullable(const NodeRef& node, std::vector<NodeRef>& out) {
  if (!node.valid()) return;
  if (node.node->is_object()) {
    auto type = node.node->find("type");
    auto nullable = node.node->find("nullable");
    if (type != node.node->end() && type->is_string() && nullable != node.node->end() &&
        nullable->is_boolean() && nullable->get<bool>())
      out.push_back(node);
    for (const auto& [key, value] : node.node->items()) {
      if (value.is_structured()) collect_nullable(Document::child(node, key), out);
    }
  } else if (node.node->is_array()) {
    for (size_t i = 0; i < node.node->size(); ++i) collect_nullable(Document::item(node, i), out);
  }
}

TEST(ConformanceDocumentsSchemas, NullableThreeZeroSchemasAdmitNull) {
  size_t checked = 0;
  for (const std::string& relative : test::conformance_documents()) {
    spec::Diagnostics load_diagnostics;
    std::shared_ptr<const Document> document =
        spec::load_document(kOpenApiRoot + "/" + relative, load_diagnostics);
    ASSERT_TRUE(document) << relative;
    if (document->is_v31()) continue;
    std::vector<NodeRef> nodes;
    collect_nullable(
        Document::child(Document::child(document->root_ref(), "components"), "schemas"), nodes);
    for (const NodeRef& node : nodes) {
      spec::Diagnostics diagnostics;
      validate::SchemaTranslator translator(*document, diagnostics);
      auto compiled = validate::CompiledSchema::build(
          translator.translate(node, validate::Direction::kRequest));
      std::vector<FieldError> errors;
      EXPECT_TRUE(compiled->validate(nullptr, ErrorSource::kBody, "", errors))
          << relative << "#" << node.pointer << " refuses null: " << compiled->document().dump();
      // And nullable does not make it accept anything: an array is neither T nor null
      // (unless T is array).
      if (node.node->at("type") != "array") {
        errors.clear();
        EXPECT_FALSE(compiled->validate(nlohmann::json::array(), ErrorSource::kBody, "", errors))
            << relative << "#" << node.pointer;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 24u);  // twilio_accounts_v1.yaml alone has 24
  std::cout << "[ nullable ] " << checked << " nullable 3.0 schema(s) admit null\n";
}

TEST(ConformanceDocumentsSchemas, SelfReferencingCircularSchemaValidatesNestedData) {
  for (const char* name :
       {"features/readme-3.0-schema-types.yaml", "features/readme-3.1-schema-types.yaml"}) {
    SCOPED_TRACE(name);
    spec::Diagnostics diagnostics;
    std::shared_ptr<const Document> document =
        spec::load_document(kOpenApiRoot + "/" + name, diagnostics);
    ASSERT_TRUE(document) << diagnostics_text(diagnostics);
    NodeRef circular = Document::child(
        Document::child(Document::child(document->root_ref(), "components"), "schemas"),
        "Circular");
    ASSERT_TRUE(circular.valid());
    validate::SchemaTranslator translator(*document, diagnostics);
    auto compiled = validate::CompiledSchema::build(
        translator.translate(circular, validate::Direction::kRequest));
    ASSERT_FALSE(diagnostics.has_errors()) << diagnostics_text(diagnostics);
    nlohmann::json deep = {{"string", "leaf"}};
    for (int i = 0; i < 50; ++i) deep = {{"string", "n" + std::to_string(i)}, {"children", {deep}}};
    std::vector<FieldError> errors;
    EXPECT_TRUE(compiled->validate(deep, ErrorSource::kBody, "", errors));
    nlohmann::json bad = {{"children", {{{"children", {{{"string", 5}}}}}}}};
    errors.clear();
    EXPECT_FALSE(compiled->validate(bad, ErrorSource::kBody, "", errors));
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors.front().pointer, "/children/0/children/0/string");
  }
}

}  // namespace
}  // namespace apiserver
