// Keyset paging of a stored list (examples/todo.yaml): without `offset`, a page's rel="next" link
// carries an opaque `cursor` (where the page ended); walking the cursors gives every row of the
// sort order once, in every order (NULLs, ties, descending keys), and rows inserted or deleted
// between pages neither shift nor repeat what the walk returns. Bad cursors are 422 problems.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/problem_json.hpp"
#include "support/scenario.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {
namespace {

using nlohmann::json;

// The rel="next" target of a Link header, or "" when there is none.
std::string next_link(const std::optional<std::string>& header) {
  const std::string link = header.value_or("");
  static const std::regex next(R"(<([^>]*)>; rel="next")");
  std::smatch match;
  return std::regex_search(link, match, next) ? match[1].str() : "";
}

class CursorPagingTest : public ::testing::Test {
 protected:
  int create(const json& body) {
    HttpResponse r = client_.post_json("/todos", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["id"].get<int>() : -1;
  }

  // The ids of a list read in one page.
  std::vector<int> whole(const std::string& query) {
    HttpResponse r = client_.get("/todos?limit=100&" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<int> ids;
    for (const json& item : r.json()) ids.push_back(item["id"].get<int>());
    return ids;
  }

  // The ids of a list read by following rel="next" from `first`; `between` runs after each page.
  std::vector<int> walk(
      std::string target, const std::function<void()>& between = [] {}) {
    std::vector<int> ids;
    for (int pages = 0; !target.empty() && pages < 100; ++pages) {
      HttpResponse r = client_.get(target);
      EXPECT_EQ(r.status, 200) << target << ": " << r.body;
      if (r.status != 200) break;
      for (const json& item : r.json()) ids.push_back(item["id"].get<int>());
      target = next_link(r.header("link"));
      between();
    }
    return ids;
  }

  TempDir dir_;
  ServerProcess server_{
      std::vector<std::string>{source_path("examples/todo.yaml"), "--db", dir_.file("list.db")}};
  HttpClient client_{server_.port()};
};

TEST_F(CursorPagingTest, WithoutOffsetTheNextLinkCarriesACursor) {
  for (int i = 1; i <= 5; ++i) create({{"title", "todo " + std::to_string(i)}});
  HttpResponse first = client_.get("/todos?done=false&limit=2");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(std::regex_match(
      first.header("link").value_or(""),
      std::regex(R"(</todos\?done=false&limit=2&offset=0>; rel="first", )"
                 R"(</todos\?done=false&limit=2&cursor=[A-Za-z0-9_-]+>; rel="next")")))
      << first.header("link").value_or("");
  EXPECT_EQ(walk("/todos?done=false&limit=2"), (std::vector<int>{1, 2, 3, 4, 5}));
  // A page that is not full is the last: no next.
  HttpResponse last = client_.get("/todos?limit=10");
  EXPECT_EQ(last.header("link"), R"(</todos?limit=10&offset=0>; rel="first")");
}

TEST_F(CursorPagingTest, EverySortOrderIsWalkedWholeAndOnce) {
  // Ties on title and done, NULL and set due dates: each order's tie-breaks are exercised.
  const char* titles[] = {"milk", "bread", "milk", "apples", "bread", "milk", "eggs"};
  const char* dues[] = {"2024-05-01", nullptr, "2024-04-01", nullptr,
                        "2024-05-01", nullptr, "2024-06-01"};
  for (int i = 0; i < 7; ++i) {
    json body = {{"title", titles[i]}, {"done", i % 2 == 0}};
    if (dues[i] != nullptr) body["due"] = dues[i];
    create(body);
  }
  for (const std::string sort : {"id", "-id", "title", "-title", "done,-title", "-done,title",
                                 "due", "-due", "due,-title", "-due,-title", "title,due"}) {
    SCOPED_TRACE("sort=" + sort);
    std::vector<int> expected = whole("sort=" + sort);
    ASSERT_EQ(expected.size(), 7u);
    for (int limit : {1, 2, 3}) {
      SCOPED_TRACE("limit=" + std::to_string(limit));
      EXPECT_EQ(walk("/todos?sort=" + sort + "&limit=" + std::to_string(limit)), expected);
    }
  }
}

TEST_F(CursorPagingTest, PagesNeitherSkipNorRepeatWhileOthersInsertAndDelete) {
  std::vector<int> original;
  for (int i = 0; i < 30; ++i) {
    original.push_back(create({{"title", "m" + std::to_string(100 + i)}, {"done", i % 2 == 0}}));
  }
  // After every page: a row deleted from what was already read, one inserted before the walk's
  // position and one after it. Rows that stay from start to end must each come exactly once.
  auto churn = [&, step = 0]() mutable {
    ++step;
    client_.del("/todos/" + std::to_string(original[static_cast<size_t>(step - 1)]));
    create({{"title", "a" + std::to_string(step)}});  // sorts before every "m..."
    create({{"title", "z" + std::to_string(step)}});  // sorts after
  };
  std::vector<int> seen = walk("/todos?sort=title&limit=4", churn);
  std::map<int, int> times;
  for (int id : seen) ++times[id];
  for (size_t i = 0; i < original.size(); ++i) {
    // The first rows were read before they were deleted, once.
    EXPECT_EQ(times[original[i]], 1) << "row " << original[i];
  }
  for (const auto& [id, count] : times) EXPECT_EQ(count, 1) << "row " << id << " repeated";

  // The same churn under offset paging shifts the window: it skips rows, which is why cursors
  // exist (and shows this test can tell).
  std::vector<int> again;
  for (int i = 0; i < 30; ++i) {
    again.push_back(create({{"title", "n" + std::to_string(100 + i)}}));
  }
  std::set<int> offset_seen;
  for (int offset = 0; offset < 200; offset += 4) {
    HttpResponse r = client_.get("/todos?title[startswith]=n&sort=title&limit=4&offset=" +
                                 std::to_string(offset));
    ASSERT_EQ(r.status, 200) << r.body;
    if (r.json().empty()) break;
    for (const json& item : r.json()) offset_seen.insert(item["id"].get<int>());
    client_.del("/todos/" + std::to_string(again[static_cast<size_t>(offset / 4)]));
  }
  EXPECT_LT(offset_seen.size(), again.size()) << "offset paging under deletes skips rows";
}

TEST_F(CursorPagingTest, ACursorWorksWithTheSortItCameFromAndWithoutOffset) {
  for (int i = 1; i <= 3; ++i) create({{"title", "todo " + std::to_string(i)}});
  std::string next = next_link(client_.get("/todos?sort=-title&limit=1").header("link"));
  ASSERT_FALSE(next.empty());
  const std::string cursor = next.substr(next.find("cursor=") + 7);
  const std::string not_given = "is not a cursor this list gave; take it from a Link header";
  auto refused = [](std::string name, std::string target, json errors) {
    return refused_get(std::move(name), std::move(target), "/todos", std::move(errors));
  };
  run_scenarios(
      client_,
      {
          refused("A cursor is refused under another sort.", "/todos?sort=title&cursor=" + cursor,
                  {query_error("cursor",
                               "belongs to another sort order ('-title'); keep the sort of the "
                               "page it came from")}),
          refused("A cursor and an offset exclude each other.",
                  "/todos?sort=-title&offset=1&cursor=" + cursor,
                  {query_error("offset", "cannot be combined with cursor")}),
          refused("Text that is not base64url is no cursor.", "/todos?cursor=@@@",
                  {query_error("cursor", not_given)}),
          // base64url of ["", "x"]: a key of the wrong type.
          refused("A position of the wrong type is no cursor.", "/todos?cursor=WyIiLCJ4Il0",
                  {query_error("cursor", not_given)}),
          // base64url of ["", 1, 2]: one value too many for the key order.
          refused("A position of the wrong length is no cursor.", "/todos?cursor=WyIiLDEsMl0",
                  {query_error("cursor", not_given)}),
          Scenario("An empty cursor is the first page.")
              .get("/todos?cursor=")
              .expect_status(200)
              .check([](const HttpResponse& r) { EXPECT_EQ(r.json().size(), 3u); }),
      });
}

}  // namespace
}  // namespace apiserver::test
