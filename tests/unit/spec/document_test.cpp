// Unit tests of document loading: version checks, in-memory parsing, external file $refs
// (relative paths, fragments into other files, cycles, missing and remote files) and $ref
// resolution and following.
#include "spec/document.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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

constexpr const char* kMinimal30 = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

// ---------------------------------------------------------------------------------------------
// parse_document and version checks

TEST(ParseDocument, AcceptsOpenApi30And31) {
  for (const char* version : {"3.0.0", "3.0.3", "3.0", "3.1.0", "3.1.1", "3.1"}) {
    Diagnostics diagnostics;
    auto doc =
        parse_document(std::string("openapi: '") + version + "'\ninfo: {title: t, version: '1'}\n",
                       "mem.yaml", diagnostics);
    ASSERT_TRUE(doc) << version << "\n" << all_messages(diagnostics);
    EXPECT_EQ(doc->openapi_version(), version);
    EXPECT_EQ(doc->is_v31(), std::string(version).rfind("3.1", 0) == 0) << version;
    EXPECT_FALSE(diagnostics.has_errors());
  }
}

TEST(ParseDocument, ExposesTheRootAndTheMainFile) {
  Diagnostics diagnostics;
  auto doc = parse_document(kMinimal30, "mem.yaml", diagnostics);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->root()["info"]["title"], "t");
  EXPECT_EQ(doc->main().display_name, "mem.yaml");
  EXPECT_EQ(doc->files().size(), 1u);
  NodeRef root = doc->root_ref();
  EXPECT_TRUE(root.valid());
  EXPECT_EQ(root.pointer, "");
}

TEST(ParseDocument, RefusesSwagger20) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_document("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
                              "s.yaml", diagnostics));
  EXPECT_NE(find_error(diagnostics, "Swagger 2.0"), nullptr) << all_messages(diagnostics);
}

TEST(ParseDocument, RefusesOtherOpenApiVersions) {
  for (const char* version : {"'4.0.0'", "'2.0'", "'3.2.0'", "'3.10.0'", "'3'", "'3.0x'"}) {
    Diagnostics diagnostics;
    EXPECT_FALSE(parse_document(std::string("openapi: ") + version + "\n", "v.yaml", diagnostics))
        << version;
    EXPECT_NE(find_error(diagnostics, "not supported"), nullptr) << version << "\n"
                                                                 << all_messages(diagnostics);
  }
}

TEST(ParseDocument, RefusesANumericVersionAskingForQuotes) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_document("openapi: 3.0\ninfo: {title: t, version: '1'}\n", "n.yaml", diagnostics));
  const Diagnostic* d = find_error(diagnostics, "must be a string");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_EQ(d->line, 1);
  EXPECT_EQ(d->pointer, "/openapi");
  EXPECT_EQ(d->file, "n.yaml");
}

TEST(ParseDocument, RefusesADocumentWithoutAVersion) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_document("info: {title: t}\n", "x.yaml", diagnostics));
  EXPECT_NE(find_error(diagnostics, "no 'openapi'"), nullptr) << all_messages(diagnostics);
}

TEST(ParseDocument, RefusesANonMappingTopLevel) {
  for (const char* text : {"- a\n- b\n", "just text\n", ""}) {
    Diagnostics diagnostics;
    EXPECT_FALSE(parse_document(text, "x.yaml", diagnostics)) << text;
    EXPECT_NE(find_error(diagnostics, "mapping at the top level"), nullptr)
        << all_messages(diagnostics);
  }
}

TEST(ParseDocument, ReportsYamlSyntaxErrorsWithLine) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_document("openapi: 3.0.3\npaths: [\n", "bad.yaml", diagnostics));
  ASSERT_EQ(diagnostics.items().size(), 1u);
  const Diagnostic& d = diagnostics.items()[0];
  EXPECT_EQ(d.file, "bad.yaml");
  EXPECT_GT(d.line, 0);
  EXPECT_NE(d.message.find("not valid YAML or JSON"), std::string::npos);
}

TEST(ParseDocument, ReportsAnUnresolvableLocalRefWithItsLine) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n"
                     "    A:\n      $ref: '#/components/schemas/Missing'\n",
                     "r.yaml", diagnostics));
  const Diagnostic* d = find_error(diagnostics, "#/components/schemas/Missing");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_EQ(d->line, 6);
  EXPECT_EQ(d->pointer, "/components/schemas/A");
}

TEST(ParseDocument, ReportsRefsToOtherFilesAsUnresolvable) {
  Diagnostics diagnostics;
  EXPECT_FALSE(
      parse_document("openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n"
                     "    A: {$ref: 'other.yaml#/A'}\n",
                     "r.yaml", diagnostics));
  EXPECT_NE(find_error(diagnostics, "other.yaml"), nullptr) << all_messages(diagnostics);
}

TEST(ParseDocument, ReportsEveryBrokenRefNotOnlyTheFirst) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_document(
      "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {$ref: '#/x'}\n    B: {$ref: '#/y'}\n",
      "r.yaml", diagnostics));
  EXPECT_EQ(diagnostics.error_count(), 2u) << all_messages(diagnostics);
}

// ---------------------------------------------------------------------------------------------
// resolve and follow

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = parse_document(
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /things/{id}:\n"
        "    get: {operationId: getThing}\n"
        "components:\n"
        "  schemas:\n"
        "    'A B': {type: string}\n"
        "    C: {$ref: '#/components/schemas/D'}\n"
        "    D: {$ref: '#/components/schemas/E'}\n"
        "    E: {type: integer}\n"
        "    List: [a, b]\n"
        // Outside the OpenAPI structure, so the loader does not refuse the loop.
        "loops:\n"
        "  Loop1: {$ref: '#/loops/Loop2'}\n"
        "  Loop2: {$ref: '#/loops/Loop1'}\n",
        "mem.yaml", diagnostics_);
    ASSERT_TRUE(doc_) << all_messages(diagnostics_);
  }
  Diagnostics diagnostics_;
  std::unique_ptr<Document> doc_;
};

TEST_F(ResolveTest, ResolvesEscapedAndPercentEncodedFragments) {
  auto op = doc_->resolve(doc_->main(), "#/paths/~1things~1%7Bid%7D/get");
  ASSERT_TRUE(op);
  EXPECT_EQ((*op->node)["operationId"], "getThing");
  EXPECT_EQ(op->pointer, "/paths/~1things~1{id}/get");
  auto spaced = doc_->resolve(doc_->main(), "#/components/schemas/A%20B");
  ASSERT_TRUE(spaced);
  EXPECT_EQ((*spaced->node)["type"], "string");
}

TEST_F(ResolveTest, ResolvesTheWholeDocumentAndArrayItems) {
  auto whole = doc_->resolve(doc_->main(), "#");
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->node, &doc_->root());
  auto item = doc_->resolve(doc_->main(), "#/components/schemas/List/1");
  ASSERT_TRUE(item);
  EXPECT_EQ(*item->node, "b");
}

TEST_F(ResolveTest, DoesNotResolveMissingTargetsAnchorsOrRemoteUrls) {
  EXPECT_FALSE(doc_->resolve(doc_->main(), "#/components/schemas/Nope"));
  EXPECT_FALSE(doc_->resolve(doc_->main(), "#anchor"));
  EXPECT_FALSE(doc_->resolve(doc_->main(), "#/components/schemas/A%2"));
  EXPECT_FALSE(doc_->resolve(doc_->main(), "https://example.com/s.yaml#/A"));
  EXPECT_FALSE(doc_->resolve(doc_->main(), "other.yaml#/A"));
}

TEST_F(ResolveTest, FollowsRefChainsToTheirEnd) {
  NodeRef c = Document::child(
      Document::child(Document::child(doc_->root_ref(), "components"), "schemas"), "C");
  ASSERT_TRUE(c.valid());
  Diagnostics diagnostics;
  NodeRef end = doc_->follow(c, diagnostics);
  ASSERT_TRUE(end.valid()) << all_messages(diagnostics);
  EXPECT_EQ(end.pointer, "/components/schemas/E");
  EXPECT_EQ((*end.node)["type"], "integer");
  EXPECT_TRUE(diagnostics.items().empty());
}

TEST_F(ResolveTest, FollowReportsACircularChain) {
  NodeRef loop = Document::child(Document::child(doc_->root_ref(), "loops"), "Loop1");
  Diagnostics diagnostics;
  EXPECT_FALSE(doc_->follow(loop, diagnostics).valid());
  EXPECT_NE(find_error(diagnostics,
                       "circular $ref chain with nothing but references in it: "
                       "mem.yaml#/loops/Loop1 -> mem.yaml#/loops/Loop2 -> "
                       "mem.yaml#/loops/Loop1"),
            nullptr)
      << all_messages(diagnostics);
}

TEST_F(ResolveTest, FollowReturnsANonRefNodeUnchanged) {
  NodeRef e = Document::child(
      Document::child(Document::child(doc_->root_ref(), "components"), "schemas"), "E");
  Diagnostics diagnostics;
  NodeRef same = doc_->follow(e, diagnostics);
  EXPECT_EQ(same.node, e.node);
  EXPECT_FALSE(doc_->follow(NodeRef{}, diagnostics).valid());
}

TEST_F(ResolveTest, ChildAndItemNavigateAndBuildEscapedPointers) {
  NodeRef paths = Document::child(doc_->root_ref(), "paths");
  NodeRef item = Document::child(paths, "/things/{id}");
  ASSERT_TRUE(item.valid());
  EXPECT_EQ(item.pointer, "/paths/~1things~1{id}");
  EXPECT_FALSE(Document::child(paths, "/nope").valid());
  EXPECT_FALSE(Document::child(NodeRef{}, "x").valid());
  NodeRef list = Document::child(
      Document::child(Document::child(doc_->root_ref(), "components"), "schemas"), "List");
  EXPECT_EQ(Document::item(list, 0).pointer, "/components/schemas/List/0");
  EXPECT_FALSE(Document::item(list, 2).valid());
  EXPECT_FALSE(Document::item(paths, 0).valid()) << "item() of an object";
}

TEST_F(ResolveTest, LocatesDiagnosticsAtTheNearestPositionedAncestor) {
  NodeRef e = Document::child(
      Document::child(Document::child(doc_->root_ref(), "components"), "schemas"), "E");
  Diagnostic d = doc_->at(e, Diagnostic::Severity::kWarning, "look here");
  EXPECT_EQ(d.file, "mem.yaml");
  EXPECT_EQ(d.line, 10);
  EXPECT_EQ(d.pointer, "/components/schemas/E");
  EXPECT_EQ(d.severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(doc_->main().position_of("/components/schemas/E/no/such/child").line, 10);
}

// ---------------------------------------------------------------------------------------------
// load_document with files

TEST(LoadDocument, LoadsASingleFile) {
  TempDir dir;
  std::string path = write_file(dir, "api.yaml", kMinimal30);
  Diagnostics diagnostics;
  auto doc = load_document(path, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_EQ(doc->files().size(), 1u);
  EXPECT_EQ(doc->main().display_name, path);
}

TEST(LoadDocument, ReportsAMissingMainFile) {
  TempDir dir;
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(dir.file("absent.yaml"), diagnostics));
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_NE(diagnostics.items()[0].message.find("no such file"), std::string::npos);
  EXPECT_EQ(diagnostics.items()[0].file, dir.file("absent.yaml"));
}

TEST(LoadDocument, ReportsADirectoryAsNotARegularFile) {
  TempDir dir;
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(dir.path(), diagnostics));
  EXPECT_NE(all_messages(diagnostics).find("not a regular file"), std::string::npos);
}

TEST(LoadDocument, FollowsRelativeFileRefsAndFragmentsIntoOtherFiles) {
  TempDir dir;
  write_file(dir, "schemas/thing.yaml",
             "Thing:\n  type: object\n  properties:\n    id: {$ref: 'common.yaml#/Id'}\n"
             "    tags: {$ref: '../shared/tags.yaml'}\n");
  write_file(dir, "schemas/common.yaml", "Id:\n  type: integer\n");
  write_file(dir, "shared/tags.yaml", "type: array\nitems: {type: string}\n");
  std::string main =
      write_file(dir, "api.yaml",
                 "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
                 "components:\n  schemas:\n    Thing: {$ref: 'schemas/thing.yaml#/Thing'}\n"
                 "    Same: {$ref: './schemas/thing.yaml#/Thing'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_EQ(doc->files().size(), 4u) << "thing.yaml is loaded once for both spellings";

  auto thing = doc->resolve(doc->main(), "schemas/thing.yaml#/Thing");
  ASSERT_TRUE(thing);
  EXPECT_EQ((*thing->node)["type"], "object");
  EXPECT_EQ(thing->file->display_name, "schemas/thing.yaml");

  // A $ref inside thing.yaml is relative to thing.yaml's directory.
  NodeRef id = Document::child(Document::child(*thing, "properties"), "id");
  Diagnostics follow_diagnostics;
  NodeRef id_schema = doc->follow(id, follow_diagnostics);
  ASSERT_TRUE(id_schema.valid()) << all_messages(follow_diagnostics);
  EXPECT_EQ((*id_schema.node)["type"], "integer");
  EXPECT_EQ(id_schema.file->display_name, "schemas/common.yaml");
  EXPECT_EQ(id_schema.pointer, "/Id");

  NodeRef tags = doc->follow(Document::child(Document::child(*thing, "properties"), "tags"),
                             follow_diagnostics);
  ASSERT_TRUE(tags.valid());
  EXPECT_EQ((*tags.node)["type"], "array");
  EXPECT_EQ(tags.pointer, "") << "a ref without fragment is the whole file";
}

TEST(LoadDocument, LoadsACycleBetweenTwoFilesOnce) {
  TempDir dir;
  write_file(dir, "a.yaml",
             "Node:\n  type: object\n  properties:\n    next: {$ref: 'b.yaml#/Node'}\n");
  write_file(dir, "b.yaml",
             "Node:\n  type: object\n  properties:\n    back: {$ref: 'a.yaml#/Node'}\n");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
                                "components:\n  schemas:\n    Node: {$ref: 'a.yaml#/Node'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_EQ(doc->files().size(), 3u);
  auto a = doc->resolve(doc->main(), "a.yaml#/Node");
  ASSERT_TRUE(a);
  auto b = doc->resolve(*a->file, "b.yaml#/Node");
  ASSERT_TRUE(b);
  auto back = doc->resolve(*b->file, "a.yaml#/Node");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->node, a->node);
}

TEST(LoadDocument, LoadsAFileThatRefersBackToTheMainFile) {
  TempDir dir;
  write_file(
      dir, "part.yaml",
      "Wrapper:\n  type: object\n  properties:\n    x: {$ref: 'api.yaml#/components/schemas/X'}\n");
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.0.3\ncomponents:\n  schemas:\n    X: {type: string}\n"
                                "    W: {$ref: 'part.yaml#/Wrapper'}\n");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_EQ(doc->files().size(), 2u) << "the main file is not loaded a second time";
}

TEST(LoadDocument, ReportsAMissingFileNamingTheReferringFileAndLine) {
  TempDir dir;
  write_file(dir, "schemas/thing.yaml",
             "Thing:\n  type: object\n  properties:\n    owner:\n      $ref: 'user.yaml#/User'\n");
  std::string main =
      write_file(dir, "api.yaml",
                 "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
                 "components:\n  schemas:\n    Thing: {$ref: 'schemas/thing.yaml#/Thing'}\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(main, diagnostics));
  const Diagnostic* d = find_error(diagnostics, "user.yaml");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_EQ(d->file, "schemas/thing.yaml");
  EXPECT_EQ(d->line, 5);
  EXPECT_EQ(d->pointer, "/Thing/properties/owner");
  EXPECT_NE(d->message.find("no such file"), std::string::npos) << d->message;
}

TEST(LoadDocument, ReportsAMissingFragmentInAnotherFile) {
  TempDir dir;
  write_file(dir, "other.yaml", "A: {type: string}\n");
  std::string main =
      write_file(dir, "api.yaml",
                 "openapi: 3.0.3\ncomponents:\n  schemas:\n    B: {$ref: 'other.yaml#/Nope'}\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(main, diagnostics));
  const Diagnostic* d = find_error(diagnostics, "other.yaml#/Nope");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_EQ(d->line, 4);
}

TEST(LoadDocument, RefusesRemoteRefs) {
  TempDir dir;
  std::string main = write_file(dir, "api.yaml",
                                "openapi: 3.0.3\ncomponents:\n  schemas:\n"
                                "    A: {$ref: 'http://example.com/schemas.yaml#/A'}\n"
                                "    B: {$ref: 'https://example.com/b.json'}\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(main, diagnostics));
  const Diagnostic* d = find_error(diagnostics, "http://example.com/schemas.yaml#/A");
  ASSERT_NE(d, nullptr) << all_messages(diagnostics);
  EXPECT_NE(d->message.find("remote"), std::string::npos);
  EXPECT_EQ(d->line, 4);
  EXPECT_NE(find_error(diagnostics, "https://example.com/b.json"), nullptr);
}

TEST(LoadDocument, ReportsASyntaxErrorInAReferencedFileWithThatFilesName) {
  TempDir dir;
  write_file(dir, "broken.yaml", "A:\n  type: [string\n");
  std::string main =
      write_file(dir, "api.yaml",
                 "openapi: 3.0.3\ncomponents:\n  schemas:\n    B: {$ref: 'broken.yaml#/A'}\n");
  Diagnostics diagnostics;
  EXPECT_FALSE(load_document(main, diagnostics));
  bool named =
      std::any_of(diagnostics.items().begin(), diagnostics.items().end(), [](const Diagnostic& d) {
        return d.file == "broken.yaml" && d.line > 0 &&
               d.message.find("not valid YAML") != std::string::npos;
      });
  EXPECT_TRUE(named) << all_messages(diagnostics);
}

TEST(LoadDocument, RefusesSwaggerAndWrongVersionsFromFiles) {
  TempDir dir;
  Diagnostics swagger;
  EXPECT_FALSE(load_document(write_file(dir, "s.yaml", "swagger: '2.0'\npaths: {}\n"), swagger));
  EXPECT_NE(find_error(swagger, "Swagger"), nullptr);
  Diagnostics four;
  EXPECT_FALSE(load_document(write_file(dir, "f.yaml", "openapi: 4.0.0\n"), four));
  EXPECT_NE(find_error(four, "4.0.0"), nullptr) << all_messages(four);
  Diagnostics number;
  EXPECT_FALSE(load_document(write_file(dir, "n.yaml", "openapi: 3.1\n"), number));
  EXPECT_NE(find_error(number, "must be a string"), nullptr) << all_messages(number);
}

TEST(LoadDocument, LoadsJsonFiles) {
  TempDir dir;
  write_file(dir, "defs.json", R"({"Id": {"type": "integer"}})");
  std::string main = write_file(
      dir, "api.json",
      R"({"openapi": "3.1.0", "components": {"schemas": {"Id": {"$ref": "defs.json#/Id"}}}})");
  Diagnostics diagnostics;
  auto doc = load_document(main, diagnostics);
  ASSERT_TRUE(doc) << all_messages(diagnostics);
  EXPECT_TRUE(doc->is_v31());
  EXPECT_EQ(doc->files().size(), 2u);
}

}  // namespace
}  // namespace apiserver::spec
