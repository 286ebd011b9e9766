// Unit tests of references that stand for OpenAPI objects and whole maps (Path Items,
// Operations, parameter lists, responses, headers, content, properties), followed in place by
// Document::child; of 3.1 `$anchor` and `$id` targets; and of the cycles and unsupported
// constructs the loader refuses with their file and line.
#include <gtest/gtest.h>

#include <string>

#include "spec/document.hpp"
#include "support/server_process.hpp"

namespace apiserver::spec {
namespace {

using apiserver::test::TempDir;
using apiserver::test::write_file;

std::string all_messages(const Diagnostics& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics.items()) out += d.to_string() + "\n";
  return out;
}

const Diagnostic* find_error(const Diagnostics& diagnostics, const std::string& needle) {
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.severity == Diagnostic::Severity::kError && d.message.find(needle) != std::string::npos)
      return &d;
  }
  return nullptr;
}

// The node at the path of keys `keys` below the root, each step through Document::child.
NodeRef walk(const Document& document, std::initializer_list<const char*> keys) {
  NodeRef node = document.root_ref();
  for (const char* key : keys) node = Document::child(node, key);
  return node;
}

TEST(DocumentStructure, FollowsPathItemsAndOperationsInOtherFilesRelativeToTheirOwnFile) {
  TempDir dir;
  write_file(dir, "resources/things/path.yml", "get: {$ref: 'get_thing.yml'}\n");
  write_file(dir, "resources/things/get_thing.yml",
             "operationId: getThing\n"
             "parameters:\n  - $ref: 'parameters.yml#/thing_id'\n"
             "responses: {'200': {description: ok}}\n");
  write_file(dir, "resources/things/parameters.yml",
             "thing_id: {name: id, in: path, required: true, schema: {type: integer}}\n");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
                                "  /things/{id}: {$ref: 'resources/things/path.yml'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  NodeRef op = walk(*doc, {"paths", "/things/{id}", "get"});
  ASSERT_TRUE(op.valid());
  EXPECT_EQ(op.file->display_name, "resources/things/get_thing.yml");
  EXPECT_EQ(op.pointer, "");
  EXPECT_EQ((*op.node)["operationId"], "getThing");
  NodeRef parameter = Document::item(Document::child(op, "parameters"), 0);
  ASSERT_TRUE(parameter.valid());
  EXPECT_EQ(parameter.file->display_name, "resources/things/parameters.yml");
  EXPECT_EQ((*parameter.node)["name"], "id");
}

TEST(DocumentStructure, FollowsWholeMapsAndListsGivenByReference) {
  Diagnostics diagnostics;
  auto doc = parse_document(
      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
      "paths:\n"
      "  /things:\n"
      "    parameters: {$ref: '#/x-lists/params'}\n"
      "    get:\n"
      "      responses: {$ref: '#/x-maps/responses'}\n"
      "x-lists:\n"
      "  params: [{name: q, in: query, schema: {type: string}}]\n"
      "x-maps:\n"
      "  responses:\n"
      "    '200':\n"
      "      description: ok\n"
      "      headers: {$ref: '#/x-maps/headers'}\n"
      "      content: {$ref: '#/x-maps/content'}\n"
      "  headers:\n"
      "    x-count: {schema: {type: integer}}\n"
      "  content:\n"
      "    application/json: {schema: {$ref: '#/components/schemas/Thing'}}\n"
      "components:\n"
      "  schemas:\n"
      "    Thing: {type: object, properties: {$ref: '#/x-maps/headers'}}\n",
      "api.yaml", diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  NodeRef params = walk(*doc, {"paths", "/things", "parameters"});
  ASSERT_TRUE(params.valid() && params.node->is_array()) << params.pointer;
  EXPECT_EQ(params.pointer, "/x-lists/params");
  NodeRef ok = walk(*doc, {"paths", "/things", "get", "responses", "200"});
  ASSERT_TRUE(ok.valid());
  EXPECT_EQ(Document::child(Document::child(ok, "headers"), "x-count").pointer,
            "/x-maps/headers/x-count");
  NodeRef schema = Document::child(
      Document::child(Document::child(ok, "content"), "application/json"), "schema");
  EXPECT_EQ(schema.pointer, "/x-maps/content/application~1json/schema")
      << "a schema reference stays as written";
}

TEST(DocumentStructure, FollowsAPropertiesMapGivenByReference) {
  TempDir dir;
  write_file(dir, "models/thing.yml",
             "type: object\nrequired: [name]\nproperties:\n  $ref: 'thing_properties.yml'\n");
  write_file(dir, "models/thing_properties.yml",
             "name: {type: string}\nsize: {$ref: '#/size_schema'}\nsize_schema: {type: integer}\n");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
                                "components:\n  schemas:\n    Thing: {$ref: 'models/thing.yml'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  NodeRef thing = doc->follow(walk(*doc, {"components", "schemas", "Thing"}), diagnostics);
  NodeRef properties = Document::child(thing, "properties");
  ASSERT_TRUE(properties.valid());
  EXPECT_EQ(properties.file->display_name, "models/thing_properties.yml");
  EXPECT_TRUE(Document::child(properties, "name").valid());
  EXPECT_FALSE(Document::child(properties, "$ref").valid());
}

TEST(DocumentStructure, ResolvesPercentAndTildeEscapesInFileNamesAndPointers) {
  TempDir dir;
  write_file(dir, "my types.json", R"({"a/b": {"c~d": {"type": "integer"}}})");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
                                "components:\n  schemas:\n"
                                "    N: {$ref: 'my%20types.json#/a~1b/c~0d'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  NodeRef n = doc->follow(walk(*doc, {"components", "schemas", "N"}), diagnostics);
  ASSERT_TRUE(n.valid()) << all_messages(diagnostics);
  EXPECT_EQ((*n.node)["type"], "integer");
}

TEST(DocumentStructure, ResolvesAnchorsAndAbsoluteIdsOf31Schemas) {
  TempDir dir;
  write_file(dir, "pet.json",
             R"({"$id": "https://example.com/pet", "type": "object",
                 "properties": {"kind": {"$ref": "#/$defs/kind"}},
                 "$defs": {"kind": {"$anchor": "kind", "enum": ["cat", "dog"]}}})");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
                                "components:\n  schemas:\n"
                                "    Pet: {$ref: 'pet.json'}\n"
                                "    ById: {$ref: 'https://example.com/pet'}\n"
                                "    Kind: {$ref: 'pet.json#kind'}\n"
                                "    KindById: {$ref: 'https://example.com/pet#/$defs/kind'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  NodeRef by_id = doc->follow(walk(*doc, {"components", "schemas", "ById"}), diagnostics);
  ASSERT_TRUE(by_id.valid()) << all_messages(diagnostics);
  EXPECT_EQ(by_id.file->display_name, "pet.json");
  EXPECT_EQ(by_id.pointer, "");
  for (const char* name : {"Kind", "KindById"}) {
    NodeRef kind = doc->follow(walk(*doc, {"components", "schemas", name}), diagnostics);
    ASSERT_TRUE(kind.valid()) << name << all_messages(diagnostics);
    EXPECT_EQ(kind.pointer, "/$defs/kind") << name;
  }
}

TEST(DocumentStructure, RefusesARelativeIdOverFileReferencesAtItsLine) {
  TempDir dir;
  write_file(dir, "other.json", R"({"type": "string"})");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
                                "components:\n  schemas:\n"
                                "    A:\n"
                                "      $id: schemas/a.json\n"
                                "      properties: {b: {$ref: 'other.json'}}\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(main, diagnostics));
  const Diagnostic* d = find_error(diagnostics, "a relative $id is not supported");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_EQ(d->line, 7);
  EXPECT_EQ(d->file, main);
}

TEST(DocumentStructure, RefusesACycleOfReferencesNamingItsLinks) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                     "paths:\n"
                     "  /a: {$ref: '#/paths/~1b'}\n"
                     "  /b: {$ref: '#/paths/~1a'}\n",
                     "api.yaml", diagnostics));
  EXPECT_NE(find_error(diagnostics,
                       "api.yaml#/paths/~1a -> api.yaml#/paths/~1b -> "
                       "api.yaml#/paths/~1a"),
            nullptr)
      << all_messages(diagnostics);
}

TEST(DocumentStructure, RefusesACycleOfObjectsWithNoSchemaInIt) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                     "paths:\n"
                     "  /a:\n"
                     "    post:\n"
                     "      callbacks:\n"
                     "        onEvent:\n"
                     "          '{$request.body#/url}': {$ref: '#/paths/~1a'}\n"
                     "      responses: {'200': {description: ok}}\n",
                     "api.yaml", diagnostics));
  const Diagnostic* d = find_error(diagnostics, "a $ref cycle with no schema in it");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_NE(d->message.find("leads back to api.yaml#/paths/~1a"), std::string::npos) << d->message;
  EXPECT_EQ(d->line, 8);
}

TEST(DocumentStructure, KeepsRecursiveSchemas) {
  Diagnostics diagnostics;
  auto doc = parse_document(
      "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
      "components:\n  schemas:\n"
      "    Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'}}}\n",
      "api.yaml", diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_FALSE(diagnostics.has_errors());
}

}  // namespace
}  // namespace apiserver::spec
