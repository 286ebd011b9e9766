// Two servers on one document, one storing in a fresh SQLite file and one in another database
// (a PostgreSQL URL), asked the same requests: for tests whose contract is "the same answers as
// on SQLite", so that a whole table of requests is checked without writing out every answer.
//
//   TwinServers twins(source_path("examples/todo.yaml"), postgres_url);
//   twins.send("POST", "/todos", R"({"title":"milk"})");  // both must answer alike
//   HttpResponse list = twins.send("GET", "/todos?sort=-title");
#pragma once

#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace apiserver::test {

class TwinServers {
 public:
  // Starts both servers with `extra_args` after "DOCUMENT --db DB". Throws like ServerProcess.
  TwinServers(const std::string& document, const std::string& database_url,
              const std::vector<std::string>& extra_args = {});

  // Sends the request to both servers and checks (EXPECT, traced with the request) that the
  // status, the content-type, Location, Link (cursors aside: they are opaque) and X-Total-Count
  // headers and the body agree.
  // Returns the answer of the server on `database_url`.
  HttpResponse send(const std::string& method, const std::string& target,
                    const std::string& body = "", const Headers& headers = {});

  ServerProcess& sqlite() { return sqlite_; }
  ServerProcess& other() { return other_; }
  HttpClient& sqlite_client() { return sqlite_client_; }
  HttpClient& other_client() { return other_client_; }

 private:
  TempDir dir_;
  ServerProcess sqlite_;
  ServerProcess other_;
  HttpClient sqlite_client_;
  HttpClient other_client_;
};

}  // namespace apiserver::test
