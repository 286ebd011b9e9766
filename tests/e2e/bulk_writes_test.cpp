// update-many and delete-many, declared with x-apiserver-crud on the collection path: one merge
// patch to, or the delete of, every item the filters select, all or none. A filter is required;
// paging parameters are refused; an item the patch would make invalid is named and nothing is
// written; more than 1000 selected items are refused; a caller sees only its own rows.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

std::string tasks_document(const std::string& delete_answer) {
  return R"(openapi: 3.0.3
info: {title: Tasks, version: "1"}
paths:
  /tasks:
    get:
      responses:
        "200": {description: A page, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Task"}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/TaskOrTasks"}}}}
      responses:
        "201": {description: Created, content: {application/json: {schema: {$ref: "#/components/schemas/TaskOrTasks"}}}}
    patch:
      x-apiserver-crud: update-many
      requestBody: {content: {application/merge-patch+json: {schema: {type: object}}}}
      responses:
        "200": {description: The tasks changed, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Task"}}}}}
    delete:
      x-apiserver-crud: delete-many
      responses:
)" + delete_answer +
         R"(
  /tasks/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    get:
      responses:
        "200": {description: One, content: {application/json: {schema: {$ref: "#/components/schemas/Task"}}}}
components:
  schemas:
    TaskOrTasks:
      oneOf:
        - {$ref: "#/components/schemas/Task"}
        - {type: array, items: {$ref: "#/components/schemas/Task"}}
    Task:
      type: object
      required: [title]
      properties:
        id: {type: integer, readOnly: true}
        title: {type: string, minLength: 1}
        state: {type: string, enum: [open, done, archived]}
        points: {type: integer}
)";
}

const char* const kNoContent = R"(        "204": {description: Deleted})";

std::vector<int> ids_of(const json& items) {
  std::vector<int> ids;
  for (const json& item : items) ids.push_back(item["id"].get<int>());
  return ids;
}

class BulkWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 6; ++i) {
      json task = {{"title", "task " + std::to_string(i)},
                   {"state", i <= 3 ? "open" : "done"},
                   {"points", i}};
      ASSERT_EQ(client_.post_json("/tasks", task).status, 201);
    }
  }
  std::vector<int> with_state(const std::string& state) {
    return ids_of(client_.get("/tasks?state=" + state).json());
  }

  TempDir dir_;
  ServerProcess server_{
      {write_file(dir_, "tasks.yaml", tasks_document(kNoContent)), "--db", dir_.file("tasks.db")}};
  HttpClient client_{server_.port()};
  const Headers merge_patch_ = {{"Content-Type", "application/merge-patch+json"}};
};

TEST_F(BulkWritesTest, APatchChangesEveryFilteredItemAndAnswersThem) {
  HttpResponse r =
      client_.patch("/tasks?state=done&points[gte]=5", R"({"state":"archived"})", merge_patch_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids_of(r.json()), (std::vector<int>{5, 6}));
  EXPECT_EQ(r.json()[0]["state"], "archived");
  EXPECT_EQ(with_state("archived"), (std::vector<int>{5, 6}));
  EXPECT_EQ(with_state("done"), (std::vector<int>{4}));
}

TEST_F(BulkWritesTest, ADeleteRemovesEveryFilteredItem) {
  HttpResponse r = client_.del("/tasks?state=open&points[ne]=2");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(with_state("open"), (std::vector<int>{2}));
  EXPECT_EQ(client_.get("/tasks/1").status, 404);
}

TEST_F(BulkWritesTest, OneItemThePatchWouldBreakWritesNone) {
  // An empty title breaks minLength in each of the three open tasks: each is named.
  HttpResponse r = client_.patch("/tasks?state=open", R"({"title":""})", merge_patch_);
  ASSERT_EQ(r.status, 422) << r.body;
  const json errors = r.json()["errors"];
  ASSERT_EQ(errors.size(), 3u) << r.body;
  EXPECT_EQ(errors[0]["pointer"], "/title");
  EXPECT_EQ(errors[0]["detail"].get<std::string>().rfind("item 1: ", 0), 0u) << r.body;
  EXPECT_EQ(client_.get("/tasks/1").json()["title"], "task 1") << "nothing was written";
}

TEST_F(BulkWritesTest, AFilterIsRequiredAndPagingDoesNotApply) {
  run_scenarios(
      client_,
      {
          Scenario("A delete without a filter is refused: it never empties the collection.")
              .del("/tasks")
              .expect_status(422)
              .expect_problem(validation_problem(
                  "/tasks", {json{{"in", "query"},
                                  {"pointer", ""},
                                  {"detail",
                                   "needs at least one filter: a write to many items "
                                   "never applies to the whole collection"}}})),
          Scenario("Paging parameters do not select items.")
              .del("/tasks?state=open&limit=1")
              .expect_status(422)
              .expect_problem(validation_problem(
                  "/tasks", {query_error("limit",
                                         "does not apply here: filters alone select "
                                         "the items to write")})),
          Scenario("An unknown filter is refused as in a list.")
              .del("/tasks?colour=red")
              .expect_status(422),
      });
  EXPECT_EQ(client_.get("/tasks").json().size(), 6u);
}

TEST_F(BulkWritesTest, MoreThanAThousandSelectedItemsAreRefused) {
  auto store = [&](const std::string& title, int count) {
    json batch = json::array();
    for (int i = 0; i < count; ++i) batch.push_back({{"title", title}});
    ASSERT_EQ(client_.post_json("/tasks", batch).status, 201);
  };
  store("x", 1000);
  HttpResponse r = client_.del("/tasks?title=x");
  EXPECT_EQ(r.status, 204) << "exactly 1000 is allowed: " << r.body;
  store("y", 1000);
  store("y", 1);
  HttpResponse refused = client_.del("/tasks?title=y");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(
      client_.get("/tasks?title=y&limit=1", {{"Prefer", "count=exact"}}).header("x-total-count"),
      "1001");
}

TEST(BulkWrites, AnAnswerThatIsNeitherItemsNorEmptyIsRefusedAtStartUp) {
  TempDir dir;
  const std::string spec = write_file(
      dir, "tasks.yaml",
      tasks_document(
          R"(        "200": {description: Count, content: {application/json: {schema: {type: object}}}})"));
  RunResult run = ServerProcess::run({"validate", spec}, std::chrono::seconds(10));
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE((run.out + run.err)
                .find("DELETE /tasks (delete-many) answers with the array of the items it wrote, "
                      "or with no body: its 200 response must declare an array of items, a "
                      "list envelope of them, or no content"),
            std::string::npos)
      << run.out << run.err;
}

}  // namespace
}  // namespace apiserver::test
