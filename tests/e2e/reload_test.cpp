// SIGHUP reloads the document: a valid one is swapped in without losing a request, an invalid
// one is refused and the previous document keeps serving.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/http_client.hpp"
#include "support/notes_document.hpp"
#include "support/server_process.hpp"
#include "support/wait_until.hpp"

namespace apiserver::test {
namespace {

const std::string kBase = notes_document();

TEST(Reload, SwapsAValidDocumentWithoutLosingARequestAndKeepsServingOnAnInvalidOne) {
  TempDir dir;
  const std::string spec = write_file(dir, "spec.yaml", kBase);
  ServerProcess server({spec, "--db", dir.file("notes.db"), "--access-log", "off"});
  HttpClient setup(server.port());
  ASSERT_EQ(setup.post("/notes", R"({"text":"kept"})").status, 201);
  EXPECT_EQ(setup.get("/ping").status, 404);

  // Two clients read the stored note while the document is reloaded under them.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 2; ++c) {
    clients.emplace_back([&] {
      HttpClient client(server.port());
      while (!stop) {
        try {
          HttpResponse r = client.get("/notes/1");
          (r.status == 200 ? answered : failed)++;
        } catch (const std::exception&) {
          failed++;
        }
      }
    });
  }
  // Each phase below lasts until the clients have been answered kPerPhase more times, so that
  // reads are in flight around every reload however fast or loaded the machine is.
  constexpr int kPerPhase = 20;
  auto answered_more = [&answered, &failed](int than) {
    return wait_until([&] { return answered.load() >= than + kPerPhase || failed.load() > 0; });
  };
  EXPECT_TRUE(answered_more(0)) << "the clients got no answers";

  // Valid: a new path, and a new optional property (an additive table change).
  std::string next = kBase;
  next.replace(next.find("paths:\n"), 7,
               "paths:\n  /ping:\n    get:\n      responses: {\"200\": {description: ok, content: "
               "{application/json: {example: {pong: true}}}}}\n");
  next += "        color: {type: string}\n";
  write_file(dir, "spec.yaml", next);
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.wait_for_log("reloaded " + spec));
  EXPECT_TRUE(answered_more(answered.load())) << "no answers after the reload";

  // Invalid: refused, the previous document stays.
  write_file(dir, "spec.yaml", next + "broken: [\n");
  ASSERT_EQ(kill(server.pid(), SIGHUP), 0);
  ASSERT_TRUE(server.wait_for_log("reload failed: still serving the previous document"));
  EXPECT_TRUE(answered_more(answered.load())) << "no answers after the refused reload";
  stop = true;
  for (std::thread& t : clients) t.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(answered.load(), 50);
  HttpClient client(server.port());
  EXPECT_EQ(client.get("/ping").json(), nlohmann::json({{"pong", true}}));
  HttpResponse colored = client.post("/notes", R"({"text":"new","color":"red"})");
  ASSERT_EQ(colored.status, 201) << colored.body;
  HttpResponse listed = client.get("/notes");
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json().size(), 2u) << listed.body;
  EXPECT_EQ(listed.json()[0]["text"], "kept");
  EXPECT_EQ(listed.json()[1]["color"], "red");
  EXPECT_NE(server.log().find("the previous document stays in service"), std::string::npos);
  EXPECT_TRUE(server.running());
}

}  // namespace
}  // namespace apiserver::test
