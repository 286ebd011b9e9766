// Row ownership end to end (specs/auth.md, "Row ownership"), against specs/auth_ownership.yaml:
// create stamps the caller whatever the body says; list, read, replace, update and delete see
// only the caller's rows, another caller's row answering exactly as a row that does not exist
// and staying unchanged; replace and update keep the owner; admins by identity or by scope see
// every row. AuthOwnershipStartupTest covers the documents that must not start.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/auth_fixture.hpp"
#include "support/http_client.hpp"
#include "support/jwt_signer.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

constexpr char kSecret[] = "ownership-hmac-secret-0123456789abcdef";
constexpr char kAnnKey[] = "ann-key-0123456789abcdef";
constexpr char kBenKey[] = "ben-key-0123456789abcdef";
constexpr char kMergePatch[] = "application/merge-patch+json";
constexpr char kAbsentId[] = "987654";

std::string token(const std::string& subject, const json& extra = json::object()) {
  json claims = {{"sub", subject}, {"exp", unix_now() + 600}};
  for (const auto& [name, value] : extra.items()) claims[name] = value;
  return make_hmac_jwt("HS256", claims, kSecret);
}

Headers as(const std::string& subject, const json& extra = json::object()) {
  return {bearer(token(subject, extra))};
}

// `text` with every occurrence of `from` replaced by `to`.
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class AuthOwnershipTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- server log ---\n" << server_.log();
  }

  // Creates a todo as `subject` and returns the stored row.
  json create(const std::string& subject, const std::string& title) {
    HttpResponse r = client_.post_json("/todos", {{"title", title}}, as(subject));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json() : json();
  }

  std::string path_of(const json& row) { return "/todos/" + std::to_string(row.value("id", 0)); }

  // The row at `path` as `subject` sees it; it must be there.
  json read(const std::string& subject, const std::string& path) {
    HttpResponse r = client_.get(path, as(subject));
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.status == 200 ? r.json() : json();
  }

  json list(const Headers& caller, const std::string& query = "") {
    HttpResponse r = client_.get("/todos" + query, caller);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json() : json::array();
  }

  // `r` is exactly what the same request on a todo that never existed gets, but for the path.
  void expect_as_if_absent(const HttpResponse& r, const HttpResponse& absent,
                           const std::string& id) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(absent.status, 404) << absent.body;
    EXPECT_EQ(r.body, replace_all(absent.body, kAbsentId, id));
    EXPECT_EQ(r.header("content-type"), absent.header("content-type"));
  }

  static std::vector<std::string> owners(const json& rows) {
    std::vector<std::string> out;
    for (const json& row : rows) out.push_back(row.value("owner", "?"));
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::vector<std::string> titles(const json& rows) {
    std::vector<std::string> out;
    for (const json& row : rows) out.push_back(row.value("title", "?"));
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  ServerProcess server_{
      {render_fixture(dir_, "auth_ownership.yaml"), "--db", dir_.file("owned.db")},
      {{"AUTH_TEST_HS_SECRET", kSecret},
       {"AUTH_TEST_API_KEYS", std::string("ann=") + kAnnKey + ",ben=" + kBenKey}}};
  HttpClient client_{server_.port()};
};

TEST_F(AuthOwnershipTest, CreateStampsTheCallerWhateverTheBodySays) {
  HttpResponse r = client_.post_json("/todos", {{"title", "milk"}, {"owner", "bob"}}, as("alice"));
  ASSERT_EQ(r.status, 201) << r.body;
  json row = r.json();
  EXPECT_EQ(row.value("owner", ""), "alice") << r.body;
  EXPECT_EQ(r.header("location"), path_of(row));
  EXPECT_EQ(read("alice", path_of(row)), row);
  EXPECT_EQ(client_.get(path_of(row), as("bob")).status, 404);
  // Without an owner in the body, the same.
  EXPECT_EQ(create("bob", "bread").value("owner", ""), "bob");
}

TEST_F(AuthOwnershipTest, ListShowsOnlyTheCallersRows) {
  create("alice", "a1");
  create("bob", "b1");
  create("alice", "a2");
  create("bob", "b2");
  create("bob", "b3");
  json alice = list(as("alice"));
  EXPECT_EQ(titles(alice), (std::vector<std::string>{"a1", "a2"})) << alice.dump();
  EXPECT_EQ(owners(alice), (std::vector<std::string>{"alice", "alice"}));
  json bob = list(as("bob"));
  EXPECT_EQ(titles(bob), (std::vector<std::string>{"b1", "b2", "b3"})) << bob.dump();
  EXPECT_EQ(list(as("carol")), json::array());
  // Filtering by owner cannot reach past the caller's own rows.
  EXPECT_EQ(list(as("alice"), "?owner=bob"), json::array());
  EXPECT_EQ(titles(list(as("alice"), "?owner=alice")), (std::vector<std::string>{"a1", "a2"}));
  // Nor can paging.
  EXPECT_EQ(titles(list(as("alice"), "?limit=100")), (std::vector<std::string>{"a1", "a2"}));
}

TEST_F(AuthOwnershipTest, AnotherCallersRowReadsAsIfItDidNotExist) {
  json row = create("bob", "secret plans");
  const std::string id = std::to_string(row.value("id", 0));
  expect_as_if_absent(client_.get(path_of(row), as("alice")),
                      client_.get(std::string("/todos/") + kAbsentId, as("alice")), id);
  HttpResponse head = client_.head(path_of(row), as("alice"));
  EXPECT_EQ(head.status, 404);
  EXPECT_EQ(read("bob", path_of(row)), row);
}

TEST_F(AuthOwnershipTest, ReplacingAnotherCallersRowIs404AndChangesNothing) {
  json row = create("bob", "b1");
  const std::string id = std::to_string(row.value("id", 0));
  const json body = {{"title", "hacked"}, {"done", true}, {"owner", "alice"}};
  expect_as_if_absent(client_.put_json(path_of(row), body, as("alice")),
                      client_.put_json(std::string("/todos/") + kAbsentId, body, as("alice")), id);
  EXPECT_EQ(read("bob", path_of(row)), row);
  EXPECT_EQ(list(as("alice")), json::array());
}

TEST_F(AuthOwnershipTest, UpdatingAnotherCallersRowIs404AndChangesNothing) {
  json row = create("bob", "b1");
  const std::string id = std::to_string(row.value("id", 0));
  const std::string patch = R"({"title":"hacked","done":true})";
  expect_as_if_absent(
      client_.patch(path_of(row), patch, {as("alice")[0], {"Content-Type", kMergePatch}}),
      client_.patch(std::string("/todos/") + kAbsentId, patch,
                    {as("alice")[0], {"Content-Type", kMergePatch}}),
      id);
  EXPECT_EQ(read("bob", path_of(row)), row);
}

TEST_F(AuthOwnershipTest, DeletingAnotherCallersRowIs404AndChangesNothing) {
  json row = create("bob", "b1");
  const std::string id = std::to_string(row.value("id", 0));
  expect_as_if_absent(client_.del(path_of(row), as("alice")),
                      client_.del(std::string("/todos/") + kAbsentId, as("alice")), id);
  EXPECT_EQ(read("bob", path_of(row)), row);
  EXPECT_EQ(titles(list(as("bob"))), (std::vector<std::string>{"b1"}));
  // Its owner can still delete it.
  EXPECT_EQ(client_.del(path_of(row), as("bob")).status, 204);
  EXPECT_EQ(client_.get(path_of(row), as("bob")).status, 404);
}

// A condition must not tell another caller's row from one that does not exist.
TEST_F(AuthOwnershipTest, AConditionalWriteOnAnotherCallersRowIs404LikeAnAbsentOne) {
  json row = create("bob", "b1");
  const std::string id = std::to_string(row.value("id", 0));
  const std::string absent = std::string("/todos/") + kAbsentId;
  for (const char* condition : {"*", "\"0\"", "\"nope\""}) {
    SCOPED_TRACE(condition);
    Headers patch = {as("alice")[0], {"Content-Type", kMergePatch}, {"If-Match", condition}};
    expect_as_if_absent(client_.patch(path_of(row), R"({"done":true})", patch),
                        client_.patch(absent, R"({"done":true})", patch), id);
    Headers del = {as("alice")[0], {"If-Match", condition}};
    expect_as_if_absent(client_.del(path_of(row), del), client_.del(absent, del), id);
    Headers put = {as("alice")[0], {"Content-Type", "application/json"}, {"If-Match", condition}};
    expect_as_if_absent(client_.put(path_of(row), R"({"title":"x"})", put),
                        client_.put(absent, R"({"title":"x"})", put), id);
  }
  EXPECT_EQ(read("bob", path_of(row)), row);
}

TEST_F(AuthOwnershipTest, ReplaceAndUpdateKeepTheOwner) {
  json row = create("alice", "a1");
  HttpResponse put =
      client_.put_json(path_of(row), {{"title", "a1 v2"}, {"owner", "bob"}}, as("alice"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().value("owner", ""), "alice") << put.body;
  EXPECT_EQ(put.json().value("title", ""), "a1 v2");
  HttpResponse patch = client_.patch(path_of(row), R"({"title":"a1 v3","owner":"bob"})",
                                     {as("alice")[0], {"Content-Type", kMergePatch}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(patch.json().value("owner", ""), "alice") << patch.body;
  EXPECT_EQ(patch.json().value("title", ""), "a1 v3");
  // Removing the owner with a merge patch does not work either.
  HttpResponse remove = client_.patch(path_of(row), R"({"owner":null})",
                                      {as("alice")[0], {"Content-Type", kMergePatch}});
  EXPECT_NE(remove.status, 500) << remove.body;
  EXPECT_EQ(read("alice", path_of(row)).value("owner", ""), "alice");
  EXPECT_EQ(client_.get(path_of(row), as("bob")).status, 404);
  EXPECT_EQ(list(as("bob")), json::array());
}

TEST_F(AuthOwnershipTest, AnAdminByIdentitySeesAndChangesEveryRowButNotItsOwner) {
  json a = create("alice", "a1");
  json b = create("bob", "b1");
  json all = list(as("root"));
  EXPECT_EQ(titles(all), (std::vector<std::string>{"a1", "b1"})) << all.dump();
  EXPECT_EQ(read("root", path_of(b)), b);
  HttpResponse patch =
      client_.patch(path_of(b), R"({"done":true})", {as("root")[0], {"Content-Type", kMergePatch}});
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(patch.json().value("owner", ""), "bob");
  EXPECT_EQ(patch.json().value("done", false), true);
  HttpResponse put = client_.put_json(path_of(a), {{"title", "a1 by root"}}, as("root"));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().value("owner", ""), "alice");
  EXPECT_EQ(read("alice", path_of(a)).value("title", ""), "a1 by root");
  // What root creates is root's.
  EXPECT_EQ(create("root", "r1").value("owner", ""), "root");
  EXPECT_EQ(titles(list(as("alice"))), (std::vector<std::string>{"a1 by root"}));
  EXPECT_EQ(client_.del(path_of(b), as("root")).status, 204);
  EXPECT_EQ(client_.get(path_of(b), as("bob")).status, 404);
}

TEST_F(AuthOwnershipTest, AnAdminByScopeSeesEveryRow) {
  json a = create("alice", "a1");
  json b = create("bob", "b1");
  for (const json& scopes : {json({{"scope", "read admin"}}), json({{"scp", {"admin"}}})}) {
    SCOPED_TRACE(scopes.dump());
    EXPECT_EQ(titles(list(as("carol", scopes))), (std::vector<std::string>{"a1", "b1"}));
    HttpResponse r = client_.get(path_of(b), as("carol", scopes));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // Scopes that only look like it do not count.
  for (const json& scopes : {json({{"scope", "administrator"}}), json({{"scope", "admins"}}),
                             json({{"scope", "Admin"}}), json({{"scp", {"admin-ish"}}})}) {
    SCOPED_TRACE(scopes.dump());
    EXPECT_EQ(list(as("carol", scopes)), json::array());
    EXPECT_EQ(client_.get(path_of(a), as("carol", scopes)).status, 404);
  }
  // Nor does a subject that merely contains an admin's name.
  EXPECT_EQ(list(as("root2")), json::array());
  EXPECT_EQ(list(as("Root")), json::array());
}

TEST_F(AuthOwnershipTest, EveryOperationOfAnOwnedResourceNeedsCredentials) {
  json row = create("alice", "a1");
  // Every request below comes without credentials: refused, and nothing of the row shows.
  auto refused = [](Scenario scenario) {
    return scenario.expect_status(401).expect(
        "the answer does not quote the row's title",
        [](const HttpResponse& r) { return r.body.find("a1") == std::string::npos; });
  };
  run_each_scenario(
      client_,
      {
          refused(Scenario("Listing needs credentials.").get("/todos")),
          refused(Scenario("Creating needs credentials.").post("/todos", R"({"title":"x"})")),
          refused(Scenario("Reading needs credentials.").get(path_of(row))),
          refused(Scenario("Replacing needs credentials.").put(path_of(row), R"({"title":"x"})")),
          refused(Scenario("Updating needs credentials.")
                      .patch(path_of(row), R"({"title":"x"})")
                      .header("Content-Type", kMergePatch)),
          refused(Scenario("Deleting needs credentials.").del(path_of(row))),
      });
  EXPECT_EQ(read("alice", path_of(row)), row);
  EXPECT_EQ(titles(list(as("alice"))), (std::vector<std::string>{"a1"}));
}

TEST_F(AuthOwnershipTest, ApiKeyCallersOwnRowsByTheKeysName) {
  // The short form (x-apiserver-owner: owner) on Note, with string keys.
  HttpResponse created =
      client_.post_json("/notes", {{"text", "ann's"}, {"owner", "ben"}}, {{"X-API-Key", kAnnKey}});
  ASSERT_EQ(created.status, 201) << created.body;
  json note = created.json();
  EXPECT_EQ(note.value("owner", ""), "ann");
  const std::string path = "/notes/" + note.value("id", "");
  EXPECT_EQ(client_.get(path, {{"X-API-Key", kAnnKey}}).json(), note);
  EXPECT_EQ(client_.get(path, {{"X-API-Key", kBenKey}}).status, 404);
  EXPECT_EQ(client_.del(path, {{"X-API-Key", kBenKey}}).status, 404);
  HttpResponse ben_list = client_.get("/notes", {{"X-API-Key", kBenKey}});
  ASSERT_EQ(ben_list.status, 200) << ben_list.body;
  EXPECT_EQ(ben_list.json(), json::array());
  // A bearer token whose subject is "ann" is the same caller.
  EXPECT_EQ(client_.get(path, as("ann")).status, 200);
  // Todo rows too: identities are the same whatever the scheme.
  json todo = create("ann", "via token");
  EXPECT_EQ(client_.get(path_of(todo), {{"X-API-Key", kAnnKey}}).status, 200);
  EXPECT_EQ(client_.get(path_of(todo), {{"X-API-Key", kBenKey}}).status, 404);
}

// --- Start-up -------------------------------------------------------------------------------

// A document with a stored, owned resource; `list_security` is the list operation's own
// `security` line ("" for none) and `owner_property` the owner's schema.
std::string owned_spec(const std::string& list_security, const std::string& owner_property,
                       const std::string& owner_setting = "owner") {
  return "openapi: 3.0.3\n"
         "info: {title: Owned, version: 1.0.0}\n"
         "security: [{key: []}]\n"
         "paths:\n"
         "  /items:\n"
         "    get:\n" +
         list_security +
         "      responses:\n"
         "        \"200\":\n"
         "          description: Items\n"
         "          content:\n"
         "            application/json:\n"
         "              schema: {type: array, items: {$ref: \"#/components/schemas/Item\"}}\n"
         "    post:\n"
         "      requestBody:\n"
         "        required: true\n"
         "        content:\n"
         "          application/json:\n"
         "            schema: {$ref: \"#/components/schemas/Item\"}\n"
         "      responses:\n"
         "        \"201\":\n"
         "          description: Created\n"
         "          content:\n"
         "            application/json:\n"
         "              schema: {$ref: \"#/components/schemas/Item\"}\n"
         "components:\n"
         "  securitySchemes:\n"
         "    key: {type: apiKey, in: header, name: X-API-Key, x-apiserver-keys: "
         "\"${AUTH_TEST_API_KEYS}\"}\n"
         "  schemas:\n"
         "    Item:\n"
         "      type: object\n"
         "      x-apiserver-table: items\n"
         "      x-apiserver-owner: " +
         owner_setting +
         "\n"
         "      properties:\n"
         "        id: {type: integer, readOnly: true}\n"
         "        name: {type: string}\n" +
         owner_property;
}

class AuthOwnershipStartupTest : public ::testing::Test {
 protected:
  RunResult run(const std::string& spec_text) {
    std::string spec = write_file(dir_, "owned.yaml", spec_text);
    return ServerProcess::run({spec, "--port", "0", "--db", dir_.file("owned.db")},
                              std::chrono::seconds(10),
                              {{"AUTH_TEST_API_KEYS", "k=0123456789abcdef0123"}});
  }

  TempDir dir_;
};

TEST_F(AuthOwnershipStartupTest, TheValidDocumentStarts) {
  // The baseline the refusals below differ from by one line.
  std::string spec = write_file(dir_, "owned.yaml",
                                owned_spec("", "        owner: {type: string, readOnly: true}\n"));
  ServerProcess server({spec, "--db", dir_.file("owned.db")},
                       {{"AUTH_TEST_API_KEYS", "k=0123456789abcdef0123"}});
  HttpClient client(server.port());
  HttpResponse r =
      client.post("/items", R"({"name":"n"})", {{"X-API-Key", "0123456789abcdef0123"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().value("owner", ""), "k");
}

TEST_F(AuthOwnershipStartupTest, AnOwnedOperationOpenToAnonymousCallersStopsStartUp) {
  const std::string owner = "        owner: {type: string, readOnly: true}\n";
  for (const std::string security : {"      security: []\n", "      security: [{key: []}, {}]\n"}) {
    SCOPED_TRACE(security);
    RunResult result = run(owned_spec(security, owner));
    EXPECT_NE(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("/items"), std::string::npos)
        << result.out << result.err;
  }
}

TEST_F(AuthOwnershipStartupTest, AnOwnerThatIsNotAStringPropertyStopsStartUp) {
  struct Case {
    std::string name;
    std::string property;
    std::string setting;
  };
  const std::vector<Case> cases = {
      {"an integer owner", "        owner: {type: integer, readOnly: true}\n", "owner"},
      {"an owner missing from the schema", "", "owner"},
      {"the long form naming a missing property", "        owner: {type: string, readOnly: true}\n",
       "{property: someone}"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    RunResult result = run(owned_spec("", test.property, test.setting));
    EXPECT_NE(result.exit_code, 0) << result.out << result.err;
    EXPECT_NE((result.out + result.err).find("x-apiserver-owner"), std::string::npos)
        << result.out << result.err;
  }
}

}  // namespace
}  // namespace apiserver::test
