// Fuzz target: JSON Merge Patch (RFC 7396) on a stored item, through the whole pipeline
// (src/pipeline): PATCH /todos/1 with the input as an application/merge-patch+json body is
// screened (read-only members, integer range), merged into the stored row, validated as a
// whole item, written to SQLite and answered. After a patch that changed the row, a PUT
// restores it, so that every input starts from the same item.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "pipeline/pipeline.hpp"
#include "store/database.hpp"

namespace {

using namespace apiserver;

const char* const kItem = R"({"title": "fuzz", "done": false, "priority": 3, "due": "2026-01-02",)"
                          R"( "tags": ["a", "b"], "meta": {"owner": "x", "labels": {"k": "v"}}})";

http::Request json_request(const std::string& method, const std::string& path,
                           const std::string& content_type, std::string body) {
  http::Request request;
  request.method = method;
  request.target = request.path = path;
  request.headers = {{"content-type", content_type}, {"accept", "application/json"}};
  request.body = std::move(body);
  request.peer_address = "127.0.0.1";
  return request;
}

int send(pipeline::Pipeline& pipeline, const http::Request& request) {
  http::Response response;
  pipeline.handle(request, response);
  return response.status;
}

// The compiled document, its database in a directory of its own, and the pipeline over both,
// made once; the directory goes when the process exits.
struct Server {
  fuzz::CompiledApi compiled = fuzz::compile_fixed(fuzz::kStoredDocument);
  std::string directory;
  std::unique_ptr<store::Database> database;
  std::unique_ptr<pipeline::Pipeline> pipeline;

  Server() {
    char pattern[] = "/tmp/fuzz_merge_patch.XXXXXX";
    if (mkdtemp(pattern) == nullptr) std::abort();
    directory = pattern;
    std::vector<std::string> notes;
    database = std::make_unique<store::Database>(directory + "/fuzz.db", *compiled.api, notes);
    pipeline = std::make_unique<pipeline::Pipeline>(*compiled.api, database.get());
    int created = send(*pipeline, json_request("POST", "/todos", "application/json", kItem));
    if (created != 201) {
      std::fprintf(stderr, "creating the item answered %d\n", created);
      std::abort();
    }
  }
  ~Server() {
    pipeline.reset();
    database.reset();
    const std::string files[] = {"/fuzz.db", "/fuzz.db-wal", "/fuzz.db-shm"};
    for (const std::string& file : files) std::remove((directory + file).c_str());
    std::remove(directory.c_str());
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Server server;
  const http::Request patch = json_request("PATCH", "/todos/1", "application/merge-patch+json",
                                           std::string(fuzz::as_text(data, size)));
  const int status = send(*server.pipeline, patch);
  if (status >= 500) {
    std::fprintf(stderr, "a merge patch was answered %d\n", status);
    std::abort();
  }
  if (status == 200) {
    const int restored =
        send(*server.pipeline, json_request("PUT", "/todos/1", "application/json", kItem));
    if (restored != 200) std::abort();
  }
  return 0;
}
